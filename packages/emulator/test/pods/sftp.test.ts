import { createHash, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Client, SFTPWrapper } from 'ssh2';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type PodFixture, podFixture, run } from './helpers.ts';

const { STATUS_CODE } = ssh2.utils.sftp;

function openSftp(client: Client): Promise<SFTPWrapper> {
  return new Promise((resolve, reject) =>
    client.sftp((err, sftp) => (err ? reject(err) : resolve(sftp))),
  );
}

/** Promisified SFTP call: resolves the callback's value, rejects with the status error. */
function call<T = unknown>(fn: (cb: (err?: Error | null, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) =>
    fn((err, value) => (err ? reject(err) : resolve(value as T))),
  );
}

const codeOf = (err: unknown) => (err as { code?: number }).code;

describe('pod sftp', () => {
  let f: PodFixture;
  let client: Client;
  let sftp: SFTPWrapper;
  beforeAll(async () => {
    f = await podFixture();
    client = await connect(f.pod.port, { privateKey: f.key.privateKey });
    sftp = await openSftp(client);
  });
  afterAll(async () => {
    client?.end();
    await f?.cleanup();
  });

  it('uploads to /root/x what `cat /root/x` prints over exec, and relative paths start at /root', async () => {
    await call((cb) => sftp.writeFile('/root/x', 'from sftp\n', cb));
    await call((cb) => sftp.writeFile('rel.txt', 'relative\n', cb));
    const cat = f.pod.isolation !== 'none' ? 'cat /root/x /root/rel.txt' : 'cat x rel.txt';
    expect((await run(client, cat)).stdout.toString()).toBe('from sftp\nrelative\n');
    await run(client, 'echo from-exec > /workspace/y; mkdir -p /tmp/d && echo t > /tmp/d/z');
    if (f.pod.isolation !== 'none') {
      expect(String(await call<Buffer>((cb) => sftp.readFile('/workspace/y', cb)))).toBe(
        'from-exec\n',
      );
      expect(String(await call<Buffer>((cb) => sftp.readFile('/tmp/d/z', cb)))).toBe('t\n');
    }
    expect(await call<string>((cb) => sftp.realpath('.', cb))).toBe('/root');
    expect(await call<string>((cb) => sftp.realpath('a/../b', cb))).toBe('/root/b');
  });

  it('moves a large file both ways intact, streaming', async () => {
    const local = join(f.dir, 'big.bin');
    const data = randomBytes(12 * 1024 * 1024);
    await writeFile(local, data);
    await call((cb) => sftp.fastPut(local, '/workspace/big.bin', { concurrency: 16 }, cb));
    const remoteSum = await run(
      client,
      f.pod.isolation !== 'none' ? 'sha256sum /workspace/big.bin' : 'true',
    );
    const sum = createHash('sha256').update(data).digest('hex');
    if (f.pod.isolation !== 'none') expect(remoteSum.stdout.toString().split(' ')[0]).toBe(sum);
    const back = join(f.dir, 'back.bin');
    await call((cb) => sftp.fastGet('/workspace/big.bin', back, { concurrency: 16 }, cb));
    expect(
      createHash('sha256')
        .update(await readFile(back))
        .digest('hex'),
    ).toBe(sum);
  });

  it('answers 64 outstanding READs (as OpenSSH sftp sends them) in order, a short tail, then EOF', async () => {
    const chunk = 32 * 1024;
    const data = randomBytes(64 * chunk - 100);
    await writeFile(join(f.dir, 'reads.bin'), data);
    await call((cb) => sftp.fastPut(join(f.dir, 'reads.bin'), '/root/reads.bin', cb));
    const handle = await call<Buffer>((cb) => sftp.open('/root/reads.bin', 'r', cb));
    const answered: number[] = [];
    const reads = Array.from({ length: 64 }, (_, i) => {
      const buf = Buffer.alloc(chunk);
      return new Promise<Buffer>((resolve, reject) =>
        sftp.read(handle, buf, 0, chunk, i * chunk, (err, bytesRead) => {
          answered.push(i);
          if (err) reject(err);
          else resolve(buf.subarray(0, bytesRead));
        }),
      );
    });
    const got = await Promise.all(reads);
    expect(answered).toEqual(Array.from({ length: 64 }, (_, i) => i));
    expect(got.at(-1)?.length).toBe(chunk - 100);
    expect(Buffer.concat(got).equals(data)).toBe(true);
    // ssh2's client reports the EOF status of a READ as 0 bytes read, without an error.
    const atEof = await call<number>((cb) =>
      sftp.read(handle, Buffer.alloc(chunk), 0, chunk, data.length, cb),
    );
    expect(atEof).toBe(0);
    await call((cb) => sftp.close(handle, cb));
  });

  it('supports stat, setstat (chmod, utimes), readdir, rename, symlinks, mkdir and removal', async () => {
    await call((cb) => sftp.mkdir('/root/dir', cb));
    await call((cb) => sftp.writeFile('/root/dir/a', 'A', cb));
    await call((cb) => sftp.chmod('/root/dir/a', 0o600, cb));
    await call((cb) => sftp.utimes('/root/dir/a', 1_000_000, 1_500_000, cb));
    const stats = await call<import('ssh2').Stats>((cb) => sftp.stat('/root/dir/a', cb));
    expect(stats.mode & 0o777).toBe(0o600);
    expect(stats.mtime).toBe(1_500_000);
    expect(stats.size).toBe(1);

    await call((cb) => sftp.symlink('/root/dir/a', '/root/dir/link', cb));
    expect(await call<string>((cb) => sftp.readlink('/root/dir/link', cb))).toBe('/root/dir/a');
    expect(
      (await call<import('ssh2').Stats>((cb) => sftp.lstat('/root/dir/link', cb))).isSymbolicLink(),
    ).toBe(true);
    expect(String(await call<Buffer>((cb) => sftp.readFile('/root/dir/link', cb)))).toBe('A');

    await call((cb) => sftp.writeFile('/root/dir/b', 'B', cb));
    const renameOver = await call((cb) => sftp.rename('/root/dir/b', '/root/dir/a', cb)).catch(
      codeOf,
    );
    expect(renameOver).toBe(STATUS_CODE.FAILURE);
    await call((cb) => sftp.rename('/root/dir/b', '/root/dir/c', cb));

    const names = (await call<import('ssh2').FileEntry[]>((cb) => sftp.readdir('/root/dir', cb)))
      .map((e) => e.filename)
      .sort();
    expect(names).toEqual(['a', 'c', 'link']);

    const notEmpty = await call((cb) => sftp.rmdir('/root/dir', cb)).catch(codeOf);
    expect(notEmpty).toBe(STATUS_CODE.FAILURE);
    for (const name of ['a', 'c', 'link']) await call((cb) => sftp.unlink(`/root/dir/${name}`, cb));
    await call((cb) => sftp.rmdir('/root/dir', cb));
    const gone = await call((cb) => sftp.stat('/root/dir', cb)).catch(codeOf);
    expect(gone).toBe(STATUS_CODE.NO_SUCH_FILE);
  });

  it('keeps the rest of the system read-only and answers with the right status codes', async () => {
    expect(await call((cb) => sftp.writeFile('/etc/lium-test', 'x', cb)).catch(codeOf)).toBe(
      STATUS_CODE.PERMISSION_DENIED,
    );
    expect(await call((cb) => sftp.mkdir('/usr/lium-test', cb)).catch(codeOf)).toBe(
      STATUS_CODE.PERMISSION_DENIED,
    );
    expect(await call((cb) => sftp.stat('/root/missing', cb)).catch(codeOf)).toBe(
      STATUS_CODE.NO_SUCH_FILE,
    );
    expect(await call((cb) => sftp.readFile('/proc/self/environ', cb)).catch(codeOf)).toBe(
      STATUS_CODE.PERMISSION_DENIED,
    );
    // Reading the read-only system works, as it does inside the pod.
    expect(
      String(await call<Buffer>((cb) => sftp.readFile('/etc/hostname', cb))).length,
    ).toBeGreaterThan(0);
  });

  it('follows symlinks inside the pod view, never out to the host', async () => {
    // /tmp/evil -> /root/../root/secret resolves inside the pod, not on the host's /root.
    await call((cb) => sftp.writeFile('/root/secret', 'pod secret', cb));
    await call((cb) => sftp.symlink('/root/../root/secret', '/tmp/evil', cb));
    expect(String(await call<Buffer>((cb) => sftp.readFile('/tmp/evil', cb)))).toBe('pod secret');
    // A link into the directory holding every pod is refused.
    await call((cb) => sftp.symlink(f.podsDir, '/tmp/pods', cb));
    expect([STATUS_CODE.NO_SUCH_FILE, STATUS_CODE.PERMISSION_DENIED]).toContain(
      await call((cb) => sftp.readdir('/tmp/pods', cb)).catch(codeOf),
    );
  });
});

describe('sftp handles', () => {
  it('are closed when the client goes away without closing them', async () => {
    const { readdir, readlink } = await import('node:fs/promises');
    const f = await podFixture();
    const openInPod = async () => {
      let count = 0;
      for (const fd of await readdir('/proc/self/fd')) {
        const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
        if (target.startsWith(f.podsDir)) count += 1;
      }
      return count;
    };
    const client = await connect(f.pod.port, { privateKey: f.key.privateKey });
    const sftp = await openSftp(client);
    for (let i = 0; i < 5; i += 1) {
      await call((cb) => sftp.open(`/root/f${i}`, 'w', cb));
    }
    expect(await openInPod()).toBe(5);
    const gone = new Promise<void>((resolve) => client.on('close', () => resolve()));
    client.destroy();
    await gone;
    for (let i = 0; i < 50 && (await openInPod()) > 0; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await openInPod()).toBe(0);
    await f.cleanup();
  });
});
