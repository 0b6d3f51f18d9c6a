import { execFile } from 'node:child_process';
import { copyFile, readFile, stat } from 'node:fs/promises';
import { connect as netConnect } from 'node:net';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { generateTestKey, startSshAgent } from '@lium/test-support/keys';
import { type Sshd, startSshd } from '@lium/test-support/sshd';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshAuthError, SshPool, writeNewKeyPair } from '../src/index.ts';
import { roundTrip, type SshdFixture, sshdFixture, sshdSkip, startEchoServer } from './helpers.ts';

const run = promisify(execFile);

describe.skipIf(sshdSkip !== undefined)('keys, agent, shell, port forward', () => {
  let f: SshdFixture;
  beforeAll(async () => {
    f = await sshdFixture();
  });
  afterAll(() => f?.close());

  it.each([
    ['ed25519', 'openssh'],
    ['ecdsa', 'pem'],
    ['rsa', 'pem'],
    ['rsa', 'openssh'],
  ] as const)('authenticates with an %s key in %s format', async (type, format) => {
    const key = await generateTestKey({ dir: f.tmp, type, format, name: `k_${type}_${format}` });
    await f.sshd.authorize(key.publicKey);
    const pool = f.newPool({ privateKeyPath: key.privateKeyPath });
    expect((await pool.exec(f.target, 'echo ok')).stdout).toBe('ok\n');
    await pool.closeAll();
  });

  it('uses an encrypted key with its passphrase, and says so when it is missing', async () => {
    const key = await generateTestKey({ dir: f.tmp, name: 'k_enc', passphrase: 'correct horse' });
    await f.sshd.authorize(key.publicKey);
    const pool = f.newPool({ privateKeyPath: key.privateKeyPath, passphrase: 'correct horse' });
    expect((await pool.exec(f.target, 'echo ok')).stdout).toBe('ok\n');
    await pool.closeAll();
    // No agent to fall back on (an agent holding the key would be used instead: see below).
    const without = f.newPool({ privateKeyPath: key.privateKeyPath, agent: '' });
    const error = await without.exec(f.target, 'true').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SshAuthError);
    expect((error as SshAuthError).message).toMatch(/encrypted.*passphrase is missing/);
    expect((error as SshAuthError).message).not.toContain('correct horse');
  });

  it('writeNewKeyPair: OpenSSH reads the key back, 0600/0644, and it logs in with its passphrase or through the agent', async () => {
    const path = join(f.tmp, 'new_keys', 'id_ed25519');
    const made = await writeNewKeyPair(path, { passphrase: 'tr0ub4dor', comment: 'lium' });
    expect(made).toMatchObject({
      privateKeyPath: path,
      publicKeyPath: `${path}.pub`,
      encrypted: true,
    });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(`${path}.pub`)).mode & 0o777).toBe(0o644);
    const pub = (await readFile(`${path}.pub`, 'utf8')).trim();
    expect(pub).toMatch(/^ssh-ed25519 \S+ lium$/);
    // ssh-keygen needs the passphrase to read the private key, and derives the same public key.
    const derived = await run('ssh-keygen', ['-y', '-P', 'tr0ub4dor', '-f', path]);
    expect(derived.stdout.trim().split(' ').slice(0, 2)).toEqual(pub.split(' ').slice(0, 2));
    await expect(run('ssh-keygen', ['-y', '-P', '', '-f', path])).rejects.toThrow();
    await expect(writeNewKeyPair(path)).rejects.toThrow(/EEXIST|exists/);

    await f.sshd.authorize(pub);
    const pool = f.newPool({ privateKeyPath: path, passphrase: 'tr0ub4dor' });
    expect((await pool.exec(f.target, 'echo ok')).stdout).toBe('ok\n');
    await pool.closeAll();
    // Without the passphrase, an agent holding the key is used instead.
    const agent = await startSshAgent(f.tmp);
    try {
      const plain = join(f.tmp, 'new_keys', 'decrypted');
      await copyFile(path, plain);
      await run('ssh-keygen', ['-p', '-P', 'tr0ub4dor', '-N', '', '-f', plain]);
      await agent.add(plain);
      const viaAgent = f.newPool({ privateKeyPath: path, agent: agent.socketPath });
      expect((await viaAgent.exec(f.target, 'echo agent')).stdout).toBe('agent\n');
      await viaAgent.closeAll();
    } finally {
      await agent.stop();
    }
    const unencrypted = await writeNewKeyPair(join(f.tmp, 'new_keys', 'plain_key'));
    expect(unencrypted.encrypted).toBe(false);
    await run('ssh-keygen', ['-y', '-P', '', '-f', unencrypted.privateKeyPath]);
  });

  it('authenticates through ssh-agent (SSH_AUTH_SOCK)', async () => {
    const key = await generateTestKey({ dir: f.tmp, name: 'k_agent' });
    await f.sshd.authorize(key.publicKey);
    const agent = await startSshAgent(f.tmp);
    try {
      await agent.add(key.privateKeyPath);
      const explicit = new SshPool({ agent: agent.socketPath, knownHostsDir: f.knownHostsDir });
      expect((await explicit.exec(f.target, 'echo agent')).stdout).toBe('agent\n');
      await explicit.closeAll();
      const fromEnv = new SshPool({ knownHostsDir: f.knownHostsDir });
      const saved = process.env.SSH_AUTH_SOCK;
      process.env.SSH_AUTH_SOCK = agent.socketPath;
      try {
        expect((await fromEnv.exec(f.target, 'echo env')).stdout).toBe('env\n');
      } finally {
        if (saved === undefined) delete process.env.SSH_AUTH_SOCK;
        else process.env.SSH_AUTH_SOCK = saved;
        await fromEnv.closeAll();
      }
    } finally {
      await agent.stop();
    }
  });

  it('forwards a local port to a port on the pod and closes cleanly', async () => {
    const echo = await startEchoServer();
    const forward = await f.pool.forwardPort(f.target, { remotePort: echo.port });
    const reply = await roundTrip(forward.localPort, 'ping');
    expect(reply).toBe('ping');
    await forward.close();
    await expect(
      new Promise((resolve, reject) => {
        const socket = netConnect(forward.localPort, '127.0.0.1', () => resolve('connected'));
        socket.on('error', reject);
      }),
    ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await echo.close();
  });

  it('runs an interactive ssh2 pty shell with input, resize and the exit code', async () => {
    const stdin = new PassThrough();
    const stdout = Object.assign(new PassThrough(), { columns: 100, rows: 30 });
    let output = '';
    stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const done = f.pool.shell(f.target, { stdin, stdout, preferSystemSsh: false });
    stdin.write('stty size\n');
    await expect.poll(() => output, { timeout: 10_000 }).toContain('30 100');
    Object.assign(stdout, { columns: 120, rows: 40 });
    stdout.emit('resize');
    stdin.write('stty size; exit 7\n');
    expect(await done).toBe(7);
    expect(output).toContain('40 120');
  });

  it('ends the ssh2 pty shell when its stdin has already ended', async () => {
    const stdin = new PassThrough();
    stdin.end();
    stdin.resume();
    await new Promise((resolve) => stdin.once('end', resolve));
    const stdout = Object.assign(new PassThrough(), { columns: 80, rows: 24 });
    stdout.resume();
    const code = await f.pool.shell(f.target, { stdin, stdout, preferSystemSsh: false });
    expect(code).toEqual(expect.any(Number));
    // The connection stays usable.
    expect((await f.pool.exec(f.target, 'echo after')).stdout).toBe('after\n');
  });

  it('ends the ssh2 pty shell when its stdin ends later', async () => {
    const stdin = new PassThrough();
    const stdout = Object.assign(new PassThrough(), { columns: 80, rows: 24 });
    let output = '';
    stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const done = f.pool.shell(f.target, { stdin, stdout, preferSystemSsh: false });
    stdin.write('echo shell-$((6*7))\n');
    await expect.poll(() => output, { timeout: 10_000 }).toContain('shell-42');
    stdin.end();
    expect(await done).toBe(0);
  });

  it('builds system ssh argv that uses the pinned known_hosts strictly', async () => {
    await f.pool.exec(f.target, 'true');
    const args = f.pool.systemSshArgs(f.target, ['-o', 'BatchMode=yes']);
    expect(args).toContain(`UserKnownHostsFile=${f.pool.knownHostsPath('pod-1')}`);
    expect(args).toContain('StrictHostKeyChecking=yes');
    const { stdout } = await run('ssh', [...args, 'echo system-ssh']);
    expect(stdout).toBe('system-ssh\n');
  });
});

