import { execFile, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type TestKeyType = 'ed25519' | 'ecdsa' | 'rsa';

export interface TestKeyOptions {
  /** Directory to write `<name>` and `<name>.pub` into. */
  dir: string;
  name?: string;
  type?: TestKeyType;
  /** `openssh` (default) or `pem` (PKCS#1/SEC1, `ssh-keygen -m PEM`). */
  format?: 'openssh' | 'pem';
  /** Encrypts the private key. */
  passphrase?: string;
  comment?: string;
}

export interface TestKey {
  privateKeyPath: string;
  publicKeyPath: string;
  /** The `.pub` line, e.g. `ssh-ed25519 AAAA… comment`. */
  publicKey: string;
}

/** Generates a key pair with the real `ssh-keygen`, as users do. */
export async function generateTestKey(options: TestKeyOptions): Promise<TestKey> {
  const type = options.type ?? 'ed25519';
  const privateKeyPath = join(options.dir, options.name ?? `id_${type}`);
  const args = ['-q', '-t', type, '-f', privateKeyPath, '-N', options.passphrase ?? ''];
  args.push('-C', options.comment ?? `lium-test-${type}`);
  if (type === 'rsa') args.push('-b', '2048');
  if (options.format === 'pem') args.push('-m', 'PEM');
  await run('ssh-keygen', args);
  const publicKeyPath = `${privateKeyPath}.pub`;
  return {
    privateKeyPath,
    publicKeyPath,
    publicKey: (await readFile(publicKeyPath, 'utf8')).trim(),
  };
}

export interface TestAgent {
  /** Value for SSH_AUTH_SOCK. */
  socketPath: string;
  pid: number;
  /** `ssh-add` an unencrypted private key. */
  add(privateKeyPath: string): Promise<void>;
  stop(): Promise<void>;
}

/** Starts a private `ssh-agent` bound to a socket in `dir`. */
export async function startSshAgent(dir: string): Promise<TestAgent> {
  const socketPath = join(dir, 'agent.sock');
  const child = spawn('ssh-agent', ['-D', '-a', socketPath], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const env = { ...process.env, SSH_AUTH_SOCK: socketPath };
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await run('ssh-add', ['-l'], { env });
      break;
    } catch (error) {
      // Exit code 1 means "agent has no identities": it is up.
      if ((error as { code?: unknown }).code === 1) break;
      if (Date.now() > deadline || child.exitCode !== null) {
        child.kill();
        throw new Error(`ssh-agent did not start: ${stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return {
    socketPath,
    pid: child.pid ?? 0,
    async add(privateKeyPath) {
      await run('ssh-add', ['-q', privateKeyPath], { env });
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill();
      await exited;
    },
  };
}
