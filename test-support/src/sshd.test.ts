import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sshd, sshdSkipReason, startSshd } from './sshd.ts';

const run = promisify(execFile);
const skip = sshdSkipReason();
if (skip) console.warn(skip);

describe.skipIf(skip !== undefined)('startSshd', () => {
  let sshd: Sshd;
  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(() => sshd?.stop());

  it('accepts the generated client key with the real ssh client and pins the host key', async () => {
    const knownHosts = `${sshd.dir}/known_hosts`;
    const { writeFile } = await import('node:fs/promises');
    await writeFile(knownHosts, `[127.0.0.1]:${sshd.port} ${sshd.hostPublicKey}\n`);
    const { stdout } = await run('ssh', [
      '-i',
      sshd.clientKey.privateKeyPath,
      '-p',
      String(sshd.port),
      '-o',
      'IdentitiesOnly=yes',
      '-o',
      'BatchMode=yes',
      '-o',
      `UserKnownHostsFile=${knownHosts}`,
      '-o',
      'StrictHostKeyChecking=yes',
      `${sshd.user}@127.0.0.1`,
      'echo hello',
    ]);
    expect(stdout).toBe('hello\n');
    expect(await sshd.log()).toMatch(/Accepted publickey/);
  });
});
