/**
 * A pod whose SSH server is a real OpenSSH `sshd` (what lium.io pods run), one per pod, for
 * the most faithful pods: the client meets OpenSSH's own key exchange, channel handling,
 * forwarding and `sftp-server`. Every session (exec, shell, the sftp subsystem, rsync) goes
 * through a per-pod `ForceCommand` script that enters the same sandbox the ssh2 pods give
 * (bubblewrap: the pod's /root, /workspace and /tmp), so OpenSSH pods see exactly the files the
 * ssh2 pods' exec and SFTP see. Needs root (sshd switches to the login user `root`).
 *
 * Unlike the ssh2 pods, sessions share the host's process ids (no pid namespace): as in a real
 * container, a command's background jobs outlive its session (`nohup … &`), so a namespace that
 * dies with its first process would not do. Every pod process carries a per-pod token in its
 * environment, which is how close() finds and ends them all.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdir, open, readFile, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { dirname, join, resolve as resolvePath } from 'node:path';
import { EmulatorError } from '../errors.ts';
import { generateHostKey, parseHostKey, publicKeyLine } from './keys.ts';
import { forEachLine } from './lines.ts';
import {
  bwrapArgs,
  findProgram,
  NO_SANDBOX_WARNING,
  POD_DIRS,
  resolveIsolation,
  type SandboxLayout,
} from './sandbox.ts';
import type { PodServer, PodServerOptions } from './server.ts';

export const SSHD_PATH = '/usr/sbin/sshd';

/** Which SSH server a pod runs: the emulator's own (ssh2, the default) or OpenSSH's `sshd`. */
export type PodSshServer = 'ssh2' | 'openssh';
export const POD_SSH_SERVERS: readonly PodSshServer[] = ['ssh2', 'openssh'];
/** Debian/Ubuntu's path; the script matches it to tell the sftp subsystem from a command. */
const SFTP_SERVER_CANDIDATES = ['/usr/lib/openssh/sftp-server', '/usr/libexec/openssh/sftp-server'];
/** Kept out of the sandbox: the pod's sshd files (host key, config, log). */
const SSHD_DIR = '.sshd';
const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Why OpenSSH pods cannot run here, or undefined. */
export function opensshPodsUnavailable(): string | undefined {
  try {
    accessSync(SSHD_PATH, constants.X_OK);
  } catch {
    return `${SSHD_PATH} is not installed (apt-get install openssh-server)`;
  }
  if (sftpServerPath() === undefined) return 'OpenSSH sftp-server is not installed';
  if (process.getuid?.() !== 0) {
    return 'OpenSSH pods log in as root, so the emulator must run as root (e.g. in a container)';
  }
  return undefined;
}

function sftpServerPath(): string | undefined {
  return SFTP_SERVER_CANDIDATES.find((path) => existsSync(path));
}

