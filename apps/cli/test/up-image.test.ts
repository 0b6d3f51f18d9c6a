import { beforeAll, describe, expect, it } from 'vitest';
import { useEmulatorWorld } from './helpers.ts';

interface TemplateRow {
  index: number;
  id: string;
  huid: string;
  image: string;
}

describe('up --image: a template id, HUID, # from `lium templates`, or a Docker image', () => {
  const world = useEmulatorWorld({ executors: 10, readyDelayMs: 0 });
  const lium = world.lium;
  let templates: TemplateRow[];
  const rentBodies = () =>
    world.emulator.control
      .requests({ method: 'POST', path: '/executors/*/rent' })
      .map((request) => request.body as { template_id?: string });
  const lastRentTemplate = () => rentBodies().at(-1)?.template_id;

  beforeAll(async () => {
    await lium(['ls', '--limit', '8']);
    templates = JSON.parse((await lium(['templates', '--json'])).stdout) as TemplateRow[];
    await lium(['templates']);
  });

  it.each([
    ['an index from the last `lium templates`', (t: TemplateRow[]) => [String(t[1]?.index), t[1]]],
    ['a template HUID', (t: TemplateRow[]) => [t[2]?.huid, t[2]]],
    ['a template id', (t: TemplateRow[]) => [t[3]?.id, t[3]]],
  ] as const)('accepts %s', async (_what, pick) => {
    const [spec, template] = pick(templates) as [string, TemplateRow];
    const before = rentBodies().length;
    const up = await lium(['up', String(before + 1), '-y', '--image', spec]);
    expect(up.code, up.stderr).toBe(0);
    expect(lastRentTemplate()).toBe(template.id);
  });

  it('a Docker image with a template of exactly that image uses the template', async () => {
    const existing = templates.find((t) => t.image === 'daturaai/ubuntu:22.04') as TemplateRow;
    const creates = world.emulator.control.requests({ method: 'POST', path: '/templates' }).length;
    const up = await lium(['up', '5', '-y', '--image', 'daturaai/ubuntu:22.04']);
    expect(up.code, up.stderr).toBe(0);
    expect(lastRentTemplate()).toBe(existing.id);
    expect(world.emulator.control.requests({ method: 'POST', path: '/templates' })).toHaveLength(
      creates,
    );
  });

  it('a Docker image without one gets a private one-time template, as the official CLI does', async () => {
    const image = 'pytorch/pytorch:2.4.0-cuda12.1-cudnn9-runtime';
    const up = await lium(['up', '6', '-y', '--image', image]);
    expect(up.code, up.stderr).toBe(0);
    const [create] = world.emulator.control
      .requests({ method: 'POST', path: '/templates' })
      .map((request) => request.body as Record<string, unknown>);
    expect(create).toMatchObject({
      docker_image: 'pytorch/pytorch',
      docker_image_tag: '2.4.0-cuda12.1-cudnn9-runtime',
      is_private: true,
      one_time_template: true,
    });
    expect(String(create?.name)).toMatch(/^ephemeral-[0-9a-f]{8}$/);
    const listed = JSON.parse((await lium(['templates', '--json'])).stdout) as TemplateRow[];
    const made = listed.find((t) => t.image === image) as TemplateRow;
    expect(lastRentTemplate()).toBe(made.id);
  });

  it('anything else is a usage error naming what was expected, and nothing is rented', async () => {
    const before = rentBodies().length;
    for (const spec of ['nope', '99', 'Not An Image:']) {
      const up = await lium(['up', '7', '-y', '--image', spec]);
      expect(up.code, `${spec}: ${up.stderr}`).toBe(2);
      expect(up.stderr).toContain(
        'is not a template id or HUID, an index from the last `lium templates`, or a Docker image',
      );
      expect(up.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(rentBodies()).toHaveLength(before);
  });
});
