import { seededRandom } from '@lium/test-support/random';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { ExecutorSchema, TemplateSchema } from '../src/index.ts';
import { listOf, withoutFastPaths } from '../src/schemas/common.ts';
import { formatIssuePath } from '../src/validate.ts';
import { executor, template } from './fixtures.ts';

/** What a server might put anywhere: good values, nulls, numeric strings and wrong types. */
const REPLACEMENTS: unknown[] = [
  null,
  '12.5',
  ' 8 ',
  'eight',
  '',
  true,
  false,
  0,
  -3.25,
  {},
  [],
  [1, 'x'],
  { nested: null },
];

/** Every path of a JSON value: object keys and array indexes, at every depth. */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return [];
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((item, i) => [i, item])
    : Object.entries(value);
  return entries.flatMap(([key, item]) => [[...prefix, key], ...pathsOf(item, [...prefix, key])]);
}

/** An executor the emulator could send, with 0-3 of its values replaced or removed. */
function variant(next: () => number): Record<string, unknown> {
  const gpus = 1 + Math.floor(next() * 4);
  const base = executor({
    price_per_hour: 20,
    tier: next() < 0.5 ? 'spot' : 'secure',
    interconnect: next() < 0.4 ? null : { nvlink: false, matrix: [['X']] },
    max_cuda_version: 12.4,
    effective_download_speed_mbps: 900.5,
    specs: {
      gpu: {
        count: gpus,
        driver: '550.54.15',
        cuda_driver: next() < 0.5 ? '12.4' : 12040,
        details: Array.from({ length: gpus }, (_, i) => ({
          name: 'NVIDIA H100 80GB HBM3',
          capacity: 81920,
          cuda: '12.0',
          power_limit: i === 0 ? null : 700,
          uuid: `GPU-${i}`,
        })),
      },
      cpu: { count: 128, model: 'AMD EPYC', utilization: null },
      ram: { total: 2097152, used: 0, free: 2097152 },
      hard_disk: { total: 8_000_000_000 },
      network: { upload_speed: 1000, download_speed: 2000 },
      os: 'Ubuntu 22.04',
      sysbox_runtime: false,
      available_port_count: 20,
    },
  });
  const changes = Math.floor(next() * 4);
  for (let n = 0; n < changes; n++) {
    const paths = pathsOf(base);
    const path = paths[Math.floor(next() * paths.length)] ?? ['id'];
    let parent: Record<string | number, unknown> = base;
    for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
    const last = path[path.length - 1] as string | number;
    if (next() < 0.15 && !Array.isArray(parent)) delete parent[last];
    else parent[last] = REPLACEMENTS[Math.floor(next() * REPLACEMENTS.length)];
  }
  return base;
}

function outcome(schema: v.GenericSchema, body: unknown) {
  const result = v.safeParse(schema, structuredClone(body));
  return result.success
    ? { success: true, output: result.output as unknown }
    : {
        success: false,
        issues: result.issues.map(
          (issue) => `${formatIssuePath('body', issue.path)}: ${issue.message}`,
        ),
      };
}

describe('the fast paths against the valibot schemas alone', () => {
  it('give the same model, or the same issues, on 400 executor listings of varied shape', () => {
    const next = seededRandom(17);
    const list = listOf(ExecutorSchema);
    let failures = 0;
    for (let round = 0; round < 400; round++) {
      const body = Array.from({ length: 1 + Math.floor(next() * 3) }, () => variant(next));
      const fast = outcome(list, body);
      const slow = withoutFastPaths(() => outcome(list, body));
      expect(fast, `round ${round}: ${JSON.stringify(body)}`).toStrictEqual(slow);
      if (!fast.success) failures += 1;
    }
    // Both sides of the check were exercised: listings that pass and listings that fail.
    expect(failures).toBeGreaterThan(40);
    expect(failures).toBeLessThan(360);
  });

  it('agree on template listings (plain arrays of strings and numeric strings inside)', () => {
    const body = [template(), template({ internal_ports: ['22', 8000], volumes: null })];
    expect(outcome(listOf(TemplateSchema), body)).toStrictEqual(
      withoutFastPaths(() => outcome(listOf(TemplateSchema), body)),
    );
    expect(outcome(listOf(TemplateSchema), [template({ volumes: [1] })]).success).toBe(false);
  });

  it('hand back the parsed objects themselves when no value needs converting', () => {
    const body = [executor(), executor({ id: 'e2' })];
    const result = v.parse(listOf(ExecutorSchema), body);
    // No copy of the 1 000-row page: the check only looked at it.
    expect(result).toBe(body);
    expect(result[1]).toBe(body[1]);
    const withNull: Record<string, unknown>[] = [executor({ tier: null })];
    const [converted] = v.parse(listOf(ExecutorSchema), withNull);
    expect(converted).not.toBe(withNull[0]);
    expect(converted?.tier).toBeUndefined();
    expect(withNull[0]?.tier).toBeNull();
    expect(converted?.specs).toBe(withNull[0]?.specs);
  });
});
