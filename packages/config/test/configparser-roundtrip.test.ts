import { spawnSync } from 'node:child_process';
import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/index.ts';
import { tempDir } from './temp-dir.ts';

/**
 * configparser.ini is written by Python's configparser exactly as the official CLI writes
 * ~/.lium/config.ini; configparser.expected.json is what Python reads back from it. Both come from
 * fixtures/make-configparser-fixture.py.
 */
const fixtureIni = new URL('./fixtures/configparser.ini', import.meta.url);
type Sections = Record<
  string,
  { raw: Record<string, string>; interpolated: Record<string, string | null> }
>;
const expected: Sections = JSON.parse(
  await readFile(new URL('./fixtures/configparser.expected.json', import.meta.url), 'utf8'),
);

async function configFromFixture() {
  const configDir = await tempDir();
  await copyFile(fixtureIni, join(configDir, 'config.ini'));
  return loadConfig({ configDir, env: {} });
}

describe('a config.ini written by Python configparser', () => {
  it('reads every value as configparser does (DEFAULT options included)', async () => {
    const config = await configFromFixture();
    for (const [section, { raw }] of Object.entries(expected)) {
      for (const [option, value] of Object.entries(raw)) {
        expect(config.get(`${section}.${option}`), `${section}.${option}`).toBe(value);
      }
    }
    expect(config.get('api.api_key')).toBe('sk-fake;with#hash=and;semicolon');
    expect(config.get('default.double_percent')).toBe('50%% off');
    expect(config.get('empty')).toBe('');
    expect(config.get('unknown_section.MixedCase')).toBe('option names are lower-cased');
  });

  it('lists the keys written in the file, in file order', async () => {
    const config = await configFromFixture();
    const keys = config.list().map((entry) => entry.key);
    expect(keys.slice(0, 4)).toEqual([
      'DEFAULT.shared',
      'api.api_key',
      'api.base_url',
      'ssh.key_path',
    ]);
    expect(keys).toContain('workspace.team-a.api_key');
    expect(keys).toContain('unknown_section.multi_line');
    expect(config.list().every((entry) => entry.source === 'file')).toBe(true);
  });

  it('is written back byte for byte when nothing changed', async () => {
    const config = await configFromFixture();
    await config.save();
    expect(await readFile(config.path, 'utf8')).toBe(await readFile(fixtureIni, 'utf8'));
  });

  it('keeps every other line byte for byte when one value changes', async () => {
    const config = await configFromFixture();
    config.set('api.api_key', 'sk-new');
    await config.save();
    const before = (await readFile(fixtureIni, 'utf8')).split('\n');
    const after = (await readFile(config.path, 'utf8')).split('\n');
    expect(after).toHaveLength(before.length);
    const changed = after.flatMap((line, index) =>
      line === before[index] ? [] : [[before[index], line]],
    );
    expect(changed).toEqual([['api_key = sk-fake;with#hash=and;semicolon', 'api_key = sk-new']]);
  });
});

const python = spawnSync('python3', ['--version'], { encoding: 'utf8' });
const hasPython = python.status === 0;

