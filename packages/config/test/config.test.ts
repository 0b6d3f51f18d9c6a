import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfigDir, envVarNames, LiumConfigError, loadConfig } from '../src/index.ts';
import { tempDir } from './temp-dir.ts';

async function configIn(text: string | undefined, env: Record<string, string> = {}) {
  const configDir = await tempDir();
  if (text !== undefined) await writeFile(join(configDir, 'config.ini'), text);
  return loadConfig({ configDir, env });
}

describe('defaultConfigDir', () => {
  it('is $LIUM_CONFIG_DIR, else ~/.lium', () => {
    expect(defaultConfigDir({ LIUM_CONFIG_DIR: '/srv/lium-a', HOME: '/home/u' })).toBe(
      '/srv/lium-a',
    );
    expect(defaultConfigDir({ LIUM_CONFIG_DIR: '~/accounts/b', HOME: '/home/u' })).toBe(
      '/home/u/accounts/b',
    );
    expect(defaultConfigDir({ LIUM_CONFIG_DIR: '', HOME: '/home/u' })).toBe('/home/u/.lium');
    expect(defaultConfigDir({ HOME: '/home/u' })).toBe('/home/u/.lium');
  });

  it('is where loadConfig reads when no configDir is given', async () => {
    const configDir = await tempDir();
    await writeFile(join(configDir, 'config.ini'), '[api]\napi_key = from-dir\n');
    const config = await loadConfig({ env: { LIUM_CONFIG_DIR: configDir } });
    expect(config.path).toBe(join(configDir, 'config.ini'));
    expect(config.get('api.api_key')).toBe('from-dir');
  });
});

describe('LiumConfig get/set/unset/list', () => {
  it('treats a missing file as an empty config and creates it on save (0600, dir 0700)', async () => {
    const root = await tempDir();
    const configDir = join(root, 'nested', '.lium');
    const config = await loadConfig({ configDir, env: {} });
    expect(config.get('api.api_key')).toBeUndefined();
    expect(config.getSource('api.api_key')).toBeUndefined();
    expect(config.list()).toEqual([]);
    config.set('api.api_key', 'sk-1');
    await config.save();
    expect(await readFile(config.path, 'utf8')).toBe('[api]\napi_key = sk-1\n\n');
    expect((await stat(config.path)).mode & 0o777).toBe(0o600);
    expect((await stat(configDir)).mode & 0o777).toBe(0o700);
  });

  it('puts keys without a dot in [default] and lower-cases option names', async () => {
    const config = await configIn(undefined);
    config.set('Theme', 'dark');
    expect(config.get('theme')).toBe('dark');
    expect(config.get('default.THEME')).toBe('dark');
    await config.save();
    expect(await readFile(config.path, 'utf8')).toBe('[default]\ntheme = dark\n\n');
  });

  it('addresses sections with dots ([workspace.<name>]) and options with dots', async () => {
    const config = await configIn('[workspace.team-a]\napi_key = a\n\n[legacy]\nsub.key = b\n');
    expect(config.get('workspace.team-a.api_key')).toBe('a');
    expect(config.get('legacy.sub.key')).toBe('b');
    config.set('legacy.sub.key', 'c');
    config.set('workspace.team-b.api_key', 'd');
    await config.save();
    expect(await readFile(config.path, 'utf8')).toBe(
      '[workspace.team-a]\napi_key = a\n\n[legacy]\nsub.key = c\n\n[workspace.team-b]\napi_key = d\n\n',
    );
  });

  it('keeps comments, unknown sections and key order when saving', async () => {
    const text = [
      '# my settings',
      '[provider]',
      'coldkey = ck ; not a comment',
      '',
      '[api]',
      '; personal key',
      'api_key = old',
      'base_url = https://lium.io/api',
      '',
      '[funding]',
      'default_wallet = main',
      '',
    ].join('\n');
    const config = await configIn(text);
    config.set('api.api_key', 'new');
    config.set('ssh.user', 'ubuntu');
    await config.save();
    expect(await readFile(config.path, 'utf8')).toBe(
      `${text.replace('api_key = old', 'api_key = new')}\n[ssh]\nuser = ubuntu\n\n`,
    );
  });

  it('unsets a key, reports whether it was there, and drops the emptied section', async () => {
    const config = await configIn('[api]\napi_key = k\n\n[template]\ndefault_id = t\n');
    expect(config.unset('template.default_id')).toBe(true);
    expect(config.unset('template.default_id')).toBe(false);
    expect(config.unset('nothing.here')).toBe(false);
    await config.save();
    expect(await readFile(config.path, 'utf8')).toBe('[api]\napi_key = k\n\n');
  });

  it('refuses keys and values configparser could not read back', async () => {
    const config = await configIn(undefined);
    for (const key of ['.x', 'api.', 'api.a=b', 'api.a:b', 'api.#x', 'api. x', 'sec\ntion.x']) {
      expect(() => config.set(key, 'v'), key).toThrow(
        expect.objectContaining({ code: 'config_key_invalid' }),
      );
    }
    for (const value of ['two\nlines', ' padded', 'padded ', 'nul\u0000']) {
      let error: unknown;
      try {
        config.set('api.api_key', value);
      } catch (caught) {
        error = caught;
      }
      expect(error, JSON.stringify(value)).toMatchObject({ code: 'config_value_invalid' });
      expect((error as Error).message).not.toContain(value.trim());
    }
    expect(config.list()).toEqual([]);
  });

  it('lists file entries with their source', async () => {
    const config = await configIn('[api]\napi_key = k\n[ssh]\nuser = root\n', {
      LIUM_SSH_USER: 'ubuntu',
      LIUM_TEMPLATE_DEFAULT_ID: 'tmpl-env',
    });
    expect(config.list()).toEqual([
      { key: 'api.api_key', value: 'k', source: 'file' },
      { key: 'ssh.user', value: 'ubuntu', source: 'env', envVar: 'LIUM_SSH_USER' },
      {
        key: 'template.default_id',
        value: 'tmpl-env',
        source: 'env',
        envVar: 'LIUM_TEMPLATE_DEFAULT_ID',
      },
    ]);
  });
});

