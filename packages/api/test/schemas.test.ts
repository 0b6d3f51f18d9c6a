import { json } from '@lium/test-support/http-server';
import { describe, expect, it } from 'vitest';
import type { LiumResponseShapeError } from '../src/index.ts';
import { executor, pod, template } from './fixtures.ts';
import { useTestServer } from './setup.ts';

const t = useTestServer();

describe('normalised wire types', () => {
  it("a pod's gpu_count string becomes a number, its executor's null price_per_gpu is tolerated", async () => {
    t.server.route('GET /api/pods', json(200, [pod({ gpu_count: '4', price: '12.5' })]));
    const [row] = await t.client().getPods();
    expect(row?.gpu_count).toBe(4);
    expect(row?.price).toBe(12.5);
    expect(row?.executor?.price_per_gpu).toBeUndefined();
    expect(row?.executor?.price_per_hour).toBe(20);
  });

  it.each([
    ['an object', { '22': 2222, '8000': '40123' }, { '22': 2222, '8000': 40123 }],
    ['a JSON string', '{"22": 2222, "8000": 40123}', { '22': 2222, '8000': 40123 }],
    ['a Python repr string', "{'22': 2222}", { '22': 2222 }],
    ['null', null, {}],
    ['an empty string', '', {}],
    ['absent', undefined, {}],
  ])('ports_mapping as %s', async (_, wire, expected) => {
    t.server.route('GET /api/pods/:id', json(200, pod({ ports_mapping: wire })));
    expect((await t.client().getPod('p')).ports_mapping).toEqual(expected);
  });

  it('a ports_mapping string that is not a port table names the field', async () => {
    t.server.route('GET /api/pods', json(200, [pod({ ports_mapping: 'garbage' })]));
    const error = (await t
      .client()
      .getPods()
      .catch((e: unknown) => e)) as LiumResponseShapeError;
    expect(error.issues[0]?.path).toBe('pods[0].ports_mapping');
  });

  it('unknown fields pass through at every level, missing optional fields are fine', async () => {
    const wire = executor({
      specs: { gpu: { count: '8', details: [{ name: 'H100', future: 1 }] }, extra: 'kept' },
    });
    t.server.route('GET /api/executors', json(200, [wire, { id: 'e2', machine_name: 'RTX 4090' }]));
    const [first, second] = await t.client().getExecutors();
    expect(first).toMatchObject({
      brand_new_field: { nested: true },
      gpu_count: 8,
      specs: { extra: 'kept', gpu: { count: 8, details: [{ name: 'H100', future: 1 }] } },
    });
    expect(second).toEqual({ id: 'e2', machine_name: 'RTX 4090' });
  });

  it('optional nulls read as undefined; environment values become strings', async () => {
    t.server.route(
      'GET /api/templates/:id',
      json(200, template({ description: null, environment: { A: 1, B: true, C: 'c' } })),
    );
    const result = await t.client().getTemplate('t');
    expect(result.description).toBeUndefined();
    expect(result.environment).toEqual({ A: '1', B: 'true', C: 'c' });
  });

  it('restore answers of older servers (operation_id) still give restore_log_id', async () => {
    t.server.route('POST /api/pods/:id/restore', json(200, { operation_id: 'op-9' }));
    const result = await t.client().restorePod('p', { backupId: 'b', restorePath: '/root' });
    expect(result.restore_log_id).toBe('op-9');
  });

  it('a user with a null balance', async () => {
    t.server.route('GET /api/users/me', json(200, { id: 'u', balance: null }));
    expect((await t.client().getMe()).balance).toBeUndefined();
  });
});

