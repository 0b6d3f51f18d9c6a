import { mkdir, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startSshd } from '@lium/test-support/sshd';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SshHostKeyMismatchError, type SyncOptions, type TransferProgress } from '../src/index.ts';
import { type SshdFixture, sshdFixture, sshdSkip } from './helpers.ts';

async function tree(root: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of (await readdir(root, { withFileTypes: true })).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(`${rel}/`, ...(await tree(join(root, entry.name), rel)));
    else out.push(rel);
  }
  return out;
}

async function write(root: string, files: Record<string, string>) {
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(join(root, rel, '..'), { recursive: true });
    await writeFile(join(root, rel), content);
  }
}

// rsync over OpenSSH's ssh (the default transport), rsync through the pooled connection, SFTP.
describe.skipIf(sshdSkip !== undefined).each(['rsync', 'rsync-pool', 'sftp'] as const)(
  'sync (%s) against OpenSSH sshd',
  (mode) => {
    const method = mode === 'sftp' ? 'sftp' : 'rsync';
    const transport = mode === 'rsync-pool' ? 'pool' : 'auto';
    let f: SshdFixture;
    let local: string;
    let remote: string;
    beforeAll(async () => {
      f = await sshdFixture();
    });
    afterAll(() => f?.close());
    beforeEach(async () => {
      local = join(f.tmp, `local-${mode}`);
      remote = join(f.tmp, `remote-${mode}`);
      await rm(local, { recursive: true, force: true });
      await rm(remote, { recursive: true, force: true });
    });
    const run = (options: Omit<SyncOptions, 'method' | 'transport'>) =>
      f.pool.sync(f.target, { ...options, method, transport });

    it('syncs a tree up with delete and exclude, and reports what it did', async () => {
      await write(local, {
        'a.txt': 'a',
        'sub/b.txt': 'bb',
        'sub/skip.log': 'log',
        'node_modules/x/y.js': 'y',
      });
      await write(remote, {
        'stale.txt': 'old',
        'old/dir/file': 'z',
        'keep.log': 'excluded stays',
      });
      const progress: TransferProgress[] = [];
      const result = await run({
        source: local,
        dest: remote,
        direction: 'up',
        delete: true,
        exclude: ['*.log', 'node_modules/'],
        compress: true,
        onProgress: (p) => progress.push(p),
      });
      expect(result.method).toBe(method);
      expect(result.transferred.sort()).toEqual(['a.txt', 'sub/b.txt']);
      expect(result.deleted.sort()).toEqual(['old', 'old/dir', 'old/dir/file', 'stale.txt']);
      expect(result.bytes).toBeGreaterThan(0);
      expect(progress.length).toBeGreaterThan(0);
      expect(progress.at(-1)?.bytes).toBeGreaterThan(0);
      expect(await tree(remote)).toEqual(['a.txt', 'keep.log', 'sub/', 'sub/b.txt']);
      expect(await readFile(join(remote, 'sub/b.txt'), 'utf8')).toBe('bb');

      // Nothing changed: nothing to transfer the second time.
      const again = await run({
        source: local,
        dest: remote,
        direction: 'up',
        delete: true,
        exclude: ['*.log', 'node_modules/'],
      });
      expect(again.transferred).toEqual([]);
      expect(again.deleted).toEqual([]);
    });

    it('syncs down, copies changed files only, and keeps mtimes', async () => {
      await write(remote, { 'one.txt': '1', 'dir/two.txt': '2' });
      await utimes(join(remote, 'one.txt'), 1_500_000_000, 1_500_000_000);
      const first = await run({ source: remote, dest: local, direction: 'down' });
      expect(first.transferred.sort()).toEqual(['dir/two.txt', 'one.txt']);
      expect(Math.floor((await stat(join(local, 'one.txt'))).mtimeMs / 1000)).toBe(1_500_000_000);
      await writeFile(join(remote, 'dir/two.txt'), '22');
      await write(local, { 'extra.txt': 'x' });
      const second = await run({ source: remote, dest: local, direction: 'down', delete: true });
      expect(second.transferred).toEqual(['dir/two.txt']);
      expect(second.deleted).toEqual(['extra.txt']);
      expect(await tree(local)).toEqual(['dir/', 'dir/two.txt', 'one.txt']);
    });

    it('changes nothing in a dry run', async () => {
      await write(local, { 'new.txt': 'n' });
      await write(remote, { 'gone.txt': 'g' });
      const result = await run({
        source: local,
        dest: remote,
        direction: 'up',
        delete: true,
        dryRun: true,
      });
      expect(result.transferred).toEqual(['new.txt']);
      expect(result.deleted).toEqual(['gone.txt']);
      expect(await tree(remote)).toEqual(['gone.txt']);
    });

    it('syncs a single file, into a directory or to a new name', async () => {
      await write(local, { 'one.bin': 'payload' });
      await mkdir(remote, { recursive: true });
      const into = await run({ source: join(local, 'one.bin'), dest: remote, direction: 'up' });
      expect(into.transferred).toEqual(['one.bin']);
      expect(await readFile(join(remote, 'one.bin'), 'utf8')).toBe('payload');
      const renamed = join(f.tmp, `renamed-${mode}`, 'copy.bin');
      await run({ source: join(remote, 'one.bin'), dest: renamed, direction: 'down' });
      expect(await readFile(renamed, 'utf8')).toBe('payload');
      await expect(
        run({ source: join(remote, 'missing'), dest: local, direction: 'down' }),
      ).rejects.toMatchObject({ code: 'transfer_failed' });
    });

    it('with checksum, finds a change that keeps size and mtime', async () => {
      await write(local, { 'f.txt': 'aaaa' });
      await write(remote, { 'f.txt': 'bbbb' });
      await utimes(join(local, 'f.txt'), 1_600_000_000, 1_600_000_000);
      await utimes(join(remote, 'f.txt'), 1_600_000_000, 1_600_000_000);
      const quick = await run({ source: local, dest: remote, direction: 'up', dryRun: true });
      expect(quick.transferred).toEqual([]);
      const thorough = await run({ source: local, dest: remote, direction: 'up', checksum: true });
      expect(thorough.transferred).toEqual(['f.txt']);
      expect(await readFile(join(remote, 'f.txt'), 'utf8')).toBe('aaaa');
    });
  },
);