describe('environment overrides (env wins over the file)', () => {
  const file =
    '[api]\napi_key = file-key\nbase_url = https://file.example/api\n[ssh]\nkey_path = /file/key\n';

  it('LIUM_API_API_KEY wins over LIUM_API_KEY, which wins over the file', async () => {
    const both = await configIn(file, { LIUM_API_API_KEY: 'long', LIUM_API_KEY: 'short' });
    expect(both.get('api.api_key')).toBe('long');
    expect(both.getEnvVar('api.api_key')).toBe('LIUM_API_API_KEY');
    const short = await configIn(file, { LIUM_API_KEY: 'short' });
    expect(short.get('api.api_key')).toBe('short');
    expect(short.getSource('api.api_key')).toBe('env');
    expect(short.getEnvVar('api.api_key')).toBe('LIUM_API_KEY');
    const none = await configIn(file, {});
    expect(none.get('api.api_key')).toBe('file-key');
    expect(none.getSource('api.api_key')).toBe('file');
    expect(none.getEnvVar('api.api_key')).toBeUndefined();
  });

  it('LIUM_API_BASE_URL wins over LIUM_BASE_URL, which wins over the file', async () => {
    expect((await configIn(file, { LIUM_BASE_URL: 'http://b' })).get('api.base_url')).toBe(
      'http://b',
    );
    expect(
      (await configIn(file, { LIUM_BASE_URL: 'http://b', LIUM_API_BASE_URL: 'http://a' })).get(
        'api.base_url',
      ),
    ).toBe('http://a');
  });

  it('LIUM_<SECTION>_<KEY> overrides any key, including unknown and dotted sections', async () => {
    const config = await configIn(`${file}[workspace.team-a]\napi_key = ws\n`, {
      LIUM_SSH_KEY_PATH: '/env/key',
      LIUM_WORKSPACE_TEAM_A_API_KEY: 'ws-env',
      LIUM_CUSTOM_THING: 'made-up',
    });
    expect(config.get('ssh.key_path')).toBe('/env/key');
    expect(config.get('workspace.team-a.api_key')).toBe('ws-env');
    expect(config.get('custom.thing')).toBe('made-up');
    expect(envVarNames('workspace.team-a.api_key')).toEqual(['LIUM_WORKSPACE_TEAM_A_API_KEY']);
    expect(envVarNames('api.api_key')).toEqual(['LIUM_API_API_KEY', 'LIUM_API_KEY']);
  });

  it('ignores empty variables', async () => {
    const config = await configIn(file, { LIUM_API_API_KEY: '', LIUM_API_KEY: '' });
    expect(config.get('api.api_key')).toBe('file-key');
  });

  it('never writes environment values into the file', async () => {
    const config = await configIn(file, { LIUM_API_KEY: 'env-secret' });
    config.set('api.api_key', 'stored');
    expect(config.get('api.api_key')).toBe('env-secret');
    await config.save();
    const text = await readFile(config.path, 'utf8');
    expect(text).toContain('api_key = stored');
    expect(text).not.toContain('env-secret');
  });
});

