import { describe, expect, it } from 'vitest';
import { createPalette, shouldUseColor, stripAnsi } from './color.ts';

describe('shouldUseColor', () => {
  const decide = (flag: boolean | undefined, env: Record<string, string>, isTTY: boolean) =>
    shouldUseColor({ flag, env, isTTY });

  it('lets the flag win over everything', () => {
    expect(decide(false, { FORCE_COLOR: '1' }, true)).toBe(false);
    expect(decide(true, { NO_COLOR: '1' }, false)).toBe(true);
  });

  it('turns colour off for a non-empty NO_COLOR, before FORCE_COLOR', () => {
    expect(decide(undefined, { NO_COLOR: '1', FORCE_COLOR: '1' }, true)).toBe(false);
    expect(decide(undefined, { NO_COLOR: '' }, true)).toBe(true);
  });

  it('reads FORCE_COLOR: 0/false off, anything else on', () => {
    expect(decide(undefined, { FORCE_COLOR: '0' }, true)).toBe(false);
    expect(decide(undefined, { FORCE_COLOR: 'false' }, true)).toBe(false);
    expect(decide(undefined, { FORCE_COLOR: '3' }, false)).toBe(true);
  });

  it('turns colour off for TERM=dumb, else follows the stream', () => {
    expect(decide(undefined, { TERM: 'dumb' }, true)).toBe(false);
    expect(decide(undefined, {}, true)).toBe(true);
    expect(decide(undefined, {}, false)).toBe(false);
  });
});

describe('createPalette', () => {
  it('paints only when enabled, independently of other palettes', () => {
    const on = createPalette(true);
    const off = createPalette(false);
    expect(on.red('x')).not.toBe('x');
    expect(stripAnsi(on.red('x'))).toBe('x');
    expect(off.red('x')).toBe('x');
    expect(off.cycle(3)('x')).toBe('x');
  });
});
