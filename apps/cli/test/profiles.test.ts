import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useEmulatorWorld } from './helpers.ts';

describe('profiles', () => {
  const world = useEmulatorWorld({ executors: 6, readyDelayMs: 100 });
  /** No API settings in the environment: everything comes from config.ini. */
  const bare = { LIUM_API_KEY: '', LIUM_BASE_URL: '' };
  const lium = (argv: string[], env: Record<string, string> = {}) =>
    world.lium(argv, { env: { ...bare, ...env } });
  const file = () => join(world.sandbox.configDir, 'config.ini');

  it('init --profile saves a second account in [profile NAME], leaving the default alone', async () => {
    mkdirSync(world.sandbox.configDir, { recursive: true });
    // The default profile points somewhere useless: nothing below may borrow from it.
    writeFileSync(file(), '[api]\napi_key = sk-personal\nbase_url = http://127.0.0.1:9/api\n');
    const result = await lium([
      'init',
      '--profile',
      'work',
      '--api-key',
      world.emulator.apiKey,
      '--base-url',
      world.emulator.baseUrl,
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ profile: 'work', config_path: file() });
    const text = readFileSync(file(), 'utf8');
    expect(
      text.startsWith('[api]\napi_key = sk-personal\nbase_url = http://127.0.0.1:9/api\n'),
    ).toBe(true);
    expect(text).toContain(
      `[profile work]\napi.api_key = ${world.emulator.apiKey}\nssh.key_path = ${world.sandbox.keyPath}\napi.base_url = ${world.emulator.baseUrl}\n`,
    );
  });

  it('--profile wins over $LIUM_PROFILE, which wins over the default profile', async () => {
    expect((await lium(['--profile', 'work', 'ps', '--json'])).code).toBe(0);
    expect((await lium(['ps', '--json'], { LIUM_PROFILE: 'work' })).code).toBe(0);
    expect((await lium(['--profile', 'work', 'ps', '--json'], { LIUM_PROFILE: 'nope' })).code).toBe(
      0,
    );
    // The default profile's base URL is unreachable: proof the others did not use it.
    const fallback = await lium(['ps', '--json']);
    expect(fallback.code).toBe(1);
    expect(JSON.parse(fallback.stdout).error.code).toBe('connection_failed');
  });

  it('warns when an exported LIUM_API_KEY would win over the chosen profile', async () => {
    const shadowed = await lium(['--profile', 'work', 'ps', '--json'], {
      LIUM_API_KEY: world.emulator.apiKey,
    });
    expect(shadowed.code).toBe(0);
    expect(shadowed.stderr).toContain('$LIUM_API_KEY is set and wins over profile "work"');
    expect(shadowed.stderr).not.toContain(world.emulator.apiKey);
    const clean = await lium(['--profile', 'work', 'ps', '--json']);
    expect(clean.stderr).not.toContain('wins over profile');
  });

  it('a missing profile is one line listing the ones that exist', async () => {
    for (const run of [
      () => lium(['--profile', 'wrok', 'ps']),
      () => lium(['ps'], { LIUM_PROFILE: 'wrok' }),
      () => lium(['--profile', 'wrok', 'config', 'show']),
    ]) {
      const result = await run();
      expect(result.code).toBe(1);
      const lines = result.stderr.trim().split('\n');
      expect(lines[0]).toContain('Profile "wrok"');
      expect(lines[0]).toContain('profiles: default, work.');
      expect(result.stderr).toContain('lium init --profile NAME');
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
    const invalid = await lium(['--profile', '../x', 'ps']);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain('Invalid profile name');
  });

  it('config profiles lists them and marks the active one', async () => {
    const listed = JSON.parse((await lium(['config', 'profiles', '--json'])).stdout);
    expect(listed).toMatchObject({
      path: file(),
      active: 'default',
      profiles: [
        { name: 'default', active: true, api_key_set: true, base_url: 'http://127.0.0.1:9/api' },
        { name: 'work', active: false, api_key_set: true, base_url: world.emulator.baseUrl },
      ],
    });
    // Never a secret, not even masked.
    expect(JSON.stringify(listed)).not.toContain(world.emulator.apiKey);
    const work = JSON.parse(
      (await lium(['config', 'profiles', '--json'], { LIUM_PROFILE: 'work' })).stdout,
    );
    expect(work.active).toBe('work');
    const table = await lium(['--profile', 'work', 'config', 'profiles']);
    expect(table.stdout).toMatch(/\*\s+work/);
    expect(table.stdout).not.toContain(world.emulator.apiKey);
  });

  it('config set/get/show act on the active profile', async () => {
    expect(
      (await lium(['--profile', 'work', 'config', 'set', 'template.default_id', 'tmpl-w'])).code,
    ).toBe(0);
    expect((await lium(['--profile', 'work', 'config', 'get', 'template.default_id'])).stdout).toBe(
      'tmpl-w\n',
    );
    expect((await lium(['config', 'get', 'template.default_id'])).code).toBe(1);
    const show = JSON.parse((await lium(['--profile', 'work', 'config', 'show', '--json'])).stdout);
    expect(show.profile).toBe('work');
    expect(show.settings.map((entry: { key: string }) => entry.key)).toEqual([
      'api.api_key',
      'ssh.key_path',
      'api.base_url',
      'template.default_id',
    ]);
    expect(readFileSync(file(), 'utf8')).toContain('template.default_id = tmpl-w\n');
  });

  it("keeps index snapshots per profile: one profile's `ps` rows are not another's", async () => {
    // The made-up template of the test before would fail the rent.
    await lium(['--profile', 'work', 'config', 'unset', 'template.default_id']);
    await lium(['--profile', 'work', 'ls', '--json']);
    const up = await lium(['--profile', 'work', 'up', '1', '-y', '--json']);
    expect(up.code, up.stderr).toBe(0);
    expect((await lium(['--profile', 'work', 'ps', '--json'])).code).toBe(0);
    expect((await lium(['--profile', 'work', 'exec', '1', 'true'])).code).toBe(0);
    writeFileSync(
      file(),
      readFileSync(file(), 'utf8')
        .replace('http://127.0.0.1:9/api', world.emulator.baseUrl)
        .replace('sk-personal', world.emulator.apiKey),
    );
    const other = await lium(['exec', '1', 'true']);
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/lium ps/);
  });

  it('completes pod names from the profile on the line', async () => {
    const pods = await lium(['__complete', '--profile', 'work', 'ssh', '']);
    expect(pods.code).toBe(0);
    const listed = JSON.parse((await lium(['--profile', 'work', 'ps', '--json'])).stdout) as {
      huid: string;
    }[];
    expect(listed.length).toBeGreaterThan(0);
    for (const pod of listed) expect(pods.stdout).toContain(pod.huid);
  });

  it('config --help documents profiles', async () => {
    const help = await lium(['config', '--help']);
    expect(help.stdout).toContain('[profile NAME]');
    expect(help.stdout).toContain('LIUM_PROFILE');
    expect(help.stdout).toContain('profiles');
    const top = await lium(['--help']);
    expect(top.stdout).toContain('--profile');
    expect(top.stdout).toContain('LIUM_PROFILE');
  });
});