describe('a config file that cannot be parsed', () => {
  const broken = '[api]\napi_key = sk-keep-me\nthis line has no equals sign\n';

  it('gives config_invalid naming the file and line, and is never overwritten', async () => {
    const configDir = await tempDir();
    const path = join(configDir, 'config.ini');
    await writeFile(path, broken, { mode: 0o644 });
    const before = await stat(path);

    const error = await loadConfig({ configDir, env: {} }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LiumConfigError);
    expect(error).toMatchObject({ code: 'config_invalid', file: path, line: 3 });
    expect((error as Error).message).toContain(`${path} line 3`);
    expect((error as Error).message).not.toContain('sk-keep-me');
    expect((error as LiumConfigError).hint).toBeTruthy();

    const after = await stat(path);
    expect(await readFile(path, 'utf8')).toBe(broken);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    expect(after.mode & 0o777).toBe(0o644);
  });

  it('is reported as unreadable when it is not a file', async () => {
    const configDir = await tempDir();
    await mkdir(join(configDir, 'config.ini'));
    await expect(loadConfig({ configDir, env: {} })).rejects.toMatchObject({
      code: 'config_unreadable',
    });
  });
});

describe('save', () => {
  it('reports config_write_failed and leaves the old file when the directory is not writable', async (context) => {
    if (process.getuid?.() === 0) context.skip('running as root: permissions do not stop writes');
    const configDir = await tempDir();
    const path = join(configDir, 'config.ini');
    await writeFile(path, '[api]\napi_key = old\n');
    const config = await loadConfig({ configDir, env: {} });
    config.set('api.api_key', 'new');
    await chmod(configDir, 0o500);
    try {
      await expect(config.save()).rejects.toMatchObject({
        code: 'config_write_failed',
        file: path,
      });
    } finally {
      await chmod(configDir, 0o700);
    }
    expect(await readFile(path, 'utf8')).toBe('[api]\napi_key = old\n');
  });

  it('reports config_write_failed and leaves no temporary file when the rename fails', async () => {
    const configDir = await tempDir();
    const config = await loadConfig({ configDir, env: {} });
    config.set('api.api_key', 'k');
    // Something else put a non-empty directory where the file goes: rename() cannot replace it.
    await mkdir(join(configDir, 'config.ini', 'occupied'), { recursive: true });
    const error = await config.save().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'config_write_failed', file: config.path });
    expect((error as LiumConfigError).hint).toContain('unchanged');
    expect(await readdir(configDir)).toEqual(['config.ini']);
  });
});
