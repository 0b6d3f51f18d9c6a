import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type PodServer, startEmulator, startPodServer } from '@lium/emulator';
import { generateTestKey, type TestKey } from '@lium/test-support/keys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  parseSshConnectCmd,
  SshCommandTimeoutError,
  SshHostKeyMismatchError,
  SshPool,
  type SshTarget,
} from '../src/index.ts';
import { roundTrip, startEchoServer } from './helpers.ts';

/** The same behaviours as against OpenSSH, against the emulator's ssh2-based pods. */
describe('against emulator pods', () => {
  let dir: string;
  let key: TestKey;
  let pod: PodServer;
  let other: PodServer;
  let pool: SshPool;
  let target: SshTarget;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lium-ssh-emu-'));
    key = await generateTestKey({ dir, name: 'client' });
    const startPod = (podId: string) =>
      startPodServer({ podId, dataDir: join(dir, 'pods', podId), authorizedKeys: [key.publicKey] });
    [pod, other] = await Promise.all([startPod('pod-a'), startPod('pod-b')]);
    pool = new SshPool({
      privateKeyPath: key.privateKeyPath,
      knownHostsDir: join(dir, 'known_hosts'),
    });
    target = { host: '127.0.0.1', port: pod.port, user: 'root', hostKeyId: 'pod-a' };
  });
  afterAll(async () => {
    await pool?.closeAll();
    await Promise.all([pod?.close(), other?.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  it('runs commands with exit codes, signals and hostile env values', async () => {
    expect(await pool.exec(target, 'echo out; echo err >&2; exit 4')).toEqual({
      stdout: 'out\n',
      stderr: 'err\n',
      exitCode: 4,
      signal: null,
    });
    const killed = await pool.exec(target, 'kill -TERM $$');
    expect(killed.signal).toBe('TERM');
    const env = { A: `'"$(id)\`x\`\n$HOME \\ %s`, B: '' };
    const result = await pool.exec(target, `printf '%s|%s' "$A" "$B"`, { env });
    expect(result.stdout).toBe(`${env.A}|`);
  });

  it('streams several MB on both channels', async () => {
    const size = 3 * 1024 * 1024;
    const result = await pool.exec(
      target,
      `head -c ${size} /dev/zero | tr '\\0' a; head -c ${size} /dev/zero | tr '\\0' b >&2`,
    );
    expect(result.stdout.length).toBe(size);
    expect(result.stderr.length).toBe(size);
  });

  it('stops the remote command on timeout', async () => {
    await expect(pool.exec(target, 'sleep 300', { timeoutMs: 300 })).rejects.toBeInstanceOf(
      SshCommandTimeoutError,
    );
    await expect.poll(() => pod.runningCommands, { timeout: 10_000 }).toBe(0);
  });

  it('runs 50 commands concurrently over one connection', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => pool.exec(target, `echo ${i}`)),
    );
    expect(results.map((r) => r.stdout)).toEqual(Array.from({ length: 50 }, (_, i) => `${i}\n`));
  });

  it('refuses a pod that presents another host key under the same pod id', async () => {
    const impostor = { host: '127.0.0.1', port: other.port, user: 'root', hostKeyId: 'pod-a' };
    await pool.exec(target, 'true');
    await expect(pool.exec(impostor, 'true')).rejects.toBeInstanceOf(SshHostKeyMismatchError);
  });

  it('uploads and downloads with a matching checksum; a cut connection leaves no final file', async () => {
    const local = join(dir, 'payload.bin');
    const file = await open(local, 'w');
    for (let i = 0; i < 16; i++) await file.write(randomBytes(1024 * 1024));
    await file.close();
    const expected = createHash('sha256')
      .update(await readFile(local))
      .digest('hex');
    await pool.upload(target, local, '~/payload.bin');
    const remoteSum = await pool.exec(target, 'sha256sum ~/payload.bin');
    expect(remoteSum.stdout.split(' ')[0]).toBe(expected);
    const back = join(dir, 'payload.back');
    await pool.download(target, '~/payload.bin', back);
    expect(
      createHash('sha256')
        .update(await readFile(back))
        .digest('hex'),
    ).toBe(expected);

    const cutPool = new SshPool({
      privateKeyPath: key.privateKeyPath,
      knownHostsDir: join(dir, 'known_hosts'),
    });
    await cutPool.exec(target, 'true');
    pod.setFaults({ disconnectAfterBytes: 200_000 });
    try {
      const out = join(dir, 'cut');
      await mkdir(out);
      await expect(
        cutPool.download(target, '~/payload.bin', join(out, 'payload.bin')),
      ).rejects.toMatchObject({
        code: expect.stringMatching(/transfer_failed|ssh_disconnected/),
      });
      expect(await readdir(out)).toEqual([]);
    } finally {
      pod.setFaults({});
      await cutPool.closeAll();
    }
  });

  it.each(['rsync', 'sftp'] as const)('syncs a tree up and down with %s', async (method) => {
    const src = join(dir, `sync-${method}`);
    await mkdir(join(src, 'sub'), { recursive: true });
    await writeFile(join(src, 'a.txt'), 'a');
    await writeFile(join(src, 'sub', 'b.txt'), 'b');
    await writeFile(join(src, 'skip.tmp'), 'x');
    const up = await pool.sync(target, {
      source: src,
      dest: `~/sync-${method}`,
      direction: 'up',
      exclude: ['*.tmp'],
      method,
    });
    expect(up.method).toBe(method);
    expect(up.transferred.sort()).toEqual(['a.txt', 'sub/b.txt']);
    const back = join(dir, `sync-${method}-back`);
    await writeFile(join(dir, 'unused'), '');
    const down = await pool.sync(target, {
      source: `~/sync-${method}`,
      dest: back,
      direction: 'down',
      method,
    });
    expect(down.transferred.sort()).toEqual(['a.txt', 'sub/b.txt']);
    expect(await readFile(join(back, 'sub', 'b.txt'), 'utf8')).toBe('b');
  });

  it('forwards a port', async () => {
    const echo = await startEchoServer();
    const forward = await pool.forwardPort(target, { remotePort: echo.port });
    expect(await roundTrip(forward.localPort, 'hi')).toBe('hi');
    await forward.close();
    await echo.close();
  });

  it('says when the connection under a forward closes (disconnected settles)', async () => {
    const echo = await startEchoServer();
    const lone = await startPodServer({
      podId: 'pod-lone',
      dataDir: join(dir, 'pods', 'pod-lone'),
      authorizedKeys: [key.publicKey],
    });
    const lonePool = new SshPool({
      privateKeyPath: key.privateKeyPath,
      knownHostsDir: join(dir, 'known_hosts'),
    });
    try {
      const forward = await lonePool.forwardPort(
        { host: '127.0.0.1', port: lone.port, user: 'root', hostKeyId: 'pod-lone' },
        { remotePort: echo.port },
      );
      expect(await roundTrip(forward.localPort, 'hi')).toBe('hi');
      let settled = false;
      void forward.disconnected.then(() => (settled = true));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(settled).toBe(false);
      await lone.close();
      await expect.poll(() => settled, { timeout: 15_000 }).toBe(true);
      await forward.close();
    } finally {
      await lonePool.closeAll();
      await echo.close();
    }
  });
});

