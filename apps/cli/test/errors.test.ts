import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { runLium, useEmulatorWorld } from './helpers.ts';

/** The human error contract: exactly one `✘` line, no stack trace. */
function expectOneErrorLine(stderr: string): string {
  const errors = stderr.split('\n').filter((line) => line.startsWith('✘'));
  expect(errors).toHaveLength(1);
  expect(stderr).not.toMatch(/^\s+at /m);
  return errors[0] as string;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('bad input gives one line and the right exit code', () => {
  // Pods stay PENDING for a minute, so "pod not running" can be tested.
  const world = useEmulatorWorld({ executors: 20, readyDelayMs: 60_000 });
  const lium = (argv: string[], env: Record<string, string> = {}) => world.lium(argv, { env });

  it('an index without a previous ls says to run ls (exit 1)', async () => {
    const result = await lium(['up', '1', '-y']);
    expect(result.code).toBe(1);
    const line = expectOneErrorLine(result.stderr);
    expect(line).toContain('lium ls');
    expect(
      world.emulator.control.requests({ method: 'POST', path: '/executors/*/rent' }),
    ).toHaveLength(0);
  });

  it('an index without a previous ps says to run ps (exit 1)', async () => {
    const result = await lium(['exec', '1', 'true']);
    expect(result.code).toBe(1);
    expect(expectOneErrorLine(result.stderr)).toContain('lium ps');
  });

  it('an unknown index says what exists (exit 1)', async () => {
    await lium(['ls', '--limit', '3']);
    const result = await lium(['up', '9', '-y']);
    expect(result.code).toBe(1);
    const line = expectOneErrorLine(result.stderr);
    expect(line).toMatch(/9/);
    expect(line).toMatch(/1.*3|3 executor|lium ls/);
  });

  it('an unknown pod name is refused, as JSON too', async () => {
    const result = await lium(['--json', 'exec', 'no-such-pod', 'true']);
    expect(result.code).toBe(1);
    const body = JSON.parse(result.stdout) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('target_not_found');
    expect(body.error.message).toContain('no-such-pod');
  });

  it('a malformed --env is a usage error (exit 2) that never echoes the value', async () => {
    const result = await lium(['exec', 'all', '-e', 'NOT-A-NAME=hunter2', 'true']);
    expect(result.code).toBe(2);
    const line = expectOneErrorLine(result.stderr);
    expect(line).toContain('--env');
    expect(result.stderr).not.toContain('hunter2');
  });

  it('a missing local file is named (exit 1) before anything is contacted', async () => {
    world.emulator.control.clearRequests();
    const result = await lium(['scp', '1', 'does-not-exist.bin']);
    expect(result.code).toBe(1);
    expect(expectOneErrorLine(result.stderr)).toContain('does-not-exist.bin');
    expect(world.emulator.control.requests()).toHaveLength(0);
  });

  it('a missing --script file is named (exit 1)', async () => {
    const result = await lium(['exec', 'all', '--script', 'nope.sh']);
    expect(result.code).toBe(1);
    expect(expectOneErrorLine(result.stderr)).toContain('nope.sh');
  });

  it('a pod that is not running yet cannot take commands (exit 1)', async () => {
    await lium(['ls', '--limit', '3']);
    const up = await lium(['up', '1', '-y', '--no-wait', '--name', 'slow-pod']);
    expect(up.code).toBe(0);
    const result = await lium(['exec', 'slow-pod', 'true']);
    expect(result.code).toBe(1);
    const line = expectOneErrorLine(result.stderr);
    expect(line).toMatch(/PENDING|not ready|no SSH/i);
    expect(line).toContain('lium ps');
    await lium(['down', 'slow-pod', '-y']);
  });

  it('a wrong API key says to run lium init or set LIUM_API_KEY (exit 1)', async () => {
    const result = await lium(['ls'], { LIUM_API_KEY: 'wrong-key' });
    expect(result.code).toBe(1);
    const line = expectOneErrorLine(result.stderr);
    expect(line).toContain('lium init');
    expect(line).toContain('LIUM_API_KEY');
    expect(result.stderr).not.toContain('wrong-key');
    const json = await lium(['ls', '--json'], { LIUM_API_KEY: 'wrong-key' });
    expect(JSON.parse(json.stdout)).toMatchObject({
      error: { code: 'unauthenticated', status: 401 },
    });
  });

  it('no API key at all says the same', async () => {
    const result = await runLium(['ps'], {
      env: { ...world.sandbox.env, LIUM_BASE_URL: world.emulator.baseUrl },
    });
    expect(result.code).toBe(1);
    expect(expectOneErrorLine(result.stderr)).toContain('lium init');
  });

  it('an unreachable API says so (exit 1)', async () => {
    const port = await closedPort();
    const result = await lium(['ls'], { LIUM_BASE_URL: `http://127.0.0.1:${port}/api` });
    expect(result.code).toBe(1);
    const line = expectOneErrorLine(result.stderr);
    expect(line).toMatch(/connect|reach/i);
    expect(line).toContain('LIUM_BASE_URL');
  });

  it('down without targets or --all is a usage error; without a terminal it needs -y', async () => {
    expect((await lium(['down'])).code).toBe(2);
    await lium(['ls', '--limit', '3']);
    expect((await lium(['up', '1', '-y', '--no-wait', '--name', 'keep-me'])).code).toBe(0);
    const refused = await lium(['down', '--all']);
    expect(refused.code).toBe(1);
    expect(expectOneErrorLine(refused.stderr)).toContain('--yes');
    const still = JSON.parse((await lium(['ps', '--json'])).stdout) as { name: string }[];
    expect(still.map((pod) => pod.name)).toContain('keep-me');
    expect((await lium(['down', '--all', '-y'])).code).toBe(0);
  });

  it('a bad --ttl is refused before anything is rented (exit 2)', async () => {
    world.emulator.control.clearRequests();
    await lium(['ls', '--limit', '3']);
    const result = await lium(['up', '1', '-y', '--ttl', 'soon']);
    expect(result.code).toBe(2);
    expect(expectOneErrorLine(result.stderr)).toContain('soon');
    expect(
      world.emulator.control.requests({ method: 'POST', path: '/executors/*/rent' }),
    ).toHaveLength(0);
  });

  it('a non-numeric or out-of-range number option is a usage error (exit 2)', async () => {
    world.emulator.control.clearRequests();
    for (const argv of [
      ['ls', '--limit', 'abc'],
      ['ls', '--limit', '-3'],
      ['ls', '--max-price', 'abc'],
      ['ls', '--count', '1.5'],
      ['up', '--gpu', 'H100', '--count', 'abc', '-y'],
      ['up', '--gpu', 'H100', '--max-price', '0', '-y'],
    ]) {
      const result = await lium(argv);
      expect(result.code, `${argv.join(' ')}: ${result.stderr}`).toBe(2);
      expect(expectOneErrorLine(result.stderr)).toMatch(/--(limit|max-price|count)/);
    }
    expect(world.emulator.control.requests({ method: 'GET', path: '/executors' })).toHaveLength(0);
  });

  it('--wait-timeout takes seconds as well as minutes (a pod still PENDING then times out, exit 1)', async () => {
    await lium(['ls', '--limit', '3']);
    const result = await lium(['up', '1', '-y', '--name', 'slow', '--wait-timeout', '1']);
    expect(result.code).toBe(1);
    expect(expectOneErrorLine(result.stderr)).toMatch(/not ready after 1s/);
    await lium(['down', 'slow', '-y']);
  });

  it('--debug logs requests without the API key and shows the stack', async () => {
    const result = await lium(['ls', '--limit', '1', '--debug']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/→ GET .*\/executors/);
    expect(result.stderr).not.toContain(world.emulator.apiKey);
    const failing = await lium(['ls', '--debug'], { LIUM_API_KEY: 'wrong-key' });
    expect(failing.stderr).toMatch(/\[debug\] LiumAuthenticationError.*\n\s+at /);
    expect(failing.stderr).not.toContain('wrong-key');
  });
});
