import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runLium, useEmulatorWorld } from './helpers.ts';

describe('lium config and lium init', () => {
  const world = useEmulatorWorld({ executors: 10, readyDelayMs: 100 });
  // No LIUM_API_KEY here: these tests are about the key saved in the config file.
  const lium = (argv: string[], env: Record<string, string> = {}) =>
    runLium(argv, { env: { ...world.sandbox.env, ...env }, cwd: world.sandbox.dir });

  it('config path prints the file in the config dir', async () => {
    const result = await lium(['config', 'path']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(join(world.sandbox.configDir, 'config.ini'));
  });

  it('init --api-key checks the key, finds the SSH key and saves both (0600)', async () => {
    const result = await lium(['init', '--api-key', world.emulator.apiKey], {
      LIUM_BASE_URL: world.emulator.baseUrl,
    });
    expect(result.stderr).not.toContain('✘');
    expect(result.code).toBe(0);
    const file = join(world.sandbox.configDir, 'config.ini');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain(world.emulator.apiKey);
    expect(text).toContain(world.sandbox.keyPath);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // The saved key now works without LIUM_API_KEY.
    expect(
      (await lium(['ls', '--limit', '1'], { LIUM_BASE_URL: world.emulator.baseUrl })).code,
    ).toBe(0);
  });

  it('init refuses a wrong key and saves nothing new', async () => {
    const result = await lium(['init', '--api-key', 'wrong-key'], {
      LIUM_BASE_URL: world.emulator.baseUrl,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('LIUM_API_KEY');
    expect(readFileSync(join(world.sandbox.configDir, 'config.ini'), 'utf8')).not.toContain(
      'wrong-key',
    );
  });

  it('set, get, show (masked) and unset', async () => {
    expect((await lium(['config', 'set', 'template.default_id', 'tpl-123'])).code).toBe(0);
    const got = await lium(['config', 'get', 'template.default_id']);
    expect(got.stdout.trim()).toBe('tpl-123');
    const shown = await lium(['config', 'show']);
    expect(shown.stdout).toContain('tpl-123');
    expect(shown.stdout).not.toContain(world.emulator.apiKey);
    expect(shown.stdout).toContain(world.emulator.apiKey.slice(-4));
    const json = JSON.parse((await lium(['config', 'show', '--json'])).stdout) as {
      settings: { key: string; value: string; source: string }[];
    };
    expect(json.settings.find((s) => s.key === 'api.api_key')?.value).not.toBe(
      world.emulator.apiKey,
    );
    expect((await lium(['config', 'unset', 'template.default_id'])).code).toBe(0);
    const missing = await lium(['config', 'get', 'template.default_id']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('not set');
  });

  it('says when the environment overrides a value being set', async () => {
    const result = await lium(['config', 'set', 'api.base_url', 'http://example.invalid/api'], {
      LIUM_BASE_URL: world.emulator.baseUrl,
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('LIUM_BASE_URL');
    await lium(['config', 'unset', 'api.base_url']);
  });

  it('config set accepts only known keys, and suggests the nearest for a typo', async () => {
    const typo = await lium(['config', 'set', 'sshkey_path', '~/.ssh/work']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('Unknown config key "sshkey_path". Did you mean ssh.key_path?');
    expect(typo.stderr.trim().split('\n')).toHaveLength(1);
    const unknown = await lium(['config', 'set', 'foo.bar', '1']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Known keys: api.api_key');
    const file = join(world.sandbox.configDir, 'config.ini');
    const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
    expect(text).not.toContain('sshkey_path');
    expect(text).not.toContain('foo');
    // Known keys, any case of the option, and a free-form section of a known kind.
    expect((await lium(['config', 'set', 'ssh.USER', 'root'])).code).toBe(0);
    expect((await lium(['config', 'set', 'workspace.team-a.api_key', 'k-1'])).code).toBe(0);
    await lium(['config', 'unset', 'ssh.user']);
    await lium(['config', 'unset', 'workspace.team-a.api_key']);
  });

  it('config without an action is a usage error', async () => {
    expect((await lium(['config'])).code).toBe(2);
  });
});
