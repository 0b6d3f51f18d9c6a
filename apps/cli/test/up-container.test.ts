import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '@lium/test-support/sshd';
import { describe, expect, it } from 'vitest';
import { useEmulatorWorld } from './helpers.ts';

const hasJupyter = existsSync('/usr/bin/jupyter-notebook') || existsSync('/usr/bin/jupyter-lab');

describe('lium up: container flags (-e, --env-file, --entrypoint, --cmd, --internal-ports, --dockerfile, --ssh-name, --jupyter)', () => {
  const world = useEmulatorWorld({ executors: 12, readyDelayMs: 50, templateVerifyDelayMs: 10 });
  const rentBodies = () =>
    world.emulator.control
      .requests({ method: 'POST', path: '/executors/*/rent' })
      .map((request) => request.body as Record<string, unknown>);
  const templateBodies = () =>
    world.emulator.control
      .requests({ method: 'POST', path: '/templates' })
      .map((request) => request.body as Record<string, unknown>);

  // First: the rents after it register the sandbox's key under the default name.
  it('--ssh-name names the key it registers', async () => {
    const result = await world.lium([
      'up',
      '--gpu',
      'H100',
      '-n',
      'keyed',
      '-y',
      '--ssh-name',
      'my-laptop',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const keys = world.emulator.control
      .requests({ method: 'POST', path: '/ssh-keys' })
      .map((request) => request.body as { name?: string });
    expect(keys.map((key) => key.name)).toContain('my-laptop');
    expect((await world.lium(['down', 'keyed', '-y'])).code).toBe(0);
  }, 120_000);

  it('runs the pod on a one-time template with the env, entrypoint, command and ports; values stay out of output', async () => {
    const secret = 'hunter2-very-secret';
    writeFileSync(join(world.sandbox.dir, 'pod.env'), '# comment\nFROM_FILE=file-value\n');
    const result = await world.lium(
      [
        'up',
        '--gpu',
        'H100',
        '-n',
        'envy',
        '-y',
        '--debug',
        '-e',
        'PLAIN=plain-value',
        '--env',
        'MY_SECRET',
        '--env-file',
        'pod.env',
        '--entrypoint',
        '/bin/sh',
        '--cmd',
        'sleep infinity',
        '--internal-ports',
        '8000,8888',
      ],
      { env: { MY_SECRET: secret } },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout + result.stderr).not.toContain(secret);
    const template = templateBodies().at(-1);
    expect(template).toMatchObject({
      environment: expect.objectContaining({
        PLAIN: 'plain-value',
        MY_SECRET: secret,
        FROM_FILE: 'file-value',
      }),
      entrypoint: '/bin/sh',
      startup_commands: 'sleep infinity',
      internal_ports: [22, 8000, 8888],
      one_time_template: true,
      is_private: true,
    });
    expect(template?.name).toMatch(/^ephemeral-[0-9a-f]{8}$/);
    const rent = rentBodies().at(-1);
    const created = world.emulator.control.requests({ method: 'POST', path: '/templates' }).at(-1);
    expect(created).toBeDefined();
    expect(rent?.template_id).not.toBeNull();
    // The container really has the environment.
    const echoed = await world.lium(['exec', 'envy', 'echo "$PLAIN $MY_SECRET $FROM_FILE"']);
    expect(echoed.code, echoed.stderr).toBe(0);
    expect(echoed.stdout.trim()).toBe(`plain-value ${secret} file-value`);
    expect((await world.lium(['down', 'envy', '-y'])).code).toBe(0);
  }, 120_000);

  it('rents from a Dockerfile without a template, and refuses a bad one before renting', async () => {
    const dockerfile = join(world.sandbox.dir, 'Dockerfile');
    writeFileSync(dockerfile, 'FROM ubuntu:24.04\nRUN true\n');
    const result = await world.lium([
      'up',
      '--gpu',
      'H100',
      '-n',
      'built',
      '-y',
      '--dockerfile',
      'Dockerfile',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const rent = rentBodies().at(-1);
    expect(rent?.dockerfile_content).toBe('FROM ubuntu:24.04\nRUN true\n');
    expect(rent?.template_id).toBeNull();
    expect((await world.lium(['down', 'built', '-y'])).code).toBe(0);

    const before = rentBodies().length;
    writeFileSync(join(world.sandbox.dir, 'Big'), `FROM ubuntu\n${'#'.repeat(70 * 1024)}\n`);
    const big = await world.lium(['up', '--gpu', 'H100', '-y', '--dockerfile', 'Big']);
    expect(big.code).toBe(2);
    expect(big.stderr).toContain('64 KiB');
    const both = await world.lium(['up', '--gpu', 'H100', '-y', '--dockerfile', 'Big', '-t', 'x']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('not both');
    const missing = await world.lium(['up', '--gpu', 'H100', '-y', '--dockerfile', 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('does not exist');
    const mixed = await world.lium([
      'up',
      '--gpu',
      'H100',
      '-y',
      '--dockerfile',
      'Dockerfile',
      '-e',
      'A=1',
    ]);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain('--dockerfile has none');
    expect(rentBodies().length).toBe(before);
  }, 120_000);

  it('refuses bad env, ports and --jupyter with --no-wait before renting, never echoing a value', async () => {
    const before = rentBodies().length;
    const badEnv = await world.lium(['up', '--gpu', 'H100', '-y', '-e', '1BAD=secret-value']);
    expect(badEnv.code).toBe(2);
    expect(badEnv.stderr).not.toContain('secret-value');
    const unset = await world.lium(['up', '--gpu', 'H100', '-y', '-e', 'NOT_SET_HERE']);
    expect(unset.code).toBe(2);
    expect(unset.stderr).toContain('NOT_SET_HERE is not set');
    const badPort = await world.lium(['up', '--gpu', 'H100', '-y', '--internal-ports', '22,x']);
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toContain('Invalid internal port "x"');
    const noWait = await world.lium(['up', '--gpu', 'H100', '-y', '--jupyter', '--no-wait']);
    expect(noWait.code).toBe(2);
    expect(noWait.stderr).toContain('--no-wait');
    expect(rentBodies().length).toBe(before);
  });

  it('--ports picks a machine with that many free ports', async () => {
    const machines = JSON.parse((await world.lium(['ls', 'H100', '--json'])).stdout) as {
      available_ports: number | null;
      huid: string;
    }[];
    const most = Math.max(...machines.map((m) => m.available_ports ?? 0));
    const result = await world.lium([
      'up',
      '--gpu',
      'H100',
      '-n',
      'porty',
      '-y',
      '--ports',
      String(most),
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(rentBodies().at(-1)?.initial_port_count).toBe(most);
    expect((await world.lium(['down', 'porty', '-y'])).code).toBe(0);
  }, 120_000);

  it.skipIf(!hasJupyter)(
    '--jupyter starts Jupyter on the first mapped port and prints its URL',
    async () => {
      const port = await freePort();
      const result = await world.lium([
        'up',
        '--gpu',
        'H100',
        '-n',
        'nb',
        '-y',
        '--internal-ports',
        String(port),
        '--jupyter',
        '--json',
      ]);
      expect(result.code, result.stderr).toBe(0);
      const [pod] = JSON.parse(result.stdout) as { jupyter_url: string | null }[];
      expect(pod?.jupyter_url).toMatch(/token=/);
      const url = new URL(pod?.jupyter_url ?? '');
      await fetch(`${url.origin}/api/shutdown`, {
        method: 'POST',
        headers: { Authorization: `token ${url.searchParams.get('token')}` },
      }).catch(() => undefined);
      expect((await world.lium(['down', 'nb', '-y'])).code).toBe(0);
    },
    180_000,
  );
});
