import type { Socket } from 'node:net';
import { join } from 'node:path';
import { defaultConfigDir } from '@lium/config';
import { type AuthOptions, type ResolvedAuth, resolveAuth } from './auth.ts';
import { type ConnectionSettings, SshConnection } from './connection.ts';
import { SshAbortError } from './errors.ts';
import { type ExecOptions, type ExecResult, runExec } from './exec.ts';
import { createExecStream, type ExecStream } from './exec-stream.ts';
import { type ForwardOptions, forwardPort, type PortForward } from './forward.ts';
import { type DynamicForwardOptions, forwardDynamic } from './forward-dynamic.ts';
import { forwardRemote, type RemoteForward, type RemoteForwardOptions } from './forward-remote.ts';
import { KnownHostsStore } from './known-hosts.ts';
import {
  hasSystemSsh,
  ptyShell,
  runSystemSsh,
  type ShellOptions,
  systemSshArgs,
  systemSshOptions,
} from './shell.ts';
import { sync } from './sync.ts';
import { hasLocalRsync, type SystemSshShell } from './sync-rsync.ts';
import type { SyncOptions, SyncResult } from './sync-types.ts';
import { assertTarget, type SshTarget, targetKey } from './target.ts';
import { download, type TransferOptions, type TransferResult, upload } from './transfer.ts';

/** Authentication, host-key pinning and connection settings of an {@link SshPool}. */
export interface SshPoolOptions extends AuthOptions {
  /** One OpenSSH known_hosts file per pod id; default `~/.lium/known_hosts`. */
  knownHostsDir?: string | undefined;
  /** `tofu` (default) pins the first key seen and refuses a changed one; `off` accepts any key. */
  hostKeyCheck?: 'tofu' | 'off' | undefined;
  /** TCP connect + handshake + auth (default 20 s). */
  connectTimeoutMs?: number | undefined;
  /** Keepalive ping interval (default 15 s); with the default count a dead link is seen within ~1 min. */
  keepaliveIntervalMs?: number | undefined;
  /** Unanswered keepalives before the connection is declared dead (default 3). */
  keepaliveCountMax?: number | undefined;
  /** Open session channels per connection (default 8; OpenSSH allows 10). */
  maxChannels?: number | undefined;
  /** Close a connection unused for this long (default 60 s; 0 keeps it until closeAll). */
  idleTimeoutMs?: number | undefined;
  /** ssh2 protocol debug lines (never contain env values: those travel inside the encrypted channel). */
  debug?: ((message: string) => void) | undefined;
}

/** A connection {@link SshPool.preconnect} started: see there. */
export interface Preconnect {
  /** Settles true once the connection is open with the pinned key; false when it was not tried or failed. Never rejects. */
  readonly ready: Promise<boolean>;
  /** Takes the connection out of the pool and closes it (at once, or as soon as it opens). */
  discard(): void;
}

/**
 * SSH connections to pods, one per target per process, shared by every operation. Host keys are
 * pinned on first use per pod id; a changed key is refused with SshHostKeyMismatchError.
 */
export class SshPool {
  /** The pinned host keys this pool checks and records. */
  readonly knownHosts: KnownHostsStore;
  readonly #options: SshPoolOptions;
  readonly #connections = new Map<string, Promise<SshConnection>>();
  #auth: Promise<ResolvedAuth> | undefined;

  constructor(options: SshPoolOptions = {}) {
    this.#options = options;
    this.knownHosts = new KnownHostsStore(
      options.knownHostsDir ?? join(defaultConfigDir(), 'known_hosts'),
    );
  }

  /** The options the pool was made with. */
  get options(): Readonly<SshPoolOptions> {
    return this.#options;
  }

