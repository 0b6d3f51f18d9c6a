import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LiumConfigError, resolveSettings } from '../src/index.ts';
import { tempDir } from './temp-dir.ts';

async function dirWith(text?: string): Promise<string> {
  const configDir = await tempDir();
  if (text !== undefined) await writeFile(join(configDir, 'config.ini'), text);
  return configDir;
}

describe('resolveSettings', () => {
  it('has defaults when nothing is configured', async () => {
    const configDir = await dirWith();
    expect(await resolveSettings({ configDir, env: {} })).toEqual({
      baseUrl: 'https://lium.io/api',
      configDir,
      configFile: join(configDir, 'config.ini'),
      profile: 'default',
    });
  });

  it('reads the file, with ~ expanded in ssh.key_path', async () => {
    const configDir = await dirWith(
      [
        '[api]',
        'api_key = sk-file',
        'base_url = http://127.0.0.1:8080/api/',
        '[ssh]',
        'key_path = ~/.ssh/lium.pub',
        'user = ubuntu',
        '[template]',
        'default_id = tmpl-1',
        '',
      ].join('\n'),
    );
    expect(await resolveSettings({ configDir, env: { HOME: '/home/alice' } })).toEqual({
      apiKey: 'sk-file',
      baseUrl: 'http://127.0.0.1:8080/api',
      sshKeyPath: '/home/alice/.ssh/lium.pub',
      defaultTemplateId: 'tmpl-1',
      configDir,
      configFile: join(configDir, 'config.ini'),
      profile: 'default',
    });
  });

  it('takes overrides over the environment over the file; empty values count as unset', async () => {
    const configDir = await dirWith('[api]\napi_key = sk-file\n[ssh]\nkey_path = /file/key\n');
    const env = {
      LIUM_API_KEY: 'sk-env',
      LIUM_SSH_KEY_PATH: '/env/key',
      LIUM_TEMPLATE_DEFAULT_ID: '',
    };
    const fromEnv = await resolveSettings({ configDir, env });
    expect(fromEnv).toMatchObject({ apiKey: 'sk-env', sshKeyPath: '/env/key' });
    expect(fromEnv.defaultTemplateId).toBeUndefined();
    const overridden = await resolveSettings({
      configDir,
      env,
      overrides: { apiKey: 'sk-flag', sshKeyPath: '', baseUrl: 'https://staging.example/api' },
    });
    expect(overridden).toMatchObject({
      apiKey: 'sk-flag',
      sshKeyPath: '/env/key',
      baseUrl: 'https://staging.example/api',
    });
  });

  it('uses $LIUM_CONFIG_DIR when no configDir is given', async () => {
    const configDir = await dirWith('[api]\napi_key = sk-dir\n');
    const settings = await resolveSettings({ env: { LIUM_CONFIG_DIR: configDir } });
    expect(settings).toMatchObject({ apiKey: 'sk-dir', configDir });
  });

  it('rejects a base URL that is not http(s), naming where it came from but not the value', async () => {
    const configDir = await dirWith('[api]\nbase_url = ftp://files.example/api\n');
    const fromFile = await resolveSettings({ configDir, env: {} }).catch((error: unknown) => error);
    expect(fromFile).toBeInstanceOf(LiumConfigError);
    expect(fromFile).toMatchObject({
      code: 'config_value_invalid',
      file: join(configDir, 'config.ini'),
    });
    expect((fromFile as Error).message).toContain('api.base_url');
    expect((fromFile as Error).message).toContain(
      `[api] base_url in ${join(configDir, 'config.ini')}`,
    );
    expect((fromFile as Error).message).toContain('http');
    expect((fromFile as Error).message).not.toContain('files.example');

    const fromEnv = await resolveSettings({ configDir, env: { LIUM_BASE_URL: 'not a url' } }).catch(
      (error: unknown) => error,
    );
    expect(fromEnv).toMatchObject({ code: 'config_value_invalid' });
    expect((fromEnv as Error).message).toContain('$LIUM_BASE_URL');
    expect((fromEnv as Error).message).not.toContain('not a url');

    await expect(
      resolveSettings({ configDir, env: {}, overrides: { baseUrl: 'lium.io/api' } }),
    ).rejects.toThrow(/baseUrl option/);
  });

  it('rejects an API key with spaces inside without printing it, and trims surrounding ones', async () => {
    const configDir = await dirWith();
    const error = await resolveSettings({ configDir, env: { LIUM_API_KEY: 'sk-abc def' } }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ code: 'config_value_invalid' });
    expect((error as Error).message).toContain('$LIUM_API_KEY');
    expect((error as Error).message).not.toContain('sk-abc');
    const trimmed = await resolveSettings({ configDir, env: { LIUM_API_KEY: '  sk-abc\n' } });
    expect(trimmed.apiKey).toBe('sk-abc');
  });

  it('propagates a config file that cannot be parsed', async () => {
    const configDir = await dirWith('[api]\n[api]\n');
    await expect(resolveSettings({ configDir, env: {} })).rejects.toMatchObject({
      code: 'config_invalid',
      line: 2,
    });
  });
});
