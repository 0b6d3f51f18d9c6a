import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Sshd, startSshd } from '@lium/test-support/sshd';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshPool, SshTransferError } from '../src/index.ts';
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
      expect(error.hint).toMatch(/lium rsync/);
      // The connection itself is fine: exec still works on it.
      expect((await pool.exec(target, 'echo ok')).stdout).toBe('ok\n');
    });
  });
});
