import { describe, expect, it } from 'vitest';
import { formatTao, parseTao, resolveNetwork } from '../src/index.ts';

describe('TAO amounts', () => {
  it('reads decimal TAO into exact rao', () => {
    expect(parseTao('1')).toBe(1_000_000_000n);
    expect(parseTao('0.1')).toBe(100_000_000n);
    expect(parseTao('.25')).toBe(250_000_000n);
    expect(parseTao('12.000000001')).toBe(12_000_000_001n);
    expect(parseTao(' 3. ')).toBe(3_000_000_000n);
  });

  it('refuses zero, negatives, junk and more than 9 decimals', () => {
    for (const text of ['0', '0.0', '-1', 'abc', '', '.', '1e3', '1.0000000001', '0x10']) {
      expect(() => parseTao(text)).toThrow(expect.objectContaining({ code: 'amount_invalid' }));
    }
  });

  it('prints rao as TAO without trailing zeros', () => {
    expect(formatTao(1_500_000_000n)).toBe('1.5');
    expect(formatTao(1n)).toBe('0.000000001');
    expect(formatTao(2_000_000_000n)).toBe('2');
  });
});

describe('networks', () => {
  it('knows finney and test and accepts ws:// URLs', () => {
    expect(resolveNetwork(undefined)).toBe('wss://entrypoint-finney.opentensor.ai:443');
    expect(resolveNetwork('test')).toBe('wss://test.finney.opentensor.ai:443');
    expect(resolveNetwork('ws://127.0.0.1:9944')).toBe('ws://127.0.0.1:9944');
    expect(() => resolveNetwork('http://x')).toThrow(
      expect.objectContaining({ code: 'network_invalid' }),
    );
    expect(() => resolveNetwork('mainnet')).toThrow(
      expect.objectContaining({ code: 'network_invalid' }),
    );
  });
});
