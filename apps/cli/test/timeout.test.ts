/**
 * A stalled or slow API through the built binary (issue #11 item 11): on a terminal a status
 * line says it is waiting (and nothing off one), and `--timeout` / `$LIUM_TIMEOUT` bound the
 * whole command, stopping whatever it rented.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { useEmulatorWorld } from './helpers.ts';

const cliDir = fileURLToPath(new URL('..', import.meta.url));
const bin = join(cliDir, 'bin', 'lium.js');

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

/** The built `lium`, on pipes, or on a pseudo-terminal through `script` (stdout = the terminal). */
function lium(args: string[], env: Record<string, string>, cwd: string, tty = false): Promise<Ran> {
  const command = [process.execPath, bin, ...args].map(quote).join(' ');
  const child = tty
    ? spawn('script', ['-qfec', command, '/dev/null'], {
        env: { ...env, TERM: 'xterm' },
        cwd,
        stdio: ['pipe', 'pipe', 'pipe'],
      })
    : spawn(process.execPath, [bin, ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const started = Date.now();
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started })),
  );
}

describe('a slow or stalled API, and the --timeout bound of the whole command', () => {
  const world = useEmulatorWorld({ executors: 10, readyDelayMs: 60_000 });
  const run = (args: string[], tty = false, env: Record<string, string> = {}) =>
    lium(args, { ...world.env, ...env }, world.sandbox.dir, tty);
  const pods = async () =>
    JSON.parse((await world.lium(['ps', '--json'])).stdout) as { huid: string; name: string }[];

  beforeAll(() => {
    if (!existsSync(join(cliDir, 'dist', 'main.js'))) throw new Error('build the CLI first');
  });

  it('on a terminal, says it is waiting for a slow answer, then clears the line', async () => {
    world.emulator.control.addFault({ method: 'GET', path: '/executors', latencyMs: 6_000 });
    try {
      const result = await run(['ls', '--limit', '2'], true);
      expect(result.code, result.stdout).toBe(0);
      const shown = result.stdout.lastIndexOf('Waiting for the Lium API (GET /executors');
      expect(shown, result.stdout).toBeGreaterThan(-1);
      // The line is cleared before the table is printed.
      const after = result.stdout.slice(shown);
      expect(after).toContain('\r\u001b[2K');
      expect(after.indexOf('\r\u001b[2K')).toBeLessThan(after.indexOf('GPU'));
    } finally {
      world.emulator.control.clearFaults();
    }
  }, 120_000);

  it('LIUM_TIMEOUT bounds a stalled call; off a terminal nothing but the error is said', async () => {
    world.emulator.control.addFault({
      method: 'GET',
      path: '/executors',
      stall: 'before',
      times: null,
    });
    try {
      const result = await run(['ls'], false, { LIUM_TIMEOUT: '5s' });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('Gave up after 5s ($LIUM_TIMEOUT)');
      expect(result.stderr).not.toContain('Waiting for');
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      // Not three 30 s attempts: the bound ends it (generous for a loaded machine).
      expect(result.ms).toBeLessThan(25_000);
      const json = await run(['ls', '--json', '--timeout', '4s'], false);
      expect(json.code).toBe(1);
      expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: 'command_timeout' } });
    } finally {
      world.emulator.control.clearFaults();
    }
  }, 120_000);

  it('a stalled call on a terminal shows the wait, then the bound ends it', async () => {
    world.emulator.control.addFault({
      method: 'GET',
      path: '/executors',
      stall: 'before',
      times: null,
    });
    try {
      const result = await run(['ls', '--timeout', '8s'], true);
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('Waiting for the Lium API');
      expect(result.stdout).toContain('Gave up after 8s (--timeout)');
    } finally {
      world.emulator.control.clearFaults();
    }
  }, 120_000);

  it('--timeout on `up` stops the pod it rented and names it', async () => {
    await world.lium(['ls', '--limit', '3']);
    const result = await run(['up', '1', '-y', '--name', 'bounded', '--timeout', '6s']);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain('bounded');
    expect(result.stderr).toContain('Gave up after 6s (--timeout)');
    expect(await pods()).toEqual([]);
  }, 120_000);

  it('--timeout on `run` stops the pod it rented; --wait-timeout is only the wait', async () => {
    const result = await run(
      ['run', '--gpu', 'H100', '-y', '--name', 'bounded-run', '--timeout', '6s', '--', 'true'],
      false,
    );
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain('Gave up after 6s (--timeout)');
    expect(await pods()).toEqual([]);
  }, 120_000);

  it('a bad bound is a usage error before anything happens', async () => {
    const before = world.emulator.control.requests({}).length;
    const result = await run(['ls'], false, { LIUM_TIMEOUT: 'soon' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Invalid $LIUM_TIMEOUT "soon"');
    expect(world.emulator.control.requests({}).length).toBe(before);
  }, 60_000);
});
