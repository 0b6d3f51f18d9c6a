import { describe, expect, it } from 'vitest';
import { LogAligner } from './logs.ts';

function feed(history: string[], stream: string[], end = true) {
  const aligner = new LogAligner(history);
  const out = stream.flatMap((line) => aligner.push(line));
  if (end) out.push(...aligner.flush());
  return { out, skipped: aligner.skipped, gap: aligner.gap };
}

describe('LogAligner', () => {
  it('passes everything through when nothing was yielded yet', () => {
    expect(feed([], ['a', 'b']).out).toEqual(['a', 'b']);
  });

  it('skips the repeat of what was yielded and yields what is new', () => {
    expect(feed(['a', 'b', 'c'], ['b', 'c', 'd', 'e'])).toEqual({
      out: ['d', 'e'],
      skipped: 2,
      gap: false,
    });
    expect(feed(['a', 'b', 'c'], ['a', 'b', 'c', 'd']).out).toEqual(['d']);
  });

  it('prefers the longest repeat when lines repeat', () => {
    // History ends x y x y: the stream x y x y z repeats all four, not just the last two.
    expect(feed(['x', 'y', 'x', 'y'], ['x', 'y', 'x', 'y', 'z']).out).toEqual(['z']);
  });

  it('yields as soon as no longer repeat is possible (live lines are not held)', () => {
    const aligner = new LogAligner(['a', 'b', 'c']);
    expect(aligner.push('c')).toEqual([]);
    // 'c' alone could only repeat the last line; 'd' decides it.
    expect(aligner.push('d')).toEqual(['d']);
    expect(aligner.push('e')).toEqual(['e']);
  });

  it('reports a gap when nothing of the history came back', () => {
    expect(feed(['a', 'b'], ['p', 'q'])).toEqual({ out: ['p', 'q'], skipped: 0, gap: true });
  });

  it('yields nothing when the stream ended inside the repeat', () => {
    expect(feed(['a', 'b', 'c'], ['a', 'b']).out).toEqual([]);
  });
});