describe('a pod rented from the emulator API', () => {
  it('connects with the ssh_connect_cmd the API returns', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lium-ssh-emu-api-'));
    const key = await generateTestKey({ dir, name: 'client' });
    const emulator = await startEmulator({ readyDelayMs: 0, stateDir: join(dir, 'state') });
    const pool = new SshPool({
      privateKeyPath: key.privateKeyPath,
      knownHostsDir: join(dir, 'kh'),
    });
    try {
      const api = async (method: string, path: string, body?: unknown) => {
        const response = await fetch(`${emulator.baseUrl}${path}`, {
          method,
          headers: { 'X-API-KEY': emulator.apiKey, 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        if (!response.ok)
          throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
        return response.json() as Promise<Record<string, unknown>>;
      };
      const executors = (await api('GET', '/executors')) as unknown as Array<{ id: string }>;
      const executor = executors[0];
      if (!executor) throw new Error('the emulator has no executors');
      const templates = (await api('GET', '/templates')) as unknown as Array<{ id: string }>;
      await api('POST', `/executors/${executor.id}/rent`, {
        pod_name: 'ssh-test',
        template_id: templates[0]?.id,
        user_public_key: [key.publicKey],
      });
      let pod: { id: string; ssh_connect_cmd?: string; status?: string } | undefined;
      await expect
        .poll(
          async () => {
            const pods = (await api('GET', '/pods')) as unknown as Array<typeof pod>;
            pod = pods.find((p) => p?.ssh_connect_cmd);
            return pod?.ssh_connect_cmd;
          },
          { timeout: 20_000, interval: 200 },
        )
        .toBeTruthy();
      const { user, host, port } = parseSshConnectCmd(pod?.ssh_connect_cmd ?? '');
      const result = await pool.exec({ user, host, port, hostKeyId: pod?.id }, 'echo from-pod');
      expect(result.stdout).toBe('from-pod\n');
    } finally {
      await pool.closeAll();
      await emulator.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
