import { describe, expect, it } from 'vitest';
import { generateHumanId, INVALID_HUID, looksLikeHumanId } from './huid.ts';

describe('generateHumanId', () => {
  // Expected values computed with Python's hashlib over the seed's word lists (reference §3.6 [U]).
  it.each([
    ['0b5a1c8e-1234-4f6a-9d2e-7c3b2a1f0e9d', 'zesty-jaguar-3e'],
    ['3fa85f64-5717-4562-b3fc-2c963f66afa6', 'bright-cobra-0a'],
    ['a', 'hydro-raven-61'],
    ['pod-1', 'calm-raven-2f'],
    ['ünïcode-id', 'grand-sphinx-12'],
  ])('%s → %s', (id, huid) => {
    expect(generateHumanId(id)).toBe(huid);
  });

  it('marks an empty id the way the seed does', () => {
    expect(generateHumanId('')).toBe(INVALID_HUID);
    expect(INVALID_HUID).toBe('invalid-id-huid');
  });

  it('produces names that look like HUIDs', () => {
    expect(looksLikeHumanId(generateHumanId('x'))).toBe(true);
    expect(looksLikeHumanId('my-pod')).toBe(false);
  });
});
