import { describe, expect, it } from 'vitest';
import { excludeMatcher } from './exclude.ts';

describe('excludeMatcher (rsync --exclude rules)', () => {
  it('matches a plain name at any depth', () => {
    const m = excludeMatcher(['*.log']);
    expect(m('a.log', false)).toBe(true);
    expect(m('x/y/b.log', false)).toBe(true);
    expect(m('x/log', false)).toBe(false);
  });
  it('a trailing slash matches directories and everything below them', () => {
    const m = excludeMatcher(['node_modules/']);
    expect(m('node_modules', true)).toBe(true);
    expect(m('pkg/node_modules/x/y.js', false)).toBe(true);
    expect(m('node_modules', false)).toBe(false);
  });
  it('a leading slash anchors at the root', () => {
    const m = excludeMatcher(['/build']);
    expect(m('build', true)).toBe(true);
    expect(m('build/out.o', false)).toBe(true);
    expect(m('src/build', true)).toBe(false);
  });
  it('inner slashes and ** match the path', () => {
    const m = excludeMatcher(['cache/*.tmp', '**/secret']);
    expect(m('a/cache/x.tmp', false)).toBe(true);
    expect(m('a/cache/sub/x.tmp', false)).toBe(false);
    expect(m('deep/er/secret', false)).toBe(true);
  });
  it('supports ? and classes, and treats regex characters literally', () => {
    const m = excludeMatcher(['file?.[ch]', 'a+b(c).txt']);
    expect(m('file1.c', false)).toBe(true);
    expect(m('file12.c', false)).toBe(false);
    expect(m('a+b(c).txt', false)).toBe(true);
  });
});