describe.skipIf(sshdSkip !== undefined)('SFTP fallback selected automatically', () => {
  let sshd: Sshd;
  let f: SshdFixture;
  beforeAll(async () => {
    f = await sshdFixture();
    // A pod without rsync on its PATH.
    sshd = await startSshd({ extraConfig: ['SetEnv PATH=/nonexistent'] });
    await sshd.authorize(f.sshd.clientKey.publicKey);
  });
  afterAll(async () => {
    await sshd?.stop();
    await f?.close();
  });

  it("uses SFTP when the pod has no rsync, and method 'rsync' says why it cannot", async () => {
    const { mkdir, writeFile, readFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const local = join(f.tmp, 'fallback');
    await mkdir(local);
    await writeFile(join(local, 'f.txt'), 'fallback');
    const target = { host: sshd.host, port: sshd.port, user: sshd.user, hostKeyId: 'bare-pod' };
    const dest = join(f.tmp, 'fallback-remote');
    const result = await f.pool.sync(target, { source: local, dest, direction: 'up' });
    expect(result.method).toBe('sftp');
    expect(await readFile(join(dest, 'f.txt'), 'utf8')).toBe('fallback');
    await expect(
      f.pool.sync(target, { source: local, dest, direction: 'up', method: 'rsync' }),
    ).rejects.toMatchObject({ code: 'transfer_failed', message: /not installed on the pod/ });
  });
});
