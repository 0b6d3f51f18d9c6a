import { describe, expect, it } from 'vitest';
import { parseTargetSpec, resolveTargets, type Targetable } from './targets.ts';

const pods: Targetable[] = [
  { id: 'aaaaaaaa-1111', huid: 'swift-hawk-01', name: 'train' },
  { id: 'bbbbbbbb-2222', huid: 'brave-lion-02', name: 'eval' },
  { id: 'cccccccc-3333', huid: 'calm-fox-03', name: 'eval' },
];

const base = {
  noun: 'pod',
  live: pods,
  snapshot: ['cccccccc-3333', 'aaaaaaaa-1111', 'bbbbbbbb-2222'],
  listCommand: 'lium ps',
  allowAll: true,
};

const ids = (items: Targetable[]) => items.map((p) => p.id);

describe('parseTargetSpec', () => {
  it('expands lists and ranges', () => {
    expect(parseTargetSpec('1, 3-4,all,foo').map((t) => t.kind)).toEqual([
      'index',
      'index',
      'index',
      'all',
      'text',
    ]);
  });

  it.each(['', ' , ', '0', '3-1', '1-999999'])('rejects %j', (spec) => {
    expect(() => parseTargetSpec(spec)).toThrow(
      expect.objectContaining({ code: 'target_invalid' }),
    );
  });
});

describe('resolveTargets', () => {
  it('maps indices through the snapshot, not the live order', () => {
    expect(ids(resolveTargets('1', base))).toEqual(['cccccccc-3333']);
    expect(ids(resolveTargets('1-2,3', base))).toEqual([
      'cccccccc-3333',
      'aaaaaaaa-1111',
      'bbbbbbbb-2222',
    ]);
  });

  it('selects all in snapshot order and removes duplicates', () => {
    expect(ids(resolveTargets('all,1', base))).toEqual([
      'cccccccc-3333',
      'aaaaaaaa-1111',
      'bbbbbbbb-2222',
    ]);
  });

  it('matches ids, HUIDs, unique names and id prefixes', () => {
    expect(ids(resolveTargets('BBBBBBBB-2222', base))).toEqual(['bbbbbbbb-2222']);
    expect(ids(resolveTargets('swift-hawk-01', base))).toEqual(['aaaaaaaa-1111']);
    expect(ids(resolveTargets('train', base))).toEqual(['aaaaaaaa-1111']);
    expect(ids(resolveTargets('cccccccc', base))).toEqual(['cccccccc-3333']);
  });

  it('refuses a name shared by two pods and lists both', () => {
    expect(() => resolveTargets('eval', base)).toThrow(
      expect.objectContaining({
        code: 'target_ambiguous',
        candidates: ['brave-lion-02 (eval)', 'calm-fox-03 (eval)'],
      }),
    );
  });

  it('refuses unknown targets and says what exists', () => {
    expect(() => resolveTargets('nope', base)).toThrow(
      expect.objectContaining({
        code: 'target_not_found',
        candidates: expect.arrayContaining(['swift-hawk-01 (train)']),
      }),
    );
  });

  it('refuses indices without a snapshot', () => {
    expect(() =>
      resolveTargets('1', { ...base, snapshot: undefined, snapshotProblem: 'it expired' }),
    ).toThrow(
      expect.objectContaining({
        code: 'no_snapshot',
        message: expect.stringContaining('it expired'),
      }),
    );
  });

  it('refuses an index past the end and one whose item is gone (stale snapshot)', () => {
    expect(() => resolveTargets('4', base)).toThrow(
      expect.objectContaining({ code: 'target_not_found' }),
    );
    const stale = { ...base, snapshot: ['gone-0000', ...base.snapshot] };
    expect(() => resolveTargets('1', stale)).toThrow(/no longer exists/);
    expect(ids(resolveTargets('2', stale))).toEqual(['cccccccc-3333']);
  });

  it('an index into an empty list does not suggest the range "1 to 0"', () => {
    const empty = { ...base, snapshot: [] };
    expect(() => resolveTargets('1', empty)).toThrow(
      expect.objectContaining({
        code: 'target_not_found',
        hint: expect.stringMatching(/run `lium ps` again/),
      }),
    );
  });

  it('refuses all where it is not allowed, and all with nothing there', () => {
    expect(() => resolveTargets('all', { ...base, allowAll: false })).toThrow(/not accepted/);
    expect(() => resolveTargets('all', { ...base, live: [] })).toThrow(/no pods/);
  });
});
