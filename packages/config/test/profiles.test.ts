import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LiumConfigError, loadConfig, resolveSettings, selectProfile } from '../src/index.ts';
import { tempDir } from './temp-dir.ts';

const FILE = [
  '[api]',
  'api_key = sk-default',
  'base_url = http://127.0.0.1:1/api',
  '[ssh]',
  'key_path = /keys/default',
  '',
  '[profile work]',
  'api.api_key = sk-work',
  'ssh.key_path = /keys/work',
  '',
  '[profile lab]',
  'api.api_key = sk-lab',
  'api.base_url = http://127.0.0.1:2/api',
  '',
].join('\n');

async function dirWith(text: string): Promise<string> {
  const configDir = await tempDir();
  await writeFile(join(configDir, 'config.ini'), text);
  return configDir;
}

describe('profiles', () => {
  it('picks the option, then $LIUM_PROFILE, then default', () => {
    expect(selectProfile('work', { LIUM_PROFILE: 'lab' })).toEqual({
      name: 'work',
      source: 'option',
    });
    expect(selectProfile(undefined, { LIUM_PROFILE: 'lab' })).toEqual({
      name: 'lab',
      source: 'env',
    });
    expect(selectProfile('', { LIUM_PROFILE: '' })).toEqual({ name: 'default', source: 'default' });
  });

  it("resolves a named profile's settings without the default profile's values", async () => {
    const configDir = await dirWith(FILE);
    const work = await resolveSettings({ configDir, env: { LIUM_PROFILE: 'work' } });
    expect(work).toEqual({
      apiKey: 'sk-work',
      // Not the default profile's base URL: another account's settings never leak in.
      baseUrl: 'https://lium.io/api',
      sshKeyPath: '/keys/work',
      configDir: join(configDir, 'profiles', 'work'),
      configFile: join(configDir, 'config.ini'),
      profile: 'work',
    });
    const lab = await resolveSettings({ configDir, env: { LIUM_PROFILE: 'work' }, profile: 'lab' });
    expect(lab).toMatchObject({ apiKey: 'sk-lab', baseUrl: 'http://127.0.0.1:2/api' });
    const fallback = await resolveSettings({ configDir, env: {} });
    expect(fallback).toMatchObject({ apiKey: 'sk-default', profile: 'default', configDir });
    // The environment still wins over the profile's file values, as for the default profile.
    const env = await resolveSettings({
      configDir,
      env: { LIUM_API_KEY: 'sk-env' },
      profile: 'lab',
    });
    expect(env.apiKey).toBe('sk-env');
  });

  it('refuses a missing profile in one line that lists the ones there are', async () => {
    const configDir = await dirWith(FILE);
    const error = await resolveSettings({ configDir, env: { LIUM_PROFILE: 'wrok' } }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(LiumConfigError);
    expect(error).toMatchObject({ code: 'profile_not_found' });
    const message = (error as Error).message;
    expect(message).toBe(
      `Profile "wrok" is not in ${join(configDir, 'config.ini')}; profiles: default, work, lab.`,
    );
    expect(message).not.toContain('\n');
    expect((error as LiumConfigError).hint).toBe(
      'Create a [profile wrok] section, or choose another profile (or $LIUM_PROFILE).',
    );
  });

  it('refuses profile names that could not be a section or a directory', async () => {
    const configDir = await dirWith(FILE);
    for (const name of ['../etc', 'a b', 'x]', '.hidden', 'a'.repeat(65)]) {
      await expect(resolveSettings({ configDir, env: {}, profile: name })).rejects.toMatchObject({
        code: 'profile_name_invalid',
      });
    }
  });

  it('names the profile section when one of its values is bad', async () => {
    const configDir = await dirWith('[profile bad]\napi.base_url = ftp://x\n');
    await expect(resolveSettings({ configDir, env: {}, profile: 'bad' })).rejects.toThrow(
      /\[profile bad\] api\.base_url in .*config\.ini/,
    );
  });

  it('edits only its own section', async () => {
    const configDir = await dirWith(FILE);
    const work = await loadConfig({ configDir, env: {}, profile: 'work' });
    work.set('template.default_id', 'tmpl-1');
    work.set('token', 'no-dot');
    expect(work.get('token')).toBe('no-dot');
    expect(work.unset('ssh.key_path')).toBe(true);
    await work.save();
    const again = await loadConfig({ configDir, env: {}, profile: 'work' });
    expect(again.list().map((entry) => [entry.key, entry.value])).toEqual([
      ['api.api_key', 'sk-work'],
      ['template.default_id', 'tmpl-1'],
      ['default.token', 'no-dot'],
    ]);
    const fallback = await loadConfig({ configDir, env: {} });
    expect(fallback.get('ssh.key_path')).toBe('/keys/default');
    expect(fallback.get('template.default_id')).toBeUndefined();
  });
});
