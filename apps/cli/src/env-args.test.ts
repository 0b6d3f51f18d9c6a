import { describe, expect, it } from 'vitest';
import { parseEnvArgs, parseEnvFile } from './env-args.ts';
import { CliUsageError } from './errors.ts';

describe('parseEnvArgs', () => {
  it('splits at the first = and keeps any value', () => {
    expect(parseEnvArgs(['A=1', 'B_2=x=y', 'EMPTY=', 'Q="$HOME `x`"'])).toEqual({
      A: '1',
      B_2: 'x=y',
      EMPTY: '',
      Q: '"$HOME `x`"',
    });
  });

  it('takes a bare NAME from the local environment, and refuses one that is not set', () => {
    expect(parseEnvArgs(['TOKEN', 'A=1'], { TOKEN: 's3cret' })).toEqual({
      TOKEN: 's3cret',
      A: '1',
    });
    expect(() => parseEnvArgs(['TOKEN'], {})).toThrow(/TOKEN is not set in your environment/);
  });

  it('reads an env file: NAME=VALUE lines, # comments, blank lines, bare names', () => {
    const text = '# secrets\nA=1\n\n  B=x=y\r\nFROM_ENV\nQ="kept"\n';
    expect(parseEnvFile(text, { FROM_ENV: 'e' }, '.env')).toEqual({
      A: '1',
      B: 'x=y',
      FROM_ENV: 'e',
      Q: '"kept"',
    });
    expect(() => parseEnvFile('BAD-NAME=secret\n', {}, '.env')).toThrow(/line in \.env/);
  });

  it('refuses a missing = or a bad name, without echoing the value', () => {
    expect(() => parseEnvArgs(['NOVALUE'])).toThrow(CliUsageError);
    expect(() => parseEnvArgs(['1BAD=x'])).toThrow(/expected NAME=VALUE/);
    try {
      parseEnvArgs(['BAD-NAME=secret-value']);
    } catch (error) {
      expect((error as Error).message).not.toContain('secret-value');
    }
  });
});