/** Single-quoted for sh. */
function q(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * The ForceCommand script: the pod's environment, then the session's program inside the
 * sandbox. sshd runs `ForceCommand` as `<login shell> -c '. SCRIPT'` (sourced, so a session costs
 * one exec less) with the client's command in SSH_ORIGINAL_COMMAND
 * (the subsystem's path for sftp, empty for a shell).
 */
function sessionScript(options: {
  prefix: readonly string[];
  env: Readonly<Record<string, string>>;
  home: string;
  shell: string;
  sftpServer: string;
}): string {
  const exports = Object.entries(options.env).map(([key, value]) => `export ${key}=${q(value)}`);
  const prefix = options.prefix.map(q).join(' ');
  return [
    '#!/bin/sh',
    '# Written by lium-emulator: every session of this pod enters the pod first.',
    ...exports,
    `cd ${q(options.home)} 2>/dev/null || cd /`,
    'case "$SSH_ORIGINAL_COMMAND" in',
    `  ${q(options.sftpServer)}) exec ${prefix} ${q(options.sftpServer)} ;;`,
    `  '') exec ${prefix} ${q(options.shell)} -l ;;`,
    `  *) exec ${prefix} ${q(options.shell)} -c "$SSH_ORIGINAL_COMMAND" ;;`,
    'esac',
    '',
  ].join('\n');
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function answersSsh(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (value: boolean): void => {
      socket.destroy();
      resolve(value);
    };
    socket.once('data', (data) => done(data.toString('latin1').startsWith('SSH-')));
    socket.once('error', () => done(false));
    socket.setTimeout(2_000, () => done(false));
  });
}

/** Names the pod's processes: close() ends every process started with this in its env. */
const TOKEN_VAR = 'LIUM_EMULATOR_POD';

/** Processes whose initial environment holds `entry` (`NAME=value`). */
function processesWith(entry: string): number[] {
  const needle = Buffer.from(`${entry}\0`);
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const environ = readFileSync(`/proc/${name}/environ`);
      if (environ.includes(needle)) found.push(Number(name));
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

function signalAll(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** The session processes of a listening sshd (each connection forks one). */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

export async function startOpensshPodServer(options: PodServerOptions): Promise<PodServer> {
  const unavailable = opensshPodsUnavailable();
  if (unavailable !== undefined) {
    throw new EmulatorError(`cannot start an OpenSSH pod: ${unavailable}`, {
      code: 'pod_ssh_unavailable',
      hint: 'Install openssh-server and run the emulator as root, or use --pod-ssh ssh2 (the default).',
    });
  }
  const isolation = await resolveIsolation(options.sandbox ?? 'auto');
  if (isolation === 'unshare') {
    throw new EmulatorError('OpenSSH pods need bubblewrap or --sandbox none', {
      code: 'pod_ssh_unavailable',
      hint: 'Install bubblewrap (apt-get install bubblewrap), or run with --sandbox none.',
    });
  }
  const host = options.host ?? '127.0.0.1';
  const dataDir = resolvePath(options.dataDir);
  for (const dir of POD_DIRS) await mkdir(join(dataDir, dir), { recursive: true });
  await chmod(join(dataDir, 'tmp'), 0o1777);
  const sshdDir = join(dataDir, SSHD_DIR);
  await mkdir(sshdDir, { recursive: true, mode: 0o700 });
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });

  const hostKey = options.hostKey ?? generateHostKey();
  parseHostKey(hostKey);
  const hostPublicKey = publicKeyLine(hostKey);
  const onLog = options.onLog ?? (() => {});
  const layout: SandboxLayout = {
    podId: options.podId,
    dataDir,
    hiddenHostDirs: options.hiddenHostDirs ?? [dirname(dataDir)],
  };
  const sftpServer = sftpServerPath() as string;
  const shell = existsSync('/bin/bash') ? '/bin/bash' : '/bin/sh';
  const home = isolation === 'none' ? join(dataDir, 'root') : '/root';
  const bwrap = isolation === 'bwrap' ? findProgram('bwrap') : undefined;
  // The ssh2 pods' layout, minus the pid namespace and --die-with-parent (see the top).
  const noPidNamespace = new Set(['--unshare-pid', '--die-with-parent']);
  const prefix = bwrap
    ? [bwrap, ...bwrapArgs(layout, { shimIsInit: false }).filter((a) => !noPidNamespace.has(a))]
    : [];
  const token = `${options.podId}:${randomBytes(8).toString('hex')}`;
  const env = {
    PATH: isolation === 'none' ? (process.env.PATH ?? SYSTEM_PATH) : SYSTEM_PATH,
    HOME: home,
    USER: 'root',
    LOGNAME: 'root',
    SHELL: shell,
    LANG: 'C.UTF-8',
    ...options.env,
    [TOKEN_VAR]: token,
  };

  const hostKeyPath = join(sshdDir, 'ssh_host_ed25519_key');
  await writeFile(hostKeyPath, hostKey.endsWith('\n') ? hostKey : `${hostKey}\n`, { mode: 0o600 });
  const authorizedKeysPath = join(sshdDir, 'authorized_keys');
  await writeFile(authorizedKeysPath, `${options.authorizedKeys.join('\n')}\n`, { mode: 0o600 });
  const scriptPath = join(sshdDir, 'session');
  await writeFile(scriptPath, sessionScript({ prefix, env, home, shell, sftpServer }), {
    mode: 0o700,
  });
  const logPath = join(sshdDir, 'sshd.log');

  let closing = false;
  let child: ChildProcess | undefined;
  let port = options.port ?? 0;
  for (let attempt = 0; attempt < 3 && child === undefined; attempt++) {
    if (port === 0 || attempt > 0) port = await freePort(host);
    const configPath = join(sshdDir, 'sshd_config');
    const config = [
      `ListenAddress ${host}`,
      `Port ${port}`,
      `HostKey ${hostKeyPath}`,
      `AuthorizedKeysFile ${authorizedKeysPath}`,
      `PidFile ${join(sshdDir, 'sshd.pid')}`,
      'AllowUsers root',
      'PermitRootLogin prohibit-password',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      'AllowTcpForwarding yes',
      'PermitUserEnvironment no',
      'PrintMotd no',
      'PrintLastLog no',
      'MaxStartups 100',
      'MaxSessions 64',
      `Subsystem sftp ${sftpServer}`,
      `ForceCommand . ${q(scriptPath)}`,
      'LogLevel ERROR',
    ];
    await writeFile(configPath, `${config.join('\n')}\n`);
    const log = await open(logPath, 'a');
    const started = spawn(SSHD_PATH, ['-D', '-e', '-f', configPath], {
      stdio: ['ignore', log.fd, log.fd],
    });
    await log.close();
    const deadline = Date.now() + 15_000;
    let up = false;
    while (!up && Date.now() < deadline && started.exitCode === null) {
      up = await answersSsh(host, port);
      if (!up) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (up) {
      child = started;
      break;
    }
    started.kill('SIGKILL');
    const text = await readFile(logPath, 'utf8').catch(() => '');
    if (!/Address already in use|Bind to port/.test(text) || attempt === 2) {
      throw new EmulatorError(`sshd for pod ${options.podId} did not start: ${text.trim()}`, {
        code: 'pod_ssh_unavailable',
      });
    }
  }
  const sshd = child as ChildProcess;
  sshd.on('exit', (code, signal) => {
    if (!closing) onLog(`pod ${options.podId}: sshd exited (${code ?? signal})`);
  });
  onLog(`pod ${options.podId}: OpenSSH sshd on ${host}:${port} (isolation ${isolation})`);
  if (isolation === 'none') onLog(`pod ${options.podId}: ${NO_SANDBOX_WARNING}`);
  let closed: Promise<void> | undefined;
  return {
    port,
    hostKey,
    hostPublicKey,
    isolation,
    get runningCommands() {
      return processesWith(`${TOKEN_VAR}=${token}`).length;
    },
    async run(command, onLine) {
      // The session script as sshd would run it for `ssh pod COMMAND`: the pod's environment
      // (its token included, so close() ends it too), then the sandbox.
      const proc = spawn('/bin/sh', ['-c', `. ${q(scriptPath)}`], {
        env: { SSH_ORIGINAL_COMMAND: command },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const exited = new Promise<number | null>((resolve) => {
        proc.once('error', () => resolve(null));
        proc.once('close', (code) => resolve(code));
      });
      const [code] = await Promise.all([
        exited,
        forEachLine(proc.stdout, onLine),
        forEachLine(proc.stderr, onLine),
      ]);
      return code;
    },
    setFaults(faults) {
      if (Object.values(faults).some((value) => value !== undefined && value !== false)) {
        onLog(`pod ${options.podId}: connection faults are not emulated on OpenSSH pods`);
      }
    },
    close() {
      closed ??= (async () => {
        closing = true;
        if (sshd.exitCode === null && sshd.signalCode === null && sshd.pid !== undefined) {
          // Each connection is a forked sshd in its own session: end those, then the listener.
          signalAll(childrenOf(sshd.pid), 'SIGTERM');
          const exited = new Promise<void>((resolve) => sshd.once('exit', () => resolve()));
          sshd.kill('SIGTERM');
          const timer = setTimeout(() => sshd.kill('SIGKILL'), 5_000);
          await exited;
          clearTimeout(timer);
        }
        // Then every command of the pod, background jobs included.
        for (let round = 0; round < 20; round++) {
          const left = processesWith(`${TOKEN_VAR}=${token}`);
          if (left.length === 0) break;
          signalAll(left, 'SIGKILL');
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      })();
      return closed;
    },
  };
}