describe.skipIf(sshdSkip !== undefined)('sync method selection', () => {
  let f: SshdFixture;
  beforeAll(async () => {
    f = await sshdFixture();
  });
  afterAll(() => f?.close());

  it('uses rsync when both ends have it, and home-relative remote paths work', async () => {
    const local = join(f.tmp, 'sel');
    await write(local, { 'x.txt': 'x' });
    const name = `lium-sync-${Date.now()}`;
    const result = await f.pool.sync(f.target, {
      source: local,
      dest: `~/${name}`,
      direction: 'up',
    });
    expect(result.method).toBe('rsync');
    expect((await f.pool.exec(f.target, `cat ~/${name}/x.txt && rm -r ~/${name}`)).stdout).toBe(
      'x',
    );
  });

  it('an aborted rsync leaves no finished file and releases the connection', async () => {
    const local = join(f.tmp, 'abort-src');
    await mkdir(local, { recursive: true });
    const { open } = await import('node:fs/promises');
    const { randomBytes } = await import('node:crypto');
    const file = await open(join(local, 'big.bin'), 'w');
    for (let i = 0; i < 64; i++) await file.write(randomBytes(1024 * 1024));
    await file.close();
    const dest = join(f.tmp, 'abort-dest');
    const controller = new AbortController();
    const running = f.pool.sync(f.target, {
      source: local,
      dest,
      direction: 'up',
      method: 'rsync',
      signal: controller.signal,
      onProgress: (p) => {
        if (p.bytes > 0) controller.abort();
      },
    });
    await expect(running).rejects.toMatchObject({ code: 'aborted' });
    // rsync reports progress in coarse steps, so on a fast loopback the abort can land after the
    // receiver already renamed the finished file into place. What must never happen is a
    // partial file under the final name: anything visible is the whole, correct file.
    const { createHash } = await import('node:crypto');
    const { readFile } = await import('node:fs/promises');
    const digest = async (path: string) =>
      createHash('sha256')
        .update(await readFile(path))
        .digest('hex');
    const expected = await digest(join(local, 'big.bin'));
    await expect
      .poll(
        async () => {
          const visible = (await readdir(dest).catch(() => [])).filter((n) => !n.startsWith('.'));
          const partial: string[] = [];
          for (const name of visible) {
            if ((await digest(join(dest, name))) !== expected) partial.push(name);
          }
          return partial;
        },
        { timeout: 10_000 },
      )
      .toEqual([]);
    const connection = await f.pool.connection(f.target);
    await expect.poll(() => connection.limiter.active, { timeout: 10_000 }).toBe(0);
  });

  const logins = async () => ((await f.sshd.log()).match(/Accepted publickey/g) ?? []).length;

  it('rsync runs OpenSSH ssh with the pool key and pin: one login of its own', async () => {
    const pool = f.newPool();
    await pool.exec(f.target, 'true'); // pins the host key
    const before = await logins();
    const local = join(f.tmp, 'via-ssh');
    await write(local, { 'y.txt': 'y' });
    const result = await pool.sync(f.target, {
      source: local,
      dest: join(f.tmp, 'via-ssh-remote'),
      direction: 'up',
      method: 'rsync',
    });
    expect(result).toMatchObject({ method: 'rsync', transferred: ['y.txt'] });
    expect(await readFile(join(f.tmp, 'via-ssh-remote', 'y.txt'), 'utf8')).toBe('y');
    // One more login: OpenSSH's own, beside the pool's open connection.
    expect(await logins()).toBe(before + 1);
  });

  it('transport "pool" runs rsync through the pooled connection: no extra SSH login', async () => {
    await f.pool.exec(f.target, 'true');
    const before = await logins();
    const local = join(f.tmp, 'one-login');
    await write(local, { 'y.txt': 'y' });
    await f.pool.sync(f.target, {
      source: local,
      dest: join(f.tmp, 'one-login-remote'),
      direction: 'up',
      method: 'rsync',
      transport: 'pool',
    });
    expect(await logins()).toBe(before);
  });

  it('when ssh refuses the pin (the pod moved), the pooled connection syncs and re-pins', async () => {
    const pool = f.newPool();
    const target = { ...f.target, hostKeyId: 'pod-moved' };
    await pool.exec(target, 'true');
    const pinFile = pool.knownHostsPath('pod-moved');
    // The pin as it would read had the pod been reached at another port before.
    const pinned = await readFile(pinFile, 'utf8');
    await writeFile(
      pinFile,
      pinned.replace(`[${f.sshd.host}]:${f.sshd.port}`, `[${f.sshd.host}]:1`),
    );
    await pool.closeAll();
    const local = join(f.tmp, 'moved');
    await write(local, { 'z.txt': 'z' });
    const result = await pool.sync(target, {
      source: local,
      dest: join(f.tmp, 'moved-remote'),
      direction: 'up',
    });
    expect(result).toMatchObject({ method: 'rsync', transferred: ['z.txt'] });
    expect(await readFile(join(f.tmp, 'moved-remote', 'z.txt'), 'utf8')).toBe('z');
    // The pooled connection matched the key and added the current address, for ssh next time.
    expect(await readFile(pinFile, 'utf8')).toContain(`[${f.sshd.host}]:${f.sshd.port}`);
  });

  it('a changed host key stops the sync with the typed mismatch error', async () => {
    const other = await startSshd();
    try {
      const pool = f.newPool();
      await pool.exec(f.target, 'true'); // pins pod-1's key
      const moved = { host: other.host, port: other.port, user: other.user, hostKeyId: 'pod-1' };
      const local = join(f.tmp, 'mismatch');
      await write(local, { 'm.txt': 'm' });
      const error = await pool
        .sync(moved, { source: local, dest: join(f.tmp, 'mismatch-remote'), direction: 'up' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SshHostKeyMismatchError);
      expect(await stat(join(f.tmp, 'mismatch-remote')).catch(() => undefined)).toBeUndefined();
    } finally {
      await other.stop();
    }
  });
});
