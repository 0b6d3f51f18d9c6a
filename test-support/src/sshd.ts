/**
 * A real OpenSSH `sshd` on 127.0.0.1 for tests of SSH clients: temp dir, fresh host and client
 * keys from `ssh-keygen`, a kernel-picked free port, and the log at hand when something fails.
 *
 *   const sshd = await startSshd();          // check sshdSkipReason() first
 *   const target = { host: sshd.host, port: sshd.port, user: sshd.user };
 *   ... new SshPool({ privateKeyPath: sshd.clientKey.privateKeyPath }) ...
 *   await sshd.stop();
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { appendFile, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { generateTestKey, type TestKey, type TestKeyType } from './keys.ts';

export const SSHD_PATH = '/usr/sbin/sshd';

/** Why the sshd tests cannot run here, or undefined when they can. */
export function sshdSkipReason(): string | undefined {
  try {
    accessSync(SSHD_PATH, constants.X_OK);
  } catch {
    return `${SSHD_PATH} is not installed (apt-get install openssh-server); skipping tests against a real sshd`;
  }
  for (const tool of ['/usr/bin/ssh-keygen']) {
    try {
      accessSync(tool, constants.X_OK);
    } catch {
      return `${tool} is missing; skipping tests against a real sshd`;
    }
  }
  return undefined;
}

export interface SshdOptions {
  /** Host key algorithm (default ed25519). */
  hostKeyType?: TestKeyType;
  /** Lines appended to sshd_config (e.g. `MaxSessions 4`, `MaxStartups 2`). */
  extraConfig?: string[];
  /** Serve the `sftp` subsystem (default true); false acts like a pod without SFTP. */
  sftp?: boolean;
  /**
   * sshd's LogLevel (default VERBOSE, for tests that read the log). sshd keeps the first value
   * of a keyword, so `extraConfig` cannot override it; the bench passes ERROR.
   */
  logLevel?: 'ERROR' | 'INFO' | 'VERBOSE' | 'DEBUG';
}

export interface Sshd {
  host: string;
  port: number;
  user: string;
  dir: string;
  /** A client key already in authorized_keys. */
  clientKey: TestKey;
  hostKeyPath: string;
  /** The host public key line (`ssh-ed25519 AAAA…`). */
  hostPublicKey: string;
  authorizedKeysPath: string;
  logPath: string;
  pid: number;
  /** Adds a public key line to authorized_keys (read on every login). */
  authorize(publicKey: string): Promise<void>;
  /** The sshd log so far. */
  log(): Promise<string>;
  stop(): Promise<void>;
}

/** A port on 127.0.0.1 that was free a moment ago (the kernel picked it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once the port answers with an SSH banner. */
async function waitForBanner(port: number, child: ChildProcess, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`sshd exited with code ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port });
      const done = (value: boolean) => {
        socket.destroy();
        resolve(value);
      };
      socket.once('data', (data) => done(data.toString('latin1').startsWith('SSH-')));
      socket.once('error', () => done(false));
      socket.setTimeout(1_000, () => done(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`sshd did not answer on port ${port} within ${timeoutMs} ms`);
}

/** Starts sshd in the foreground (`-D -e`) with its own config, keys and log. */
export async function startSshd(options: SshdOptions = {}): Promise<Sshd> {
  const reason = sshdSkipReason();
  if (reason) throw new Error(reason);
  // sshd refuses to start as root without its privilege separation directory.
  if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const dir = await mkdtemp(join(tmpdir(), 'lium-sshd-'));
  const hostKeyType = options.hostKeyType ?? 'ed25519';
  const hostKey = await generateTestKey({
    dir,
    name: `ssh_host_${hostKeyType}_key`,
    type: hostKeyType,
  });
  const clientKey = await generateTestKey({ dir, name: 'client_ed25519' });
  const authorizedKeysPath = join(dir, 'authorized_keys');
  await writeFile(authorizedKeysPath, `${clientKey.publicKey}\n`, { mode: 0o600 });
  const logPath = join(dir, 'sshd.log');
  const user = userInfo().username;

  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const configPath = join(dir, 'sshd_config');
    const config = [
      'ListenAddress 127.0.0.1',
      `Port ${port}`,
      `HostKey ${hostKey.privateKeyPath}`,
      `AuthorizedKeysFile ${authorizedKeysPath}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      'UsePAM no',
      'StrictModes no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      'PermitRootLogin prohibit-password',
      'AllowTcpForwarding yes',
      ...(options.sftp === false ? [] : ['Subsystem sftp internal-sftp']),
      `LogLevel ${options.logLevel ?? 'VERBOSE'}`,
      ...(options.extraConfig ?? []),
    ];
    await writeFile(configPath, `${config.join('\n')}\n`);
    const log = await open(logPath, 'a');
    const child = spawn(SSHD_PATH, ['-D', '-e', '-f', configPath], {
      stdio: ['ignore', log.fd, log.fd],
    });
    await log.close();
    try {
      await waitForBanner(port, child, 10_000);
    } catch (error) {
      child.kill('SIGKILL');
      const text = await readFile(logPath, 'utf8').catch(() => '');
      if (attempt < 2 && /Address already in use|Bind to port/.test(text)) continue;
      throw new Error(`${(error as Error).message}\n--- sshd.log ---\n${text}`);
    }
    return {
      host: '127.0.0.1',
      port,
      user,
      dir,
      clientKey,
      hostKeyPath: hostKey.privateKeyPath,
      hostPublicKey: hostKey.publicKey,
      authorizedKeysPath,
      logPath,
      pid: child.pid ?? 0,
      async authorize(publicKey) {
        await appendFile(authorizedKeysPath, `${publicKey.trim()}\n`);
      },
      log: () => readFile(logPath, 'utf8'),
      async stop() {
        if (child.exitCode === null && child.signalCode === null) {
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGTERM');
          await exited;
        }
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
}
