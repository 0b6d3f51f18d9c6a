import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateTestKey } from '@lium/test-support/keys';
import { type Sshd, startSshd } from '@lium/test-support/sshd';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshAuthError, SshPool, SshTransferError } from '../src/index.ts';
import { sshdSkip } from './helpers.ts';

/** Real sshd servers configured like the odd pods QA met. */
describe.skipIf(sshdSkip !== undefined)('servers with unusual sshd_config', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'lium-ssh-server-config-'));
  });
  afterAll(() => rm(tmp, { recursive: true, force: true }));

  describe('without an sftp subsystem', () => {
    let sshd: Sshd;
    let pool: SshPool;
    beforeAll(async () => {
      sshd = await startSshd({ sftp: false });
      pool = new SshPool({
        privateKeyPath: sshd.clientKey.privateKeyPath,
        knownHostsDir: join(tmp, 'known_hosts'),
      });
    });
    afterAll(async () => {
      await pool?.closeAll();
      await sshd?.stop();
    });

    it('says the server has no SFTP subsystem instead of blaming a lost connection', async () => {
      const target = { host: sshd.host, port: sshd.port, user: sshd.user, hostKeyId: 'no-sftp' };
      const failure = await pool.download(target, '/etc/hostname', join(tmp, 'hostname')).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(SshTransferError);
      const error = failure as SshTransferError;
      expect(error.message).toMatch(/has no SFTP subsystem/);
      expect(error.message).not.toMatch(/lost/i);
      expect(error.hint).toMatch(/Subsystem sftp/);
      expect(error.hint).toMatch(/sync method "rsync"/);
      // The connection itself is fine: exec still works on it.
      expect((await pool.exec(target, 'echo ok')).stdout).toBe('ok\n');
    });
  });

  describe('with MaxStartups 2 (one sshd serving many pods)', () => {
    let sshd: Sshd;
    let pool: SshPool;
    beforeAll(async () => {
      sshd = await startSshd({ extraConfig: ['MaxStartups 2'] });
      pool = new SshPool({
        privateKeyPath: sshd.clientKey.privateKeyPath,
        knownHostsDir: join(tmp, 'known_hosts_startups'),
      });
    });
    afterAll(async () => {
      await pool?.closeAll();
      await sshd?.stop();
    });

    it('retries connections the server dropped before the handshake, so all 12 pods answer', async () => {
      // Distinct pod ids: 12 separate connections handshaking at once, as `lium exec all` does.
      const targets = Array.from({ length: 12 }, (_, i) => ({
        host: sshd.host,
        port: sshd.port,
        user: sshd.user,
        hostKeyId: `startups-pod-${i}`,
      }));
      const results = await Promise.all(targets.map((target, i) => pool.exec(target, `echo ${i}`)));
      expect(results.map((r) => r.stdout.trim())).toEqual(targets.map((_, i) => String(i)));
      expect(pool.size).toBe(12);
      // The server really did drop some of them (otherwise this test proves nothing).
      expect(await sshd.log()).toMatch(/drop connection|MaxStartups/i);
    });

    it('does not retry a refused key (one connection, one SshAuthError)', async () => {
      const stranger = await generateTestKey({ dir: tmp, name: 'stranger_ed25519' });
      const strangerPool = new SshPool({
        privateKeyPath: stranger.privateKeyPath,
        knownHostsDir: join(tmp, 'known_hosts_startups'),
      });
      const connections = async () =>
        ((await sshd.log()).match(/Connection from 127\.0\.0\.1/g) ?? []).length;
      const before = await connections();
      const target = {
        host: sshd.host,
        port: sshd.port,
        user: sshd.user,
        hostKeyId: 'startups-pod-0',
      };
      await expect(strangerPool.exec(target, 'true')).rejects.toBeInstanceOf(SshAuthError);
      await strangerPool.closeAll();
      expect((await connections()) - before).toBe(1);
    });
  });
});
