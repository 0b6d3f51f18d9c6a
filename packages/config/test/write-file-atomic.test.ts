import {
  lstat,
  mkdir,
  readdir,
  readFile,
  readlink,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../src/index.ts';
import { tempDir } from './temp-dir.ts';

describe('writeFileAtomic', () => {
  it('writes the data with mode 0600 by default, replacing a more open file', async () => {
    const dir = await tempDir();
    const path = join(dir, 'secret.json');
    await writeFile(path, 'old', { mode: 0o644 });
    await writeFileAtomic(path, '{"new":true}\n');
    expect(await readFile(path, 'utf8')).toBe('{"new":true}\n');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['secret.json']);
  });

  it('applies the requested mode whatever the umask, and writes bytes', async () => {
    const dir = await tempDir();
    const path = join(dir, 'known_hosts');
    const previous = process.umask(0o077);
    try {
      await writeFileAtomic(path, new TextEncoder().encode('line\n'), { mode: 0o644 });
    } finally {
      process.umask(previous);
    }
    expect((await stat(path)).mode & 0o777).toBe(0o644);
    expect(await readFile(path, 'utf8')).toBe('line\n');
  });

  it('with durable: false still replaces the whole file atomically, with its mode', async () => {
    const dir = await tempDir();
    const path = join(dir, 'ps-snapshot.json');
    await writeFile(path, 'old listing', { mode: 0o644 });
    await writeFileAtomic(path, '{"ids":["a"]}\n', { durable: false });
    expect(await readFile(path, 'utf8')).toBe('{"ids":["a"]}\n');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['ps-snapshot.json']);
  });

  it('creates missing parent directories with mode 0700', async () => {
    const dir = await tempDir();
    const path = join(dir, 'a', 'b', 'file');
    await writeFileAtomic(path, 'x');
    expect((await stat(join(dir, 'a'))).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, 'a', 'b'))).mode & 0o777).toBe(0o700);
    expect(await readFile(path, 'utf8')).toBe('x');
  });

  it('replaces the file a symlink points to, keeping the link', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'dotfiles'));
    const real = join(dir, 'dotfiles', 'config.ini');
    await writeFile(real, 'old');
    const link = join(dir, 'config.ini');
    await symlink(real, link);
    await writeFileAtomic(link, 'new');
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readlink(link)).toBe(real);
    expect(await readFile(real, 'utf8')).toBe('new');
  });

  it('removes its temporary file and leaves the target alone when the rename fails', async () => {
    const dir = await tempDir();
    const target = join(dir, 'occupied');
    await mkdir(join(target, 'child'), { recursive: true });
    await expect(writeFileAtomic(target, 'data')).rejects.toMatchObject({
      code: expect.any(String),
    });
    expect(await readdir(dir)).toEqual(['occupied']);
    expect(await readdir(target)).toEqual(['child']);
  });

  it('never lets a reader see a partial file while writers replace it', async () => {
    const dir = await tempDir();
    const path = join(dir, 'big.txt');
    const versions = ['a', 'b', 'c'].map((letter) => letter.repeat(1 << 18));
    await writeFileAtomic(path, versions[0] ?? '');

    let writing = true;
    const writer = (async () => {
      for (let round = 0; round < 15; round += 1) {
        await writeFileAtomic(path, versions[round % versions.length] ?? '');
      }
      writing = false;
    })();
    const seen = new Set<string>();
    while (writing) {
      const text = await readFile(path, 'utf8');
      // A non-atomic write (truncate, then write) is caught here within a few rounds.
      expect(text.length).toBe(1 << 18);
      expect(versions.includes(text)).toBe(true);
      seen.add(text.charAt(0));
    }
    await writer;
    expect(seen.size).toBeGreaterThan(0);
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});
