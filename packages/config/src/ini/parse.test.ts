import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LiumConfigError } from '../errors.ts';
import { IniDocument } from './document.ts';

interface ParserCase {
  name: string;
  text: string;
  /** What Python's configparser read (DEFAULT's options included in each section), or … */
  sections?: Record<string, Record<string, string>>;
  /** … the line it rejected. */
  errorLine?: number;
}

/** Written by test/fixtures/make-configparser-fixture.py from what Python's configparser reads. */
const cases: ParserCase[] = JSON.parse(
  readFileSync(new URL('../../test/fixtures/configparser-cases.json', import.meta.url), 'utf8'),
);

/** Every section's options as configparser's `items(section)` returns them. */
function itemsBySection(document: IniDocument): Record<string, Record<string, string>> {
  const result: Record<string, Record<string, string>> = { DEFAULT: {} };
  const options = new Map<string, Set<string>>();
  for (const { section, option } of document.entries()) {
    options.set(section, (options.get(section) ?? new Set()).add(option));
  }
  const defaults = options.get('DEFAULT') ?? new Set<string>();
  for (const section of document.sections()) {
    const names = new Set([...defaults, ...(options.get(section) ?? [])]);
    result[section] = Object.fromEntries(
      [...names].map((option) => [option, document.get(section, option) ?? '<missing>']),
    );
  }
  return result;
}

describe('parseIni agrees with configparser', () => {
  for (const testCase of cases) {
    it(testCase.name, () => {
      if (testCase.errorLine !== undefined) {
        let error: unknown;
        try {
          IniDocument.parse(testCase.text, '/home/u/.lium/config.ini');
        } catch (caught) {
          error = caught;
        }
        expect(error).toBeInstanceOf(LiumConfigError);
        expect(error).toMatchObject({
          code: 'config_invalid',
          file: '/home/u/.lium/config.ini',
          line: testCase.errorLine,
        });
        expect((error as Error).message).toContain(
          `/home/u/.lium/config.ini line ${testCase.errorLine}`,
        );
        return;
      }
      const document = IniDocument.parse(testCase.text);
      expect(itemsBySection(document)).toEqual(testCase.sections);
      expect(document.toString()).toBe(testCase.text);
    });
  }
});

describe('IniDocument edits', () => {
  const commented = [
    '# Lium settings, edited by hand',
    '[api]',
    '; the key from https://lium.io/api-keys',
    'api_key=old-key',
    'base_url : https://lium.io/api',
    '',
    '# ssh below',
    '[ssh]',
    '  user = root',
    '',
  ].join('\n');

  it('changes only the edited line, keeping its spacing and delimiter', () => {
    const document = IniDocument.parse(commented);
    document.set('api', 'api_key', 'new-key');
    document.set('api', 'base_url', 'http://127.0.0.1:8080/api');
    document.set('ssh', 'user', 'ubuntu');
    expect(document.toString()).toBe(
      commented
        .replace('api_key=old-key', 'api_key=new-key')
        .replace('base_url : https://lium.io/api', 'base_url : http://127.0.0.1:8080/api')
        .replace('  user = root', '  user = ubuntu'),
    );
  });

  it('adds a key after the last key of its section, before the comments of the next one', () => {
    const document = IniDocument.parse(commented);
    document.set('api', 'timeout', '30');
    expect(document.toString()).toContain(
      'base_url : https://lium.io/api\ntimeout = 30\n\n# ssh below',
    );
  });

  it('appends a new section the way configparser writes one', () => {
    const document = IniDocument.parse('[api]\napi_key = k');
    document.set('template', 'default_id', 'abc');
    expect(document.toString()).toBe('[api]\napi_key = k\n\n[template]\ndefault_id = abc\n\n');
  });

  it('writes a new file byte for byte as configparser would', () => {
    const document = IniDocument.empty();
    document.set('api', 'api_key', 'k');
    document.set('api', 'base_url', 'u');
    document.set('default', 'empty', '');
    expect(document.toString()).toBe('[api]\napi_key = k\nbase_url = u\n\n[default]\nempty = \n\n');
  });

  it('replaces a multi-line value and an empty value with one line', () => {
    const document = IniDocument.parse('[s]\nkey =\n  a\n  b\nother =\n');
    document.set('s', 'key', 'one');
    document.set('s', 'other', 'two');
    expect(document.toString()).toBe('[s]\nkey = one\nother = two\n');
  });

  it('removes a key with its continuation lines, and a section left empty', () => {
    const document = IniDocument.parse(
      '[a]\nx = 1\n  more\n\n[b]\n# keep me\ny = 2\n\n[c]\nz = 3\n',
    );
    expect(document.unset('a', 'x')).toBe(true);
    expect(document.unset('b', 'y')).toBe(true);
    expect(document.unset('c', 'missing')).toBe(false);
    expect(document.toString()).toBe('[b]\n# keep me\n\n[c]\nz = 3\n');
  });

  it('keeps CRLF line endings and drops a byte order mark', () => {
    const document = IniDocument.parse('\uFEFF[s]\r\nk = v\r\n');
    document.set('s', 'j', 'w');
    expect(document.toString()).toBe('[s]\r\nk = v\r\nj = w\r\n');
  });

  it('reads DEFAULT options through existing sections only, as configparser.get does', () => {
    const document = IniDocument.parse('[DEFAULT]\nd = 1\n[s]\nk = v\n');
    expect(document.get('s', 'd')).toBe('1');
    expect(document.get('missing', 'd')).toBeUndefined();
    expect(document.hasOwn('s', 'd')).toBe(false);
  });

  it('never puts the offending line in a parse error (it may hold a secret)', () => {
    expect(() => IniDocument.parse('[api]\nsk-secret-value\n', '/x/config.ini')).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('sk-secret-value') }),
    );
  });
});
