import { describe, expect, it } from 'vitest';
import { parseEnvArgs } from './env-args.ts';
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
