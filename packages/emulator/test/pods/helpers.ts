import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClientChannel, ConnectConfig, ExecOptions, Client as SshClient } from 'ssh2';
import ssh2 from 'ssh2';
import {
  type PodServer,
  type PodServerOptions,
  type PodSshServer,
  startOpensshPodServer,
  startPodServer,
} from '../../src/pods/index.ts';

const { Client, utils } = ssh2;

export interface ClientKey {
  privateKey: string;
  publicKey: string;
  /** A 0600 file holding the private key, for OpenSSH binaries. */
  path: string;
}

export async function makeKey(dir: string, name = 'id_ed25519'): Promise<ClientKey> {
  let pair = utils.generateKeyPairSync('ed25519', { comment: 'test@lium' });
  // ssh2 writes ~1 in 256 ed25519 keys malformed (see generateHostKey); make another.
  while (
    utils.parseKey(pair.private) instanceof Error ||
    utils.parseKey(pair.public) instanceof Error
  ) {
    pair = utils.generateKeyPairSync('ed25519', { comment: 'test@lium' });
  }
  const path = join(dir, name);
  await writeFile(path, pair.private, { mode: 0o600 });
  await chmod(path, 0o600);
  return { privateKey: pair.private, publicKey: pair.public, path };
}

export interface PodFixture {
  dir: string;
  key: ClientKey;
  pod: PodServer;
  podsDir: string;
  start(overrides?: Partial<PodServerOptions>): Promise<PodServer>;
  cleanup(): Promise<void>;
}

/** A temp dir with a client key and one pod; `start` adds more pods in the same pods dir. */
export async function podFixture(
  overrides: Partial<PodServerOptions> = {},
  /** Where the temp dir goes; outside /tmp the sandbox must actively hide the pods dir. */
  baseDir = tmpdir(),
  /** The pods' SSH server: the emulator's ssh2 one, or a real OpenSSH sshd. */
  server: PodSshServer = 'ssh2',
): Promise<PodFixture> {
  const dir = await mkdtemp(join(baseDir, 'lium-pod-test-'));
  const podsDir = join(dir, 'pods');
  const key = await makeKey(dir);
  const started: PodServer[] = [];
  let count = 0;
  const start = async (more: Partial<PodServerOptions> = {}) => {
    count += 1;
    const podId = `pod-${count}`;
    const startServer = server === 'openssh' ? startOpensshPodServer : startPodServer;
    const pod = await startServer({
      podId,
      dataDir: join(podsDir, podId),
      authorizedKeys: [key.publicKey],
      ...overrides,
      ...more,
    });
    started.push(pod);
    return pod;
  };
  const pod = await start();
  return {
    dir,
    key,
    pod,
    podsDir,
    start,
    async cleanup() {
      await Promise.all(started.map((p) => p.close()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function connect(port: number, config: Partial<ConnectConfig> = {}): Promise<SshClient> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    client.once('ready', () => resolve(client));
    client.once('error', reject);
    client.connect({ host: '127.0.0.1', port, username: 'root', readyTimeout: 20_000, ...config });
  });
}

export interface ExecResult {
  stdout: Buffer;
  stderr: Buffer;
  code: number | null;
  signal: string | null;
}

export interface OpenedExec {
  channel: ClientChannel;
  /** Collected from the moment the channel exists: ssh2 can emit `exit` in the same tick. */
  result: Promise<ExecResult>;
  /** Resolves once stdout so far contains `text`. */
  untilStdout(text: string): Promise<void>;
  /** Bytes of stdout received so far. */
  stdoutBytes(): number;
}

/** Starts collecting a channel's output at once (call it in the callback that gives the channel). */
export function collect(channel: ClientChannel): OpenedExec {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let bytes = 0;
  let code: number | null = null;
  let signal: string | null = null;
  const waiters: { text: string; resolve: () => void }[] = [];
  const check = () => {
    const text = Buffer.concat(out).toString();
    for (const waiter of [...waiters]) {
      if (text.includes(waiter.text)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  channel.on('data', (d: Buffer) => {
    out.push(d);
    bytes += d.length;
    if (waiters.length > 0) check();
  });
  channel.stderr.on('data', (d: Buffer) => err.push(d));
  channel.on('exit', (c: number | null, s?: string) => {
    code = c;
    signal = s ?? null;
  });
  const result = new Promise<ExecResult>((resolve) =>
    channel.on('close', () =>
      resolve({ stdout: Buffer.concat(out), stderr: Buffer.concat(err), code, signal }),
    ),
  );
  return {
    channel,
    result,
    untilStdout(text) {
      return new Promise((resolve) => {
        waiters.push({ text, resolve });
        check();
      });
    },
    stdoutBytes: () => bytes,
  };
}

export function openExec(
  client: SshClient,
  command: string,
  options: ExecOptions = {},
): Promise<OpenedExec> {
  return new Promise((resolve, reject) => {
    client.exec(command, options, (err, channel) =>
      err ? reject(err) : resolve(collect(channel)),
    );
  });
}

export async function run(
  client: SshClient,
  command: string,
  options: ExecOptions & { stdin?: string | Buffer } = {},
): Promise<ExecResult> {
  const { stdin, ...execOptions } = options;
  const { channel, result } = await openExec(client, command, execOptions);
  if (stdin !== undefined) channel.end(stdin);
  else channel.end();
  return result;
}

export function runFile(
  file: string,
  args: readonly string[],
  options: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      file,
      args,
      {
        timeout: options.timeoutMs ?? 60_000,
        maxBuffer: 64 * 1024 * 1024,
        env: options.env ?? process.env,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
  });
}

/** OpenSSH client options for a pod: the test key, no known_hosts, no agent, no config. */
export function sshOptions(key: ClientKey, port: number): string[] {
  return [
    '-F',
    '/dev/null',
    '-i',
    key.path,
    '-p',
    String(port),
    '-o',
    'StrictHostKeyChecking=no',
    '-o',
    'UserKnownHostsFile=/dev/null',
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    'BatchMode=yes',
    '-o',
    'LogLevel=ERROR',
  ];
}

export const hasBinary = (path: string): boolean => existsSync(path);
