import { existsSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import { dirname, join, resolve as resolvePath } from 'node:path';
import type { Connection, SFTPWrapper } from 'ssh2';
import { coalesceWrites } from './coalesce.ts';
import { cutAfterBytes, type PodFaults } from './faults.ts';
import { forwardTcp } from './forward.ts';
import { AuthorizedKeys, generateHostKey, publicKeyLine, serverHostKey } from './keys.ts';
import { forEachLine } from './lines.ts';
import { type CommandSpec, hasPerl, launchCommand, type PodProcess } from './process.ts';
import {
  type Isolation,
  NEW_ROOT_DIR,
  NO_SANDBOX_WARNING,
  POD_DIRS,
  resolveIsolation,
  type SandboxLayout,
  type SandboxMode,
} from './sandbox.ts';
import { type SessionHost, serveSession } from './session.ts';
import { PodFs } from './sftp/pod-fs.ts';
import { serveSftp } from './sftp/server.ts';
import ssh2 from './ssh2.ts';

export interface PodServerOptions {
  podId: string;
  /** root/, workspace/ and tmp/ are created inside. */
  dataDir: string;
  /** OpenSSH public key lines; exactly these may log in, as `root`. */
  authorizedKeys: readonly string[];
  /** OpenSSH private key text; a new ed25519 key when absent. */
  hostKey?: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** Extra environment for every command (a template's env). */
  env?: Readonly<Record<string, string>>;
  /** Default 'auto': bubblewrap when it works here, else none. */
  sandbox?: SandboxMode;
  /**
   * Host directories the sandbox hides behind an empty tmpfs so pods cannot read each other's
   * data. Default: the directory that holds `dataDir` (where the emulator keeps all pods).
   */
  hiddenHostDirs?: readonly string[];
  /**
   * How commands are supervised. 'auto' uses the Perl shim when /usr/bin/perl exists (exact
   * exit signals, pty resizing, background jobs); 'shell' is what happens without Perl.
   */
  supervisor?: 'auto' | 'shell';
  onLog?: (line: string) => void;
}

export type { PodFaults };

export interface PodServer {
  readonly port: number;
  readonly hostKey: string;
  readonly hostPublicKey: string;
  readonly isolation: Isolation;
  /** Commands running right now (background jobs included). */
  readonly runningCommands: number;
  setFaults(faults: PodFaults): void;
  /**
   * Runs `command` in the pod with no SSH session, as a container's own start command runs, and
   * calls `onLine` with each line of its stdout and stderr. Resolves with its exit code (null when
   * a signal ended it). `close()` ends it like any other command of the pod.
   */
  run(command: string, onLine: (line: string) => void): Promise<number | null>;
  /** Ends every connection and kills every command of the pod; resolves when all are gone. */
  close(): Promise<void>;
}

const { Server: SshServer } = ssh2;

const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export async function startPodServer(options: PodServerOptions): Promise<PodServer> {
  const isolation = await resolveIsolation(options.sandbox ?? 'auto');
  const dataDir = resolvePath(options.dataDir);
  for (const dir of POD_DIRS) await mkdir(join(dataDir, dir), { recursive: true });
  // The unshare mode mounts the pod's root here, inside the command's own mount namespace.
  if (isolation === 'unshare') await mkdir(join(dataDir, NEW_ROOT_DIR), { recursive: true });
  await chmod(join(dataDir, 'tmp'), 0o1777);

  const hostKey = options.hostKey ?? generateHostKey();
  const parsedHostKey = serverHostKey(hostKey);
  const hostPublicKey = publicKeyLine(hostKey);
  const authorized = new AuthorizedKeys(options.authorizedKeys);
  const onLog = options.onLog ?? (() => {});
  const layout: SandboxLayout = {
    podId: options.podId,
    dataDir,
    hiddenHostDirs: options.hiddenHostDirs ?? [dirname(dataDir)],
  };
  // SFTP sees what the pod's commands see: the sandbox's view, or the host itself with `none`.
  const podFs = new PodFs({
    dataDir,
    hiddenHostDirs: layout.hiddenHostDirs,
    view: isolation === 'none' ? 'host' : 'sandbox',
  });

  let faults: PodFaults = {};
  let closing = false;
  const processes = new Set<PodProcess>();
  const clients = new Set<Connection>();
  const sockets = new Set<Socket>();
  const forwards = new Set<() => void>();

  const shell = existsSync('/bin/bash') ? '/bin/bash' : '/bin/sh';
  const useShim = options.supervisor !== 'shell' && hasPerl();
  const home = isolation === 'none' ? join(dataDir, 'root') : '/root';
  const baseEnv: Record<string, string> = {
    PATH: isolation === 'none' ? (process.env.PATH ?? SYSTEM_PATH) : SYSTEM_PATH,
    HOME: home,
    USER: 'root',
    LOGNAME: 'root',
    SHELL: shell,
    LANG: 'C.UTF-8',
    ...options.env,
  };

  const host: SessionHost = {
    baseEnv: () => ({ ...baseEnv }),
    execArgv: (command) => [shell, '-c', command],
    shellArgv: () => [shell, '-l'],
    launch(spec: CommandSpec) {
      const proc = launchCommand({ isolation, useShim, layout, onLog }, spec);
      processes.add(proc);
      void proc.gone.then(() => processes.delete(proc));
      if (closing) proc.kill();
      return proc;
    },
    serveSftp(sftp: SFTPWrapper) {
      serveSftp(sftp, podFs, onLog);
    },
  };

  const ssh = new SshServer({ hostKeys: [{ key: parsedHostKey }] }, (client) => {
    clients.add(client);
    client.on('close', () => clients.delete(client));
    // A client that drops its connection (paramiko, which the official Python client uses,
    // often resets it after an exec) is not an event of the pod's container: keep it out of the
    // pod's log, which clients print as the container's output (`lium logs`).
    client.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'ECONNRESET' && err.code !== 'EPIPE')
        onLog(`pod ${options.podId}: ssh: ${err.message}`);
    });
    client.on('authentication', (ctx) => {
      if (ctx.username === 'root' && ctx.method === 'publickey' && authorized.check(ctx)) {
        ctx.accept();
      } else ctx.reject(['publickey']);
    });
    client.on('ready', () => {
      client.on('session', (accept) => serveSession(accept(), host));
      client.on('tcpip', (accept, reject, info) =>
        forwardTcp(accept, reject, info, (close) => {
          forwards.add(close);
          return () => forwards.delete(close);
        }),
      );
    });
  });

  const listener: NetServer = createServer((socket) => {
    if (faults.refuseConnections || closing) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    // SFTP answers are small packets the client waits for before sending more: without this,
    // Nagle's algorithm holds them back behind unacknowledged data.
    socket.setNoDelay(true);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    coalesceWrites(socket);
    cutAfterBytes(socket, () => faults);
    ssh.injectSocket(socket);
  });
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 }, () => {
      listener.off('error', reject);
      resolve();
    });
  });
  const address = listener.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  onLog(
    `pod ${options.podId}: ssh on ${options.host ?? '127.0.0.1'}:${port} (isolation ${isolation})`,
  );
  if (isolation === 'none') onLog(`pod ${options.podId}: ${NO_SANDBOX_WARNING}`);

  let closed: Promise<void> | undefined;
  return {
    port,
    hostKey,
    hostPublicKey,
    isolation,
    get runningCommands() {
      return processes.size;
    },
    setFaults(next) {
      faults = { ...next };
    },
    async run(command, onLine) {
      const proc = host.launch({ argv: host.execArgv(command), env: host.baseEnv() });
      proc.stdin.end();
      const [status] = await Promise.all([
        proc.status,
        forEachLine(proc.stdout, onLine),
        forEachLine(proc.stderr, onLine),
      ]);
      return status.kind === 'exit' ? status.code : null;
    },
    close() {
      closed ??= (async () => {
        closing = true;
        const stopped = new Promise<void>((resolve) => listener.close(() => resolve()));
        for (const close of forwards) close();
        for (const client of clients) client.end();
        for (const socket of sockets) socket.destroy();
        const running = [...processes];
        for (const proc of running) proc.kill();
        await Promise.all(running.map((proc) => proc.gone));
        await stopped;
      })();
      return closed;
    },
  };
}

export { generateHostKey };
