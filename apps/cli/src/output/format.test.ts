import { describe, expect, it } from 'vitest';
import { formatBytes } from './format.ts';

describe('formatBytes', () => {
  it('shows whole bytes below 1 KB, so a rate never prints 13 decimals', () => {
    expect(formatBytes(116 / 0.3339)).toBe('347 B');
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023.6)).toBe('1.0 KB');
  });

  it('shows one decimal below 10 of a unit and none above', () => {
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(200 * 1024 * 1024)).toBe('200 MB');
  });
});
