import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, mkdir, open, readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshAbortError, type TransferProgress } from '../src/index.ts';
import { STALE_PART_SECONDS } from '../src/stale-parts.ts';
import { type SshdFixture, sshdFixture, sshdSkip } from './helpers.ts';

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** A file of random content written in 1 MiB steps (no big buffer). */
async function makeFile(path: string, megabytes: number): Promise<void> {
  const file = await open(path, 'w');
  for (let i = 0; i < megabytes; i++) await file.write(randomBytes(1024 * 1024));
  await file.close();
}

describe.skipIf(sshdSkip !== undefined)('SFTP transfer against OpenSSH sshd', () => {
  let f: SshdFixture;
  let remoteRoot: string;
  beforeAll(async () => {
    f = await sshdFixture();
    // The server runs on this machine: a remote path is also a local one we can inspect.
    remoteRoot = join(f.tmp, 'remote');
    await mkdir(remoteRoot);
  });
  afterAll(() => f?.close());

  it('uploads and downloads a 200 MB file intact, with progress', async () => {
    const local = join(f.tmp, 'big.bin');
    await makeFile(local, 200);
    const expected = await sha256(local);
    const events: TransferProgress[] = [];
    const up = await f.pool.upload(f.target, local, join(remoteRoot, 'big.bin'), {
      onProgress: (p) => events.push(p),
    });
    expect(up.bytes).toBe(200 * 1024 * 1024);
    const remoteSum = await f.pool.exec(f.target, `sha256sum ${join(remoteRoot, 'big.bin')}`);
    expect(remoteSum.stdout.split(' ')[0]).toBe(expected);
    expect(events.at(-1)).toMatchObject({ bytes: 200 * 1024 * 1024, total: 200 * 1024 * 1024 });
    expect(events.at(-1)?.rate).toBeGreaterThan(0);

    const back = join(f.tmp, 'big.back');
    const down = await f.pool.download(f.target, join(remoteRoot, 'big.bin'), back);
    expect(down.bytes).toBe(200 * 1024 * 1024);
    expect(await sha256(back)).toBe(expected);
  }, 240_000);

  it('keeps permissions and mtimes both ways', async () => {
    const local = join(f.tmp, 'script.sh');
    await writeFile(local, '#!/bin/sh\necho hi\n');
    await chmod(local, 0o751);
    await utimes(local, 1_600_000_000, 1_600_000_000);
    const remote = join(remoteRoot, 'script.sh');
    await f.pool.upload(f.target, local, remote);
    const remoteStats = await stat(remote);
    expect(remoteStats.mode & 0o777).toBe(0o751);
    expect(Math.floor(remoteStats.mtimeMs / 1000)).toBe(1_600_000_000);
    const back = join(f.tmp, 'script.back');
    await f.pool.download(f.target, remote, back);
    const backStats = await stat(back);
    expect(backStats.mode & 0o777).toBe(0o751);
    expect(Math.floor(backStats.mtimeMs / 1000)).toBe(1_600_000_000);
  });

  it('resolves ~ and relative remote paths against the remote home', async () => {
    const local = join(f.tmp, 'home.txt');
    await writeFile(local, 'home');
    const name = `lium-home-test-${Date.now()}.txt`;
    await f.pool.upload(f.target, local, `~/${name}`);
    const check = await f.pool.exec(f.target, `cat ~/${name}; rm ~/${name}`);
    expect(check.stdout).toBe('home');
    await f.pool.upload(f.target, local, name);
    const again = await f.pool.exec(f.target, `cat "$HOME/${name}"; rm "$HOME/${name}"`);
    expect(again.stdout).toBe('home');
  });

  it('copies into an existing directory and whole trees (scp -r semantics)', async () => {
    const tree = join(f.tmp, 'tree');
    await mkdir(join(tree, 'sub', 'deep'), { recursive: true });
    await writeFile(join(tree, 'a.txt'), 'a');
    await writeFile(join(tree, 'sub', 'b.txt'), 'b');
    await writeFile(join(tree, 'sub', 'deep', 'c.txt'), 'c');
    const result = await f.pool.upload(f.target, tree, `${remoteRoot}/`);
    expect(result.files).toHaveLength(3);
    expect(await readFile(join(remoteRoot, 'tree', 'sub', 'deep', 'c.txt'), 'utf8')).toBe('c');
    const back = join(f.tmp, 'tree-back');
    await f.pool.download(f.target, join(remoteRoot, 'tree'), back);
    expect(await readFile(join(back, 'sub', 'b.txt'), 'utf8')).toBe('b');
    expect((await readdir(back)).sort()).toEqual(['a.txt', 'sub']);
  });

  it('an interrupted upload or download leaves no final file and no temp file', async () => {
    const local = join(f.tmp, 'mid.bin');
    await makeFile(local, 20);
    const dir = join(remoteRoot, 'interrupted');
    await mkdir(dir);
    const controller = new AbortController();
    const up = f.pool.upload(f.target, local, join(dir, 'mid.bin'), {
      signal: controller.signal,
      onProgress: (p) => {
        // The first report comes with the first chunk; later ones at most every 100 ms, which a
        // fast loopback transfer can outrun entirely.
        if (p.bytes > 0) controller.abort();
      },
    });
    await expect(up).rejects.toBeInstanceOf(SshAbortError);
    expect(await readdir(dir)).toEqual([]);

    await f.pool.upload(f.target, local, join(dir, 'mid.bin'));
    const localDir = join(f.tmp, 'interrupted-down');
    await mkdir(localDir);
    const controller2 = new AbortController();
    const down = f.pool.download(f.target, join(dir, 'mid.bin'), join(localDir, 'mid.bin'), {
      signal: controller2.signal,
      onProgress: (p) => {
        if (p.bytes > 0) controller2.abort();
      },
    });
    await expect(down).rejects.toBeInstanceOf(SshAbortError);
    expect(await readdir(localDir)).toEqual([]);
  });

  it('a dropped connection mid-transfer fails cleanly and leaves nothing that looks finished', async () => {
    const local = join(f.tmp, 'drop.bin');
    await makeFile(local, 30);
    const dir = join(remoteRoot, 'dropped');
    await mkdir(dir);
    const pool = f.newPool();
    const connection = await pool.connection(f.target);
    const up = pool.upload(f.target, local, join(dir, 'drop.bin'), {
      onProgress: (p) => {
        if (p.bytes > 2 * 1024 * 1024) connection.client.destroy();
      },
    });
    await expect(up).rejects.toMatchObject({
      code: expect.stringMatching(/transfer_failed|ssh_disconnected/),
    });
    const left = await readdir(dir);
    expect(left.filter((name) => name === 'drop.bin')).toEqual([]);
    expect(left.every((name) => name.endsWith('.part'))).toBe(true);
    await pool.closeAll();
  });

  it('the next upload of the same target removes the parts a dropped one left, not live ones', async () => {
    const local = join(f.tmp, 'litter.bin');
    await makeFile(local, 30);
    const dir = join(remoteRoot, 'litter');
    await mkdir(dir);
    const dest = join(dir, 'litter.bin');
    const pool = f.newPool();
    const connection = await pool.connection(f.target);
    const dropped = pool.upload(f.target, local, dest, {
      onProgress: (p) => {
        if (p.bytes > 2 * 1024 * 1024) connection.client.destroy();
      },
    });
    await expect(dropped).rejects.toMatchObject({
      code: expect.stringMatching(/transfer_failed|ssh_disconnected/),
    });
    await pool.closeAll();
    const litter = (await readdir(dir)).filter((name) => name.endsWith('.part'));
    expect(litter).toHaveLength(1);
    expect((await stat(join(dir, litter[0] as string))).size).toBeGreaterThan(2 * 1024 * 1024);
    // Untouched for longer than a live upload ever pauses between writes.
    await new Promise((resolve) => setTimeout(resolve, (STALE_PART_SECONDS + 1.5) * 1000));
    // A part being written right now (another upload of the same file) must survive.
    const live = join(dir, '.litter.bin.lium-0badc0de.part');
    await writeFile(live, 'in progress');
    // So must the parts of other files beside it.
    const otherPart = join(dir, '.other.bin.lium-12345678.part');
    await writeFile(otherPart, 'x');
    await utimes(otherPart, 1_600_000_000, 1_600_000_000);

    await f.pool.upload(f.target, local, dest);
    expect((await readdir(dir)).sort()).toEqual(
      ['.litter.bin.lium-0badc0de.part', '.other.bin.lium-12345678.part', 'litter.bin'].sort(),
    );
    expect(await sha256(dest)).toBe(await sha256(local));
  }, 60_000);
});