/** Reads `file` with Python's configparser the way the official CLI (raw) and SDK (interpolating) do. */
function readWithPython(file: string): Sections {
  const script = `
import configparser, json, sys
raw = configparser.ConfigParser(interpolation=None); raw.read(sys.argv[1], encoding="utf-8")
interpolating = configparser.ConfigParser(); interpolating.read(sys.argv[1], encoding="utf-8")
def interpolated(section, option):
    try: return interpolating.get(section, option)
    except Exception: return None
out = {"DEFAULT": {"raw": dict(raw.defaults()), "interpolated": dict(interpolating.defaults())}}
for s in raw.sections():
    out[s] = {"raw": dict(raw.items(s)), "interpolated": {o: interpolated(s, o) for o in raw.options(s)}}
json.dump(out, sys.stdout)
`;
  const result = spawnSync('python3', ['-c', script, file], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`python3 failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

describe('Python reads what we write', () => {
  it('agrees on every value after edits, new sections and removals', async (context) => {
    if (!hasPython)
      context.skip('python3 is not installed: cannot check the file with configparser');
    const config = await configFromFixture();
    const edits: Record<string, string> = {
      'api.api_key': 'sk-new;key#with=delims:and spaces',
      'docker.password': '100% %% %(not_a_reference)s',
      'ssh.key_path': '~/my keys/club.pub',
      'unknown_section.multi_line': 'now one line',
      'template.default_id': '',
      'brand_new.option': '[not a header] ; # = :',
      'workspace.team-b.api_key': 'sk-team-b',
      token: 'goes to [default]',
      'unicode.value': 'caf\u00e9 \u2603 tab\tinside',
    };
    for (const [key, value] of Object.entries(edits)) config.set(key, value);
    expect(config.unset('ui.theme')).toBe(true);
    await config.save();

    const seen = readWithPython(config.path);
    const ours = Object.fromEntries(
      Object.entries(seen).map(([section, { raw }]) => [
        section,
        Object.fromEntries(
          Object.keys(raw).map((option) => [option, config.get(`${section}.${option}`)]),
        ),
      ]),
    );
    expect(ours).toEqual(Object.fromEntries(Object.entries(seen).map(([s, { raw }]) => [s, raw])));
    for (const [key, value] of Object.entries(edits)) {
      const dot = key.lastIndexOf('.');
      const [section, option] =
        dot < 0 ? ['default', key] : [key.slice(0, dot), key.slice(dot + 1)];
      expect(seen[section]?.raw[option], key).toBe(value);
      // The SDK's interpolating reader agrees too wherever a value has no "%".
      if (!value.includes('%')) expect(seen[section]?.interpolated[option], key).toBe(value);
    }
    expect(seen.ui).toBeUndefined();
    expect(Object.keys(seen)).toEqual([
      ...Object.keys(expected).filter((s) => s !== 'ui'),
      'brand_new',
      'workspace.team-b',
      'unicode',
    ]);
  });
});

describe('profiles in a config.ini Python wrote', () => {
  it('reads [profile NAME] sections as profiles, isolated from the default one', async () => {
    const configDir = await tempDir();
    await copyFile(fixtureIni, join(configDir, 'config.ini'));
    const work = await loadConfig({ configDir, env: {}, profile: 'work' });
    expect(work.profiles()).toEqual(['default', 'work']);
    const raw = expected['profile work']?.raw ?? {};
    expect(work.get('api.api_key')).toBe(raw['api.api_key']);
    expect(work.get('api.base_url')).toBe('http://127.0.0.1:8080/api');
    expect(work.get('ssh.key_path')).toBe('~/.ssh/work');
    // Nothing leaks from the default profile's sections into a named one.
    expect(work.get('ssh.user')).toBeUndefined();
    expect(work.list().map((entry) => entry.key)).toEqual([
      'api.api_key',
      'api.base_url',
      'ssh.key_path',
    ]);
    // …nor from a named profile into the default one.
    const fallback = await loadConfig({ configDir, env: {} });
    expect(fallback.get('api.api_key')).toBe('sk-fake;with#hash=and;semicolon');
    expect(fallback.list().some((entry) => entry.key.startsWith('profile '))).toBe(false);
  });

  it('writes profiles Python reads back under [profile NAME], leaving the rest alone', async (context) => {
    if (!hasPython)
      context.skip('python3 is not installed: cannot check the file with configparser');
    const configDir = await tempDir();
    await copyFile(fixtureIni, join(configDir, 'config.ini'));
    const work = await loadConfig({ configDir, env: {}, profile: 'work' });
    work.set('api.api_key', 'sk-work-2;#=:');
    work.set('template.default_id', 'tmpl-w');
    expect(work.unset('ssh.key_path')).toBe(true);
    await work.save();
    const teamB = await loadConfig({ configDir, env: { LIUM_PROFILE: 'team-b' } });
    expect(teamB.profile).toBe('team-b');
    expect(teamB.profileSource).toBe('env');
    expect(teamB.hasProfile('team-b')).toBe(false);
    teamB.set('api.api_key', 'sk-team-b');
    teamB.set('API.Base_URL', 'https://b.example/api');
    await teamB.save();

    const seen = readWithPython(join(configDir, 'config.ini'));
    expect(seen['profile work']?.raw).toMatchObject({
      'api.api_key': 'sk-work-2;#=:',
      'api.base_url': 'http://127.0.0.1:8080/api',
      'template.default_id': 'tmpl-w',
    });
    expect(seen['profile work']?.raw['ssh.key_path']).toBeUndefined();
    expect(seen['profile team-b']?.raw).toMatchObject({
      'api.api_key': 'sk-team-b',
      'api.base_url': 'https://b.example/api',
    });
    // The default profile is exactly what it was.
    for (const section of ['api', 'ssh', 'template', 'docker', 'default']) {
      expect(seen[section]?.raw, section).toEqual(expected[section]?.raw);
    }
    const reread = await loadConfig({ configDir, env: {}, profile: 'team-b' });
    expect(reread.get('api.base_url')).toBe('https://b.example/api');
    expect(reread.profiles()).toEqual(['default', 'work', 'team-b']);
  });
});
