import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Sshd, startSshd } from '@lium/test-support/sshd';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fingerprint,
  SshAuthError,
  SshConnectError,
  SshHostKeyMismatchError,
} from '../src/index.ts';
import { type SshdFixture, sshdFixture, sshdSkip } from './helpers.ts';

const run = promisify(execFile);

describe.skipIf(sshdSkip !== undefined)('host-key pinning against OpenSSH sshd', () => {
  let f: SshdFixture;
  let other: Sshd;
  beforeAll(async () => {
    [f, other] = await Promise.all([sshdFixture(), startSshd()]);
    await other.authorize(f.sshd.clientKey.publicKey);
  });
  afterAll(async () => {
    await other?.stop();
    await f?.close();
  });

  it('pins the key on first use in OpenSSH known_hosts format, one file per pod', async () => {
    await f.pool.exec(f.target, 'true');
    const path = f.pool.knownHostsPath('pod-1');
    expect(path).toBe(join(f.knownHostsDir, 'pod-1'));
    const [type, base64] = f.sshd.hostPublicKey.split(' ');
    expect(await readFile(path, 'utf8')).toBe(`[127.0.0.1]:${f.sshd.port} ${type} ${base64}\n`);
  });

  it('writes a file the system ssh accepts with StrictHostKeyChecking=yes', async () => {
    const { stdout } = await run('ssh', [
      '-i',
      f.sshd.clientKey.privateKeyPath,
      '-p',
      String(f.sshd.port),
      '-o',
      'BatchMode=yes',
      '-o',
      `UserKnownHostsFile=${f.pool.knownHostsPath('pod-1')}`,
      '-o',
      'StrictHostKeyChecking=yes',
      `${f.sshd.user}@127.0.0.1`,
      'echo via-openssh',
    ]);
    expect(stdout).toBe('via-openssh\n');
  });

  it('refuses a changed key with a clear error, and connects again after forgetHostKey', async () => {
    // Same pod id, different server (as after a pod rebuild, or an attacker in the middle).
    const moved = { host: other.host, port: other.port, user: other.user, hostKeyId: 'pod-1' };
    const pool = f.newPool();
    const error = await pool.exec(moved, 'true').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SshHostKeyMismatchError);
    const mismatch = error as SshHostKeyMismatchError;
    expect(mismatch.code).toBe('ssh_host_key_mismatch');
    expect(mismatch.message).toMatch(/changed/);
    expect(mismatch.message).toContain(fingerprint(other.hostPublicKey.split(' ')[1] ?? ''));
    expect(mismatch.message).toContain(mismatch.expectedFingerprint);
    expect(mismatch.message).toContain(mismatch.actualFingerprint);
    expect(mismatch.hostKeyId).toBe('pod-1');
    // The library names the file to remove, never an SDK call or a command it cannot vouch for.
    expect(mismatch.hint).toContain(pool.knownHostsPath('pod-1'));
    expect(mismatch.hint).not.toMatch(/forgetHostKey|lium /);
    expect(await pool.forgetHostKey('pod-1')).toBe(true);
    expect((await pool.exec(moved, 'echo ok')).stdout).toBe('ok\n');
    await pool.closeAll();
  });

  it('pins by host:port when there is no pod id', async () => {
    const pool = f.newPool();
    const target = { host: other.host, port: other.port, user: other.user };
    await pool.exec(target, 'true');
    const path = pool.knownHosts.pathFor(target);
    expect(await readFile(path, 'utf8')).toContain(other.hostPublicKey.split(' ')[1]);
    await pool.closeAll();
  });

  it("accepts any key with hostKeyCheck: 'off' and writes nothing", async () => {
    const pool = f.newPool({ hostKeyCheck: 'off' });
    const target = {
      host: other.host,
      port: other.port,
      user: other.user,
      hostKeyId: 'never-pinned',
    };
    expect((await pool.exec(target, 'echo ok')).stdout).toBe('ok\n');
    await expect(readFile(pool.knownHostsPath('never-pinned'))).rejects.toThrow();
    await pool.closeAll();
  });

  it.each(['rsa', 'ecdsa'] as const)(
    'pins an %s host key and matches it on the next connection',
    async (type) => {
      const server = await startSshd({ hostKeyType: type });
      try {
        await server.authorize(f.sshd.clientKey.publicKey);
        const target = {
          host: server.host,
          port: server.port,
          user: server.user,
          hostKeyId: `pod-${type}`,
        };
        for (let round = 0; round < 2; round++) {
          const pool = f.newPool();
          expect((await pool.exec(target, 'echo ok')).stdout).toBe('ok\n');
          await pool.closeAll();
        }
        const [keyType] = server.hostPublicKey.split(' ');
        expect(await readFile(f.pool.knownHostsPath(`pod-${type}`), 'utf8')).toContain(
          ` ${keyType} `,
        );
      } finally {
        await server.stop();
      }
    },
  );

  it('maps auth and refused connections to typed errors', async () => {
    const { generateTestKey } = await import('@lium/test-support/keys');
    const stranger = await generateTestKey({ dir: f.tmp, name: 'stranger' });
    const pool = f.newPool({ privateKeyPath: stranger.privateKeyPath });
    await expect(pool.exec({ ...f.target, hostKeyId: 'pod-auth' }, 'true')).rejects.toBeInstanceOf(
      SshAuthError,
    );
    const refused = await f.pool
      .exec({ host: '127.0.0.1', port: 1, user: 'root' }, 'true')
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SshConnectError);
    expect((refused as SshConnectError).message).toMatch(/refused/);
  });

  describe('preconnect (a remembered, possibly stale address)', () => {
    it('opens nothing and pins nothing while no key is pinned for the pod', async () => {
      const pool = f.newPool();
      const target = { ...f.target, hostKeyId: 'pod-never-seen' };
      expect(await pool.preconnect(target).ready).toBe(false);
      expect(pool.size).toBe(0);
      await expect(readFile(pool.knownHostsPath('pod-never-seen'), 'utf8')).rejects.toMatchObject({
        code: 'ENOENT',
      });
    });

    // Its own pod id: the tests above re-pin pod-1 to the other server.
    const pinned = () => ({ ...f.target, hostKeyId: 'pod-pre' });

    it('with the pinned key: opens the connection the next command uses', async () => {
      await f.newPool().exec(pinned(), 'true'); // pins pod-pre
      const pool = f.newPool();
      expect(await pool.preconnect(pinned()).ready).toBe(true);
      expect(pool.size).toBe(1);
      expect((await pool.exec(pinned(), 'echo reused')).stdout).toBe('reused\n');
      expect(pool.size).toBe(1);
    });

    it('speaks SSH over a TCP socket the caller opened before the pool existed', async () => {
      await f.newPool().exec(pinned(), 'true'); // pins pod-pre
      const socket = connect({ host: f.target.host, port: f.target.port });
      const pool = f.newPool();
      expect(await pool.preconnect(pinned(), { socket }).ready).toBe(true);
      expect((await pool.exec(pinned(), 'echo over-early')).stdout).toBe('over-early\n');
      // The same socket carried it: its local port is the one the server sees for the session.
      const clientPort = (await pool.exec(pinned(), 'echo $SSH_CLIENT')).stdout.split(' ')[1];
      expect(Number(clientPort)).toBe(socket.localPort);
      await pool.closeAll();
    });

    it('authenticates with the key straight away, without the `none` probe round trip', async () => {
      const lines: string[] = [];
      const pool = f.newPool({ debug: (line) => lines.push(line) });
      expect((await pool.exec(pinned(), 'echo authed')).stdout).toBe('authed\n');
      await pool.closeAll();
      const requests = lines.filter((line) => line.includes('Sending USERAUTH_REQUEST'));
      expect(requests.some((line) => line.includes('(publickey'))).toBe(true);
      expect(requests.filter((line) => line.includes('(none)'))).toEqual([]);
    });

    it('destroys the early socket whenever it does not use it', async () => {
      const early = () => connect({ host: f.target.host, port: f.target.port });
      const unpinned = early();
      expect(
        await f.newPool().preconnect({ ...f.target, hostKeyId: 'pod-unseen' }, { socket: unpinned })
          .ready,
      ).toBe(false);
      expect(unpinned.destroyed).toBe(true);
      const insecure = early();
      expect(
        await f.newPool({ hostKeyCheck: 'off' }).preconnect(pinned(), { socket: insecure }).ready,
      ).toBe(false);
      expect(insecure.destroyed).toBe(true);
      // A socket that already failed is not used: the pool opens its own connection.
      const refused = connect({ host: '127.0.0.1', port: 1 });
      refused.on('error', () => undefined);
      await new Promise((resolve) => refused.once('close', resolve));
      const pool = f.newPool();
      expect(await pool.preconnect(pinned(), { socket: refused }).ready).toBe(true);
      await pool.closeAll();
    });

    it('another server at the address fails quietly; discard leaves no connection', async () => {
      const pool = f.newPool();
      const moved = { host: other.host, port: other.port, user: other.user, hostKeyId: 'pod-pre' };
      const attempt = pool.preconnect(moved);
      expect(await attempt.ready).toBe(false);
      expect(pool.size).toBe(0);
      const kept = pool.preconnect(pinned());
      kept.discard();
      expect(await kept.ready).toBe(false);
      expect(pool.size).toBe(0);
    });
  });
});
