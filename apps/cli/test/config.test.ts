import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type Emulator, startEmulator } from '@lium/emulator';
import * as sdk from '@lium/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSandbox, runLium, type Sandbox } from './helpers.ts';

// `lium config` and `lium init` reach ~/.lium/config.ini through @lium/sdk's re-export of
// @lium/config's loadConfig; until the SDK exports it these commands report `unsupported`.
const sdkHasConfig = typeof (sdk as Record<string, unknown>).loadConfig === 'function';

describe.skipIf(!sdkHasConfig)('lium config and lium init', () => {
  let emulator: Emulator;
  let sandbox: Sandbox;
  const lium = (argv: string[], env: Record<string, string> = {}) =>
    runLium(argv, { env: { ...sandbox.env, ...env }, cwd: sandbox.dir });

  beforeAll(async () => {
    emulator = await startEmulator({ executors: 10, readyDelayMs: 100 });
    sandbox = makeSandbox();
  });

  afterAll(async () => {
    await emulator?.close();
    sandbox?.cleanup();
  });

  it('config path prints the file in the config dir', async () => {
    const result = await lium(['config', 'path']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(join(sandbox.configDir, 'config.ini'));
  });

  it('init --api-key checks the key, finds the SSH key and saves both (0600)', async () => {
    const result = await lium(['init', '--api-key', emulator.apiKey], {
      LIUM_BASE_URL: emulator.baseUrl,
    });
    expect(result.stderr).not.toContain('✘');
    expect(result.code).toBe(0);
    const file = join(sandbox.configDir, 'config.ini');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain(emulator.apiKey);
    expect(text).toContain(sandbox.keyPath);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // The saved key now works without LIUM_API_KEY.
    expect((await lium(['ls', '--limit', '1'], { LIUM_BASE_URL: emulator.baseUrl })).code).toBe(0);
  });

  it('init refuses a wrong key and saves nothing new', async () => {
    const result = await lium(['init', '--api-key', 'wrong-key'], {
      LIUM_BASE_URL: emulator.baseUrl,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('LIUM_API_KEY');
    expect(readFileSync(join(sandbox.configDir, 'config.ini'), 'utf8')).not.toContain('wrong-key');
  });

  it('set, get, show (masked) and unset', async () => {
    expect((await lium(['config', 'set', 'template.default_id', 'tpl-123'])).code).toBe(0);
    const got = await lium(['config', 'get', 'template.default_id']);
    expect(got.stdout.trim()).toBe('tpl-123');
    const shown = await lium(['config', 'show']);
    expect(shown.stdout).toContain('tpl-123');
    expect(shown.stdout).not.toContain(emulator.apiKey);
    expect(shown.stdout).toContain(emulator.apiKey.slice(-4));
    const json = JSON.parse((await lium(['config', 'show', '--json'])).stdout) as {
      settings: { key: string; value: string; source: string }[];
    };
    expect(json.settings.find((s) => s.key === 'api.api_key')?.value).not.toBe(emulator.apiKey);
    expect((await lium(['config', 'unset', 'template.default_id'])).code).toBe(0);
    const missing = await lium(['config', 'get', 'template.default_id']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('not set');
  });

  it('says when the environment overrides a value being set', async () => {
    const result = await lium(['config', 'set', 'api.base_url', 'http://example.invalid/api'], {
      LIUM_BASE_URL: emulator.baseUrl,
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('LIUM_BASE_URL');
    await lium(['config', 'unset', 'api.base_url']);
  });

  it('config without an action is a usage error', async () => {
    expect((await lium(['config'])).code).toBe(2);
  });
});
