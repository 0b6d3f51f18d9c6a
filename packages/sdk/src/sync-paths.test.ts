import { describe, expect, it } from 'vitest';
import { folderNameToKeep, pullDirFor, remotePathWord } from './sync-paths.ts';

describe('folderNameToKeep (rsync’s trailing-slash rule)', () => {
  it('keeps the folder name of a directory written without a trailing slash', () => {
    expect(folderNameToKeep('./proj', true)).toBe('proj');
    expect(folderNameToKeep('/home/me/proj', true)).toBe('proj');
  });

  it('copies contents for a trailing slash, a file, or a path with no folder name', () => {
    expect(folderNameToKeep('./proj/', true)).toBeUndefined();
    expect(folderNameToKeep('./a.txt', false)).toBeUndefined();
    for (const path of ['.', '..', '~', '/']) expect(folderNameToKeep(path, true)).toBeUndefined();
  });
});

describe('remotePathWord', () => {
  it('quotes for the shell and keeps ~/ meaning home', () => {
    expect(remotePathWord("/x/it's")).toBe(`'/x/it'\\''s'`);
    expect(remotePathWord('~/logs')).toBe(`"$HOME"/logs`);
    expect(remotePathWord('~/my logs')).toBe(`"$HOME"/'my logs'`);
    expect(remotePathWord('~')).toBe('"$HOME"');
  });
});

describe('pullDirFor', () => {
  it('gives every pod its own directory under the local one', () => {
    expect(pullDirFor('/tmp/out', { huid: 'brave-hawk-1a' })).toBe('/tmp/out/brave-hawk-1a');
  });
});