describe('the fast path of optional numbers, strings and booleans', () => {
  it('takes plain values as they are and still converts numeric strings and nulls', async () => {
    t.server.route(
      'GET /api/executors',
      json(200, [
        executor({
          price_per_gpu: 2.5,
          gpu_count: ' 8 ',
          uptime_in_minutes: null,
          status: 'available',
          nvlink: false,
          specs: { gpu: { count: '2', details: [{ capacity: 81920, power_limit: null }] } },
        }),
      ]),
    );
    const [row] = await t.client().getExecutors();
    expect(row?.price_per_gpu).toBe(2.5);
    expect(row?.gpu_count).toBe(8);
    expect(row?.uptime_in_minutes).toBeUndefined();
    expect(row?.status).toBe('available');
    expect(row?.nvlink).toBe(false);
    expect(row?.specs?.gpu?.count).toBe(2);
    expect(row?.specs?.gpu?.details?.[0]?.capacity).toBe(81920);
    expect(row?.specs?.gpu?.details?.[0]?.power_limit).toBeUndefined();
  });

  it.each([
    ['a boolean for a number', { price_per_gpu: true }, 'executors[0].price_per_gpu'],
    ['a word for a number', { gpu_count: 'eight' }, 'executors[0].gpu_count'],
    ['an object for a number', { uptime_in_minutes: {} }, 'executors[0].uptime_in_minutes'],
    ['a number for a string', { status: 5 }, 'executors[0].status'],
    ['a string for a boolean', { nvlink: 'yes' }, 'executors[0].nvlink'],
    [
      'a nested bad number',
      { specs: { gpu: { details: [{ capacity: [1] }] } } },
      'executors[0].specs.gpu.details[0].capacity',
    ],
  ])('still refuses %s, naming the field', async (_, overrides, path) => {
    t.server.route('GET /api/executors', json(200, [executor(overrides)]));
    const error = (await t
      .client()
      .getExecutors()
      .catch((e: unknown) => e)) as LiumResponseShapeError;
    expect(error.code).toBe('invalid_response');
    expect(error.issues.map((issue) => issue.path)).toContain(path);
    expect(error.issues.every((issue) => /Invalid|Expected/i.test(issue.message))).toBe(true);
  });
});

describe('the fast path of executor objects', () => {
  it('keeps unknown fields and converted values, as the full schema does', async () => {
    t.server.route(
      'GET /api/executors',
      json(200, [executor({ brand_new_field: { nested: [1, 2] }, gpu_count: '4' })]),
    );
    const [row] = await t.client().getExecutors();
    expect(row).toMatchObject({ brand_new_field: { nested: [1, 2] }, gpu_count: 4 });
  });

  it('takes a CUDA version as a string or a number, and refuses anything else', async () => {
    const specs = (cuda_driver: unknown) => ({
      specs: { gpu: { cuda_driver, details: [{ cuda: '12.4' }] } },
    });
    t.server.route('GET /api/executors', json(200, [executor(specs(550))]));
    const [row] = await t.client().getExecutors();
    expect(row?.specs?.gpu?.cuda_driver).toBe(550);
    expect(row?.specs?.gpu?.details?.[0]?.cuda).toBe('12.4');
    t.server.route('GET /api/executors', json(200, [executor(specs(true))]));
    const error = (await t
      .client()
      .getExecutors()
      .catch((e: unknown) => e)) as LiumResponseShapeError;
    expect(error.issues.map((issue) => issue.path)).toContain('executors[0].specs.gpu.cuda_driver');
  });

  it('still refuses a missing id, naming it', async () => {
    const { id: _id, ...rest } = executor();
    t.server.route('GET /api/executors', json(200, [rest]));
    const error = (await t
      .client()
      .getExecutors()
      .catch((e: unknown) => e)) as LiumResponseShapeError;
    expect(error.issues.map((issue) => issue.path)).toContain('executors[0].id');
  });

  it('drops a "__proto__" key as the full schema does, touching no prototype', async () => {
    const hostile = JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    t.server.route('GET /api/executors', json(200, [{ ...executor(), ...hostile }]));
    const [row] = await t.client().getExecutors();
    expect(Object.hasOwn(row as object, '__proto__')).toBe(false);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    expect((row as { polluted?: boolean }).polluted).toBeUndefined();
  });
});
