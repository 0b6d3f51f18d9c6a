import { describe, expect, it } from 'vitest';
import stringWidth from './string-width.ts';

describe('stringWidth', () => {
  it('counts printable ASCII and ignores colour codes', () => {
    expect(stringWidth('')).toBe(0);
    expect(stringWidth('lium ls [gpu]')).toBe(13);
    expect(stringWidth('\u001b[31mred\u001b[39m')).toBe(3);
    expect(stringWidth('\u001b]8;;https://lium.io\u0007link\u001b]8;;\u0007')).toBe(4);
  });

  it('counts the symbols lium prints as one column, wide characters as two', () => {
    expect(stringWidth('★ $/GPU·h ×8 ↓/↑ ✔ ✘ │')).toBe(22);
    expect(stringWidth('日本')).toBe(4);
    expect(stringWidth('🚀')).toBe(2);
    expect(stringWidth('e\u0301')).toBe(1);
    expect(stringWidth('⌚')).toBe(2);
    expect(stringWidth('⚡ x')).toBe(4);
    expect(stringWidth('a\u200bb')).toBe(2);
  });
});
