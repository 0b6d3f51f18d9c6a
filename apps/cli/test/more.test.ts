import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runLium, useEmulatorWorld } from './helpers.ts';

describe('ssh, scripts, progress and failing rents', () => {
  const world = useEmulatorWorld({ executors: 30, readyDelayMs: 100 });
  const lium = world.lium;

  beforeAll(async () => {
    await lium(['ls', '--limit', '5']);
    const up = await lium(['up', '1', '-y', '--name', 'box']);
    expect(up.code).toBe(0);
    await lium(['ps']);
  });

  it('--api-key works without LIUM_API_KEY and never shows up in output', async () => {
    const { LIUM_API_KEY: _key, ...withoutKey } = world.env;
    const result = await runLium(['ps', '--api-key', world.emulator.apiKey, '--debug'], {
      env: withoutKey,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('box');
    expect(result.stdout + result.stderr).not.toContain(world.emulator.apiKey);
  });

  it('up refuses a pod name that is already taken (exit 1), renting nothing', async () => {
    await lium(['ls', '--limit', '5']);
    const before = world.rents();
    const result = await lium(['up', '3', '-y', '--name', 'box']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('already exists');
    expect(result.stderr).toContain('--name');
    expect(world.rents()).toBe(before);
  });

  it('ssh runs a shell on the pod and returns its exit code', async () => {
    const result = await lium(['ssh', 'box'], { stdin: 'echo via-shell\nexit 5\n' });
    expect(result.stdout).toContain('via-shell');
    expect(result.code).toBe(5);
  });

  it('ssh refuses several pods at once (exit 2)', async () => {
    await lium(['ls', '--limit', '5']);
    expect((await lium(['up', '4', '-y', '--no-wait', '--name', 'box2'])).code).toBe(0);
    const result = await lium(['ssh', 'box,box2']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('2 pods');
    await lium(['down', 'box2', '-y']);
  });

  it('exec --script runs a local script with --env', async () => {
    const script = join(world.sandbox.dir, 'job.sh');
    writeFileSync(script, 'echo "batch=$BATCH"\necho line2\n');
    const result = await lium(['exec', 'box', '--script', 'job.sh', '-e', 'BATCH=64']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('batch=64\nline2\n');
  });

  it('exec -e NAME and --env-file keep values out of argv and deliver them exactly', async () => {
    const file = join(world.sandbox.dir, 'job.env');
    writeFileSync(file, '# for the job\nFROM_FILE=file value\nOVERRIDDEN=file\n');
    const result = await lium(
      [
        'exec',
        'box',
        '-e',
        'HF_TOKEN',
        '--env-file',
        'job.env',
        '-e',
        'OVERRIDDEN=flag',
        '--',
        'printf "%s|%s|%s" "$HF_TOKEN" "$FROM_FILE" "$OVERRIDDEN"',
      ],
      { env: { HF_TOKEN: 'hf_s3cret value' } },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('hf_s3cret value|file value|flag');
    const unset = await lium(['exec', 'box', '-e', 'NOT_SET_ANYWHERE', 'true']);
    expect(unset.code).toBe(2);
    expect(unset.stderr).toContain('NOT_SET_ANYWHERE is not set');
    expect((await lium(['exec', 'box', '--help'])).stdout).toMatch(/out of lium's argv/);
  });

  it('scp draws a progress bar on a terminal and a single line elsewhere', async () => {
    const local = join(world.sandbox.dir, 'big.bin');
    writeFileSync(local, Buffer.alloc(3_000_000, 7));
    const tty = await lium(['scp', 'box', local, '/root/'], { tty: true });
    expect(tty.code).toBe(0);
    expect(tty.stderr).toMatch(/\r.*big\.bin → .*%/);
    const piped = await lium(['scp', 'box', local, '/root/']);
    expect(piped.stderr).not.toContain('\r');
    expect(piped.stderr.trim().split('\n')).toHaveLength(1);
    const size = await lium(['exec', 'box', 'stat -c %s /root/big.bin']);
    expect(size.stdout.trim()).toBe('3000000');
    const json = await lium(['scp', 'box', local, '/root/', '--json']);
    expect(JSON.parse(json.stdout)).toEqual([
      expect.objectContaining({ direction: 'up', remote: '/root/big.bin', bytes: 3_000_000 }),
    ]);
  });

  it('a pod that fails to start is reported by name and exits 1', async () => {
    world.emulator.control.failNextRents(1);
    await lium(['ls', '--limit', '5']);
    const result = await lium(['up', '2', '-y', '--name', 'doomed']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/doomed/);
    expect(result.stderr).toMatch(/CREATION_FAILED|failed/i);
    await lium(['down', 'doomed', '-y']);
  });

  it('an empty balance is refused with the amounts (exit 1) and nothing is rented', async () => {
    world.emulator.control.setBalance(0);
    try {
      await lium(['ls', '--limit', '5']);
      const result = await lium(['up', '3', '-y', '--json']);
      expect(result.code).toBe(1);
      const body = JSON.parse(result.stdout) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('insufficient_balance');
    } finally {
      world.emulator.control.setBalance(10_000);
    }
  });

  it('on a terminal, up asks first and rents on yes; down stops nothing on no', async () => {
    await lium(['ls', '--limit', '5']);
    const up = await lium(['up', '5', '--name', 'asked'], { tty: true, stdin: 'y' });
    expect(up.stderr).toContain('Rent 1 pod for');
    expect(up.code).toBe(0);
    await lium(['ps']);
    const down = await lium(['down', 'asked'], { tty: true, stdin: 'n' });
    expect(down.stderr).toContain('Stop 1 pod');
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('Cancelled');
    // Ctrl-C at the prompt is an interruption: exit 130, still nothing stopped.
    const interrupted = await lium(['down', 'asked'], { tty: true, stdin: '\u0003' });
    expect(interrupted.stderr).toContain('Stop 1 pod');
    expect(interrupted.code).toBe(130);
    const pods = JSON.parse((await lium(['ps', '--json'])).stdout) as { name: string }[];
    expect(pods.map((pod) => pod.name)).toContain('asked');
    expect((await lium(['down', 'asked', '-y'])).code).toBe(0);
  });
});
