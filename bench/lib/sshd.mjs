// @ts-check
/**
 * A real OpenSSH sshd on 127.0.0.1 for the transfer and sync rows. It follows
 * test-support/src/sshd.ts (same config), re-done in plain JS because `node bench/run.mjs`
 * cannot load TypeScript sources on Node 20.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { open, readFile, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { removeDir, sshKeygen, tempDir } from './workspace.mjs';

export const SSHD_PATH = '/usr/sbin/sshd';

/** Why an sshd cannot be started here, or undefined. */
export function sshdMissing() {
  for (const tool of [SSHD_PATH, '/usr/bin/ssh-keygen', '/usr/bin/ssh', '/usr/bin/scp']) {
    try {
      accessSync(tool, constants.X_OK);
    } catch {
      return `${tool} is not installed (apt-get install openssh-server openssh-client)`;
    }
  }
  return undefined;
}

/** @returns {Promise<number>} */
function freePort() {
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

/** @param {number} port */
function answersSsh(port) {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    /** @param {boolean} value */
    const done = (value) => {
      socket.destroy();
      resolve(value);
    };
    socket.once('data', (data) => done(data.toString('latin1').startsWith('SSH-')));
    socket.once('error', () => done(false));
    socket.setTimeout(1000, () => done(false));
  });
}

/**
 * @typedef {object} Sshd
 * @property {string} host
 * @property {number} port
 * @property {string} user
 * @property {string} dir
 * @property {string} clientKeyPath private key already in authorized_keys
 * @property {string[]} sshOptions options for OpenSSH clients (`ssh`, `scp`, rsync's `-e`)
 * @property {() => Promise<void>} stop
 */

/** @returns {Promise<Sshd>} */
export async function startSshd() {
  const missing = sshdMissing();
  if (missing) throw new Error(missing);
  if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const dir = await tempDir('sshd');
  const hostKey = await sshKeygen(join(dir, 'ssh_host_ed25519_key'));
  const clientKey = await sshKeygen(join(dir, 'client_ed25519'));
  const authorizedKeys = join(dir, 'authorized_keys');
  await writeFile(authorizedKeys, await readFile(clientKey.publicKeyPath), { mode: 0o600 });
  const logPath = join(dir, 'sshd.log');
  const user = userInfo().username;

  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const configPath = join(dir, 'sshd_config');
    const config = [
      'ListenAddress 127.0.0.1',
      `Port ${port}`,
      `HostKey ${hostKey.privateKeyPath}`,
      `AuthorizedKeysFile ${authorizedKeys}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      'UsePAM no',
      'StrictModes no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      'PermitRootLogin prohibit-password',
      'Subsystem sftp internal-sftp',
      'MaxStartups 100',
      'LogLevel ERROR',
    ];
    await writeFile(configPath, `${config.join('\n')}\n`);
    const log = await open(logPath, 'a');
    const child = spawn(SSHD_PATH, ['-D', '-e', '-f', configPath], {
      stdio: ['ignore', log.fd, log.fd],
    });
    await log.close();
    const deadline = Date.now() + 10_000;
    let up = false;
    while (!up && Date.now() < deadline && child.exitCode === null) {
      up = await answersSsh(port);
      if (!up) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (!up) {
      child.kill('SIGKILL');
      const text = await readFile(logPath, 'utf8').catch(() => '');
      if (attempt < 2 && /Address already in use|Bind to port/.test(text)) continue;
      await removeDir(dir);
      throw new Error(`sshd did not start on port ${port}\n${text}`);
    }
    return {
      host: '127.0.0.1',
      port,
      user,
      dir,
      clientKeyPath: clientKey.privateKeyPath,
      sshOptions: [
        '-i',
        clientKey.privateKeyPath,
        '-o',
        'IdentitiesOnly=yes',
        '-o',
        'BatchMode=yes',
        '-o',
        'StrictHostKeyChecking=no',
        '-o',
        'UserKnownHostsFile=/dev/null',
        '-o',
        'LogLevel=ERROR',
      ],
      stop: async () => {
        if (child.exitCode === null && child.signalCode === null) {
          const exited = once(child, 'exit');
          child.kill('SIGTERM');
          await exited;
        }
        await removeDir(dir);
      },
    };
  }
}
