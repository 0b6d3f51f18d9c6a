import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useEmulatorWorld } from './helpers.ts';

describe("the official CLI's habits", () => {
  const world = useEmulatorWorld({ executors: 6, readyDelayMs: 0 });
  const lium = world.lium;

  it('ls --sort price_gpu and price_total map onto price and price-total', async () => {
    for (const [theirs, ours] of [
      ['price_gpu', 'price'],
      ['price_total', 'price-total'],
      ['download', 'download'],
    ] as const) {
      const a = await lium(['ls', '--json', '--sort', theirs]);
      const b = await lium(['ls', '--json', '--sort', ours]);
      expect(a.code, a.stderr).toBe(0);
      expect(a.stdout).toBe(b.stdout);
    }
    const bad = await lium(['ls', '--sort', 'cheap']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--sort must be one of');
  });

  it('--format json is --json, --format table the table; the last of them wins', async () => {
    const json = await lium(['ls', '--json', '--limit', '2']);
    expect((await lium(['ls', '--format', 'json', '--limit', '2'])).stdout).toBe(json.stdout);
    expect((await lium(['ls', '--format=json', '--limit', '2'])).stdout).toBe(json.stdout);
    const table = await lium(['ls', '--limit', '2']);
    expect((await lium(['ls', '--json', '--format', 'table', '--limit', '2'])).stdout).toBe(
      table.stdout,
    );
    const bad = await lium(['ls', '--format', 'xml']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--format must be one of json, table, not "xml"');
    const help = await lium(['ls', '--help']);
    expect(help.stdout).toContain('--format');
  });

  it('a remote command keeps its own --format json', async () => {
    await lium(['ls', '--limit', '3']);
    expect((await lium(['up', '1', '-y', '--name', 'fmt'])).code).toBe(0);
    const echoed = await lium(['exec', 'fmt', 'echo', '--format', 'json']);
    expect(echoed.code, echoed.stderr).toBe(0);
    expect(echoed.stdout).toBe('--format json\n');
    expect((await lium(['down', 'fmt', '-y'])).code).toBe(0);
  });

  it('rsync TARGETS LOCAL [REMOTE], the official push form, next to ours', async () => {
    await lium(['ls', '--limit', '3']);
    expect((await lium(['up', '2', '-y', '--name', 'push'])).code).toBe(0);
    const dir = join(world.sandbox.dir, 'proj');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'a.txt'), 'a\n');
    const bare = await lium(['rsync', 'push', 'proj']);
    expect(bare.code, bare.stderr).toBe(0);
    const remote = await lium(['rsync', 'push', 'proj', '/root/elsewhere']);
    expect(remote.code, remote.stderr).toBe(0);
    const ours = await lium(['rsync', 'proj', 'push:/root/ours/']);
    expect(ours.code, ours.stderr).toBe(0);
    const ls = await lium(['exec', 'push', 'ls /root/proj /root/elsewhere /root/ours/proj']);
    expect(ls.code, ls.stderr).toBe(0);
    expect(ls.stdout.match(/a\.txt/g)).toHaveLength(3);
    const neither = await lium(['rsync', './a', './b']);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain('One side must be TARGETS:PATH');
    const three = await lium(['rsync', 'proj', 'push:/root/x', 'extra']);
    expect(three.code).toBe(2);
    expect(three.stderr).toContain('Too many paths');
    expect((await lium(['down', 'push', '-y'])).code).toBe(0);
  });

  it('rm -a stops every pod, as rm --all does', async () => {
    await lium(['ls', '--limit', '3']);
    expect((await lium(['up', '1', '-y', '--no-wait', '--name', 'h1'])).code).toBe(0);
    const result = await lium(['rm', '-a', '-y']);
    expect(result.code, result.stderr).toBe(0);
    const ps = JSON.parse((await lium(['ps', '--json'])).stdout) as unknown[];
    expect(ps).toHaveLength(0);
  });
});

describe('ls without an API key', () => {
  const world = useEmulatorWorld({ executors: 4, readyDelayMs: 0 });

  // world.lium merges its env over the world's: undefined takes the key away.
  const noKey = { LIUM_API_KEY: undefined };

  it('lists machines when the server allows it (the listing is public)', async () => {
    const result = await world.lium(['ls', '--json'], { env: noKey });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toHaveLength(4);
    const [request] = world.emulator.control.requests({ method: 'GET', path: '/executors' });
    expect(request).toBeDefined();
    expect(request?.apiKey).toBe('absent');
    // Other commands still need the key, and say how to set one.
    const ps = await world.lium(['ps'], { env: noKey });
    expect(ps.code, ps.stderr + ps.stdout).toBe(1);
    expect(ps.stderr).toContain('lium init');
  });

  it('a server that wants a key answers 401, and the message says how to set one', async () => {
    world.emulator.control.addFault({ method: 'GET', path: '/executors', status: 401, times: 1 });
    const result = await world.lium(['ls'], { env: noKey });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('lium init');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('a stale LIUM_API_KEY', () => {
  const world = useEmulatorWorld({ executors: 2, readyDelayMs: 0 });

  it('the 401 says the key came from the environment and overrides config.ini', async () => {
    const stale = await world.lium(['ps'], { env: { LIUM_API_KEY: 'stale-key-123' } });
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('the key came from LIUM_API_KEY');
    expect(stale.stderr).toContain('overrides ~/.lium/config.ini');
    expect(stale.stderr).toContain('unset it to use the configured key');
    expect(stale.stderr).not.toContain('stale-key-123');
    const { LIUM_API_KEY: _unused, ...noEnvKey } = world.env;
    const flag = await world.lium(['ps', '--api-key', 'stale-key-123'], { env: noEnvKey });
    expect(flag.code).toBe(1);
    expect(flag.stderr).not.toContain('LIUM_API_KEY, which');
  });
});
