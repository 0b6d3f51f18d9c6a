// @ts-check
/**
 * A real OpenSSH sshd on 127.0.0.1 for the rows that need one: test-support's harness (its
 * built `dist/`, the same one the tests use), quiet and open to many parallel logins, plus the
 * options OpenSSH clients (`ssh`, `scp`, rsync's `-e`) need to reach it without prompts.
 */
import { accessSync, constants } from 'node:fs';
import { startSshd } from '@lium/test-support/sshd';

/** Why the OpenSSH rows cannot run here, or undefined. */
export function opensshMissing() {
  for (const tool of ['/usr/sbin/sshd', '/usr/bin/ssh-keygen', '/usr/bin/ssh', '/usr/bin/scp']) {
    try {
      accessSync(tool, constants.X_OK);
    } catch {
      return `${tool} is not installed (apt-get install openssh-server openssh-client)`;
    }
  }
  return undefined;
}

/**
 * Options for OpenSSH clients: this key only, no prompts, no known_hosts.
 * @param {string} keyPath
 */
export function sshClientOptions(keyPath) {
  return [
    '-i',
    keyPath,
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
  ];
}

/**
 * @typedef {Awaited<ReturnType<typeof startSshd>> & { clientKeyPath: string, sshOptions: string[] }} BenchSshd
 */

/** @returns {Promise<BenchSshd>} */
export async function startBenchSshd() {
  const missing = opensshMissing();
  if (missing) throw new Error(missing);
  const sshd = await startSshd({ logLevel: 'ERROR', extraConfig: ['MaxStartups 100'] });
  const clientKeyPath = sshd.clientKey.privateKeyPath;
  return Object.assign(sshd, { clientKeyPath, sshOptions: sshClientOptions(clientKeyPath) });
}