  #settings(auth: ResolvedAuth): ConnectionSettings {
    const o = this.#options;
    return {
      auth,
      knownHosts: o.hostKeyCheck === 'off' ? undefined : this.knownHosts,
      connectTimeoutMs: o.connectTimeoutMs ?? 20_000,
      keepaliveIntervalMs: o.keepaliveIntervalMs ?? 15_000,
      keepaliveCountMax: o.keepaliveCountMax ?? 3,
      maxChannels: Math.max(1, o.maxChannels ?? 8),
      idleTimeoutMs: o.idleTimeoutMs ?? 60_000,
      debug: o.debug,
    };
  }

  /** The pooled connection for a target, opened (and its host key checked) on first use. */
  async connection(target: SshTarget): Promise<SshConnection> {
    assertTarget(target);
    const key = targetKey(target);
    for (;;) {
      const existing = this.#connections.get(key);
      if (!existing) break;
      // Everyone waiting on a connect that fails gets its error (no connect storm).
      const connection = await existing;
      if (!connection.isClosed) return connection;
      if (this.#connections.get(key) === existing) this.#connections.delete(key);
    }
    return this.#open(target, key, false);
  }

  /** Opens a connection and keeps it in the pool under `key` while it is open. */
  #open(
    target: SshTarget,
    key: string,
    pinnedOnly: boolean,
    socket?: Socket,
  ): Promise<SshConnection> {
    const opening = (async () => {
      this.#auth ??= resolveAuth(this.#options);
      const auth = await this.#auth.catch((error: unknown) => {
        this.#auth = undefined;
        socket?.destroy();
        throw error;
      });
      const connection = await SshConnection.open(
        { host: target.host, port: target.port, user: target.user, hostKeyId: target.hostKeyId },
        { ...this.#settings(auth), pinnedOnly, socket },
      ).catch((error: unknown) => {
        socket?.destroy();
        throw error;
      });
      void connection.closed.then(() => {
        if (this.#connections.get(key) === opening) this.#connections.delete(key);
      });
      return connection;
    })();
    this.#connections.set(key, opening);
    opening.catch(() => {
      if (this.#connections.get(key) === opening) this.#connections.delete(key);
    });
    return opening;
  }

  /**
   * Starts opening the pooled connection to a target whose address may be stale (remembered
   * from an earlier listing), so the handshake overlaps whatever confirms the address. It goes
   * ahead only when the target's host key is already pinned, and accepts only that key: a
   * different server at the address fails the handshake, and nothing new is ever pinned.
   * Nothing runs on the connection: settle `ready`, then either use the target through the
   * pool as usual (it finds this connection) or call `discard()`. `ready` never rejects.
   *
   * `options.socket`, a TCP connection to the target the caller opened before this module
   * loaded (so the server's accept and banner overlap the load), is used for the handshake; the
   * pool owns it from here and destroys it whenever it is not used.
   */
  preconnect(target: SshTarget, options: { socket?: Socket | undefined } = {}): Preconnect {
    const { socket } = options;
    const idle: Preconnect = {
      ready: Promise.resolve(false),
      discard: () => undefined,
    };
    // Without pinning nothing makes a stale address safe to try.
    if (this.#options.hostKeyCheck === 'off') {
      socket?.destroy();
      return idle;
    }
    let key: string;
    try {
      assertTarget(target);
      key = targetKey(target);
    } catch {
      socket?.destroy();
      return idle;
    }
    const existing = this.#connections.get(key);
    if (existing) {
      socket?.destroy();
      // Already open or opening for exactly this target: not ours to close.
      return {
        ready: existing.then(
          (connection) => !connection.isClosed,
          () => false,
        ),
        discard: () => undefined,
      };
    }
    const opening = this.#open(target, key, true, socket);
    let discarded = false;
    return {
      ready: opening.then(
        (connection) => !discarded && !connection.isClosed,
        () => false,
      ),
      discard: () => {
        discarded = true;
        if (this.#connections.get(key) === opening) this.#connections.delete(key);
        opening.then((connection) => connection.close()).catch(() => undefined);
      },
    };
  }

  /** Runs a command; resolves after both streams are drained. See ExecOptions. */
  async exec(target: SshTarget, command: string, options: ExecOptions = {}): Promise<ExecResult> {
    if (options.signal?.aborted) throw new SshAbortError(undefined, target);
    const connection = await this.connection(target);
    return connection.withChannel(() => runExec(connection, command, options), options.signal);
  }

  /**
   * Like exec, but as an async iterable of output chunks (flow-controlled: a slow consumer
   * pauses the remote command). `result` settles like exec's promise; its `stdout` and `stderr`
   * are empty because the output was delivered through the iterator instead of buffered.
   */
  execStream(target: SshTarget, command: string, options: ExecOptions = {}): ExecStream {
    return createExecStream(async (hooks) => {
      const connection = await this.connection(target);
      return connection.withChannel(
        () =>
          runExec(
            connection,
            command,
            {
              ...options,
              onStdout: (chunk) => {
                hooks.onStdout(chunk);
                options.onStdout?.(chunk);
              },
              onStderr: (chunk) => {
                hooks.onStderr(chunk);
                options.onStderr?.(chunk);
              },
            },
            { onChannel: hooks.onChannel, collect: false },
          ),
        options.signal,
      );
    });
  }

  /** Uploads a file or directory over SFTP (atomic per file; modes and mtimes kept). */
  async upload(
    target: SshTarget,
    localPath: string,
    remotePath: string,
    options: TransferOptions = {},
  ): Promise<TransferResult> {
    return upload(await this.connection(target), localPath, remotePath, options);
  }

  /** Downloads a file or directory over SFTP (atomic per file; modes and mtimes kept). */
  async download(
    target: SshTarget,
    remotePath: string,
    localPath: string,
    options: TransferOptions = {},
  ): Promise<TransferResult> {
    return download(await this.connection(target), remotePath, localPath, options);
  }

  /**
   * Syncs a directory (or file) with rsync, or over SFTP where rsync is missing on either end;
   * `result.method` says which ran. rsync's remote shell is OpenSSH's `ssh` with this pool's key
   * and pinned known_hosts file when it can use them, else a tunnel through this pool's connection
   * (see {@link SyncOptions.transport}).
   */
  async sync(target: SshTarget, options: SyncOptions): Promise<SyncResult> {
    assertTarget(target);
    const systemSsh = await this.#rsyncSystemSsh(target, options);
    let connection: SshConnection | undefined;
    const link = {
      target,
      systemSsh,
      connection: async () => {
        connection ??= await this.connection(target);
        return connection;
      },
    };
    if (systemSsh !== undefined) return sync(link, options);
    const opened = await link.connection();
    return opened.use(() => sync(link, options));
  }

  /**
   * OpenSSH's `ssh` for rsync's `-e`, when it is installed and can authenticate as this pool
   * does without a prompt (a key file without a passphrase, or an ssh-agent) and the host key is
   * pinned (a first sync pins it through the pooled connection first). Undefined otherwise.
   */
  async #rsyncSystemSsh(
    target: SshTarget,
    options: SyncOptions,
  ): Promise<SystemSshShell | undefined> {
    if (options.method === 'sftp' || options.transport === 'pool') return undefined;
    const o = this.#options;
    if (o.privateKey !== undefined || o.passphrase !== undefined) return undefined;
    const agent = o.agent ?? process.env.SSH_AUTH_SOCK;
    if (o.privateKeyPath === undefined && !agent) return undefined;
    const [rsync, ssh] = await Promise.all([hasLocalRsync(), hasSystemSsh()]);
    if (!rsync || !ssh) return undefined;
    const checked = o.hostKeyCheck !== 'off';
    if (checked && (await this.knownHosts.pinnedKeyTypes(target)).length === 0) {
      await this.connection(target); // pins the host key on first use
    }
    const settings = this.#settings({});
    const args = [
      '-F',
      '/dev/null',
      ...systemSshOptions(target, {
        privateKeyPath: o.privateKeyPath,
        knownHostsPath: checked ? this.knownHosts.pathFor(target) : undefined,
      }),
      '-o',
      'BatchMode=yes',
      '-o',
      `ConnectTimeout=${Math.max(1, Math.ceil(settings.connectTimeoutMs / 1000))}`,
      '-o',
      `ServerAliveInterval=${Math.max(1, Math.ceil(settings.keepaliveIntervalMs / 1000))}`,
      '-o',
      `ServerAliveCountMax=${settings.keepaliveCountMax}`,
    ];
    return { args, env: agent ? { SSH_AUTH_SOCK: agent } : {} };
  }

  /**
   * An interactive shell. With a terminal and OpenSSH installed it runs the system `ssh` (full
   * terminal behaviour) with our key and the pinned known_hosts file; otherwise an ssh2 pty.
   * Resolves with the remote exit code.
   */
  async shell(target: SshTarget, options: ShellOptions = {}): Promise<number> {
    const connection = await this.connection(target); // pins the host key on first use
    const o = this.#options;
    const ownTerminal = options.stdin === undefined && options.stdout === undefined;
    const keyUsable = o.privateKeyPath !== undefined && o.passphrase === undefined;
    const agent = o.agent ?? process.env.SSH_AUTH_SOCK;
    if (
      options.preferSystemSsh !== false &&
      ownTerminal &&
      process.stdin.isTTY &&
      (keyUsable || (o.privateKey === undefined && agent)) &&
      (await hasSystemSsh())
    ) {
      const args = this.systemSshArgs(target);
      return runSystemSsh(args, agent ? { ...process.env, SSH_AUTH_SOCK: agent } : process.env);
    }
    return ptyShell(connection, options);
  }

  /** argv (after `ssh`) for OpenSSH reaching a target with this pool's key and host-key pin. */
  systemSshArgs(target: SshTarget, extra: string[] = []): string[] {
    return systemSshArgs(target, {
      privateKeyPath: this.#options.privateKeyPath,
      knownHostsPath:
        this.#options.hostKeyCheck === 'off' ? undefined : this.knownHosts.pathFor(target),
      extra,
    });
  }

  /** Forwards a local port to a port on the pod over the SSH connection (direct-tcpip). */
  async forwardPort(target: SshTarget, options: ForwardOptions): Promise<PortForward> {
    return forwardPort(await this.connection(target), options);
  }

  /** Listens on a port of the pod; its connections are opened from here (`ssh -R`). */
  async forwardRemote(target: SshTarget, options: RemoteForwardOptions): Promise<RemoteForward> {
    return forwardRemote(await this.connection(target), options);
  }

  /** A local SOCKS5 proxy whose connections leave from the pod (`ssh -D`). */
  async forwardDynamic(target: SshTarget, options: DynamicForwardOptions): Promise<PortForward> {
    return forwardDynamic(await this.connection(target), options);
  }

  /** The known_hosts file pinning a pod's host key (usable with `ssh -o UserKnownHostsFile=`). */
  knownHostsPath(hostKeyId: string): string {
    return this.knownHosts.pathForId(hostKeyId);
  }

  /** Forgets a pod's pinned host key (after a rebuild); true when there was one. */
  async forgetHostKey(hostKeyId: string): Promise<boolean> {
    for (const [key, opening] of this.#connections) {
      if (key.endsWith(`#${hostKeyId}`)) {
        this.#connections.delete(key);
        opening.then((connection) => connection.close()).catch(() => undefined);
      }
    }
    return this.knownHosts.forget(this.knownHosts.pathForId(hostKeyId));
  }

  /** Number of open (or opening) connections. */
  get size(): number {
    return this.#connections.size;
  }

  /** Closes every connection and waits for their sockets to close. */
  async closeAll(): Promise<void> {
    const all = [...this.#connections.values()];
    this.#connections.clear();
    await Promise.all(
      all.map((opening) =>
        opening.then((connection) => connection.closeAndWait()).catch(() => undefined),
      ),
    );
  }
}
