import type { Socket } from 'node:net';
import type {
  AlgorithmList,
  ClientChannel,
  Client as ClientType,
  ConnectConfig,
  PseudoTtyOptions,
  ServerHostKeyAlgorithm,
  SFTPWrapper,
} from 'ssh2';
import type { ResolvedAuth } from './auth.ts';
import { coalesceWrites, connectCoalescing } from './coalescing-socket.ts';
import {
  LiumSshError,
  SshAbortError,
  SshDisconnectedError,
  SshHostKeyMismatchError,
  SshTargetError,
} from './errors.ts';
import { fingerprint, type KnownHostsStore } from './known-hosts.ts';
import { Limiter } from './limiter.ts';
import { mapSsh2Error } from './map-error.ts';
import { Client } from './ssh2-client.ts';
import type { SshTarget } from './target.ts';

const CONNECT_ATTEMPTS = 3;
const CONNECT_BACKOFF_MS = 100;
const EARLY_CLOSE_MESSAGE = 'Connection closed during the handshake';

/** One queue per server (host:port) for connection retries; see SshConnection.open. */
const retryLanes = new Map<string, Limiter>();

async function inRetryLane<T>(target: SshTarget, task: () => Promise<T>): Promise<T> {
  const key = `${target.host}:${target.port}`;
  let lane = retryLanes.get(key);
  if (lane === undefined) {
    lane = new Limiter(1);
    retryLanes.set(key, lane);
  }
  try {
    return await lane.run(task);
  } finally {
    if (lane.active === 0 && lane.waiting === 0) retryLanes.delete(key);
  }
}

/** Connect errors worth another attempt (see SshConnection.open). */
const droppedBeforeHandshake = new WeakSet<object>();

/** The socket was reset or closed before the key exchange finished (an sshd MaxStartups drop). */
function isDropBeforeHandshake(error: unknown): boolean {
  const err = error as { message?: unknown; code?: unknown; level?: unknown };
  if (err.level === 'client-authentication' || err.level === 'handshake') return false;
  if (err.code === 'ECONNRESET' || err.code === 'EPIPE') return true;
  return err.message === 'Connection lost before handshake' || err.message === EARLY_CLOSE_MESSAGE;
}

/** Signature algorithms that prove possession of a pinned key type. */
function hostKeyAlgorithms(keyType: string): ServerHostKeyAlgorithm[] {
  if (keyType === 'ssh-rsa') return ['rsa-sha2-512', 'rsa-sha2-256'];
  if (/^(ssh-ed25519|ecdsa-sha2-nistp(256|384|521))$/.test(keyType)) {
    return [keyType as ServerHostKeyAlgorithm];
  }
  return [];
}

export interface ConnectionSettings {
  auth: ResolvedAuth;
  /** undefined when host-key checking is off. */
  knownHosts: KnownHostsStore | undefined;
  connectTimeoutMs: number;
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
  maxChannels: number;
  idleTimeoutMs: number;
  debug?: ((message: string) => void) | undefined;
  /** Accept only a host key that is already pinned: never pin one (speculative connects). */
  pinnedOnly?: boolean | undefined;
  /**
   * A TCP socket to the target opened before ssh2 loaded (see `SshPool.preconnect`): the first
   * attempt speaks SSH over it, unless it already failed; a retry opens its own. The pool owns
   * it and destroys it when the open fails.
   */
  socket?: Socket | undefined;
}

/**
 * One ssh2 connection to one target, shared by every operation on it. Session channels (exec,
 * sftp, shell) are capped by a limiter below OpenSSH's MaxSessions; the connection closes itself
 * after `idleTimeoutMs` without users.
 */
export class SshConnection {
  /** Caps the channels open at once below the server's MaxSessions. */
  /** @internal */
  readonly limiter: Limiter;
  /** Settles when the connection closes: with the error that closed it, or undefined. */
  readonly closed: Promise<LiumSshError | undefined>;
  #isClosed = false;
  #closeError: LiumSshError | undefined;
  #users = 0;
  #idleTimer: NodeJS.Timeout | undefined;
  #home: Promise<string> | undefined;
  #resolveClosed!: (error: LiumSshError | undefined) => void;

  private constructor(
    /** The underlying ssh2 client. @internal */
    readonly client: ClientType,
    /** Where it is connected. */
    readonly target: SshTarget,
    /** How it was opened (auth, timeouts, keepalive, channel cap). @internal */
    readonly settings: ConnectionSettings,
  ) {
    this.limiter = new Limiter(settings.maxChannels);
    this.closed = new Promise((resolve) => {
      this.#resolveClosed = resolve;
    });
    client.on('error', (error) => {
      this.#closeError ??= mapSsh2Error(error, target, true);
    });
    client.on('close', () => {
      this.#isClosed = true;
      clearTimeout(this.#idleTimer);
      this.#resolveClosed(this.#closeError);
    });
    this.#armIdleTimer();
  }

  /**
   * Connects, retrying a few times (with a jittered backoff) when the server dropped the
   * connection before the key exchange finished. OpenSSH does that above its MaxStartups limit
   * (default 10:30:100), which one sshd serving many pods reaches when `lium exec all` opens
   * them all at once. Retries to one server take turns (one handshake at a time). Auth failures,
   * host-key mismatches, refusals and timeouts are not retried.
   */
  static async open(target: SshTarget, settings: ConnectionSettings): Promise<SshConnection> {
    for (let attempt = 1; ; attempt++) {
      try {
        if (attempt === 1) return await SshConnection.#openOnce(target, settings);
        // Retries to one server take turns, so they stop adding to the crowd that got them dropped.
        const fresh = { ...settings, socket: undefined };
        return await inRetryLane(target, () => SshConnection.#openOnce(target, fresh));
      } catch (error) {
        if (!droppedBeforeHandshake.has(error as object) || attempt >= CONNECT_ATTEMPTS)
          throw error;
        const backoffMs = CONNECT_BACKOFF_MS * 2 ** (attempt - 1) * (0.5 + Math.random());
        settings.debug?.(
          `lium: connection dropped before the handshake; retry ${attempt} in ${Math.round(backoffMs)} ms`,
        );
        await new Promise((resolve) => setTimeout(resolve, backoffMs));
      }
    }
  }

  static async #openOnce(target: SshTarget, settings: ConnectionSettings): Promise<SshConnection> {
    const client = new Client();
    const store = settings.knownHosts;
    let mismatch: SshHostKeyMismatchError | undefined;
    let verifyFailure: unknown;
    const config: ConnectConfig = {
      host: target.host,
      port: target.port,
      username: target.user,
      readyTimeout: settings.connectTimeoutMs,
      keepaliveInterval: settings.keepaliveIntervalMs,
      keepaliveCountMax: settings.keepaliveCountMax,
      ...settings.auth,
      // Straight to the key (then the agent): ssh2, like OpenSSH, first sends a `none` request
      // only to learn the server's methods, one round trip of every handshake.
      authHandler: [
        ...(settings.auth.privateKey === undefined ? [] : (['publickey'] as const)),
        ...(settings.auth.agent === undefined ? [] : (['agent'] as const)),
      ],
    };
    if (settings.debug) config.debug = settings.debug;
    if (store) {
      const pinnedTypes = await store.pinnedKeyTypes(target);
      if (settings.pinnedOnly && pinnedTypes.length === 0) {
        throw new SshTargetError(
          `No host key is pinned for ${target.user}@${target.host}:${target.port} yet`,
          { host: target.host, port: target.port },
        );
      }
      if (pinnedTypes.length > 0) {
        // Ask for the pinned algorithm first so a server with several host keys presents the pinned one.
        config.algorithms = {
          serverHostKey: {
            prepend: pinnedTypes.flatMap(hostKeyAlgorithms),
          } as AlgorithmList<ServerHostKeyAlgorithm>,
        };
      }
      config.hostVerifier = (key: Buffer, verify: (valid: boolean) => void) => {
        store.verify(target, key, { pin: settings.pinnedOnly !== true }).then(
          (verdict) => {
            if (verdict.kind === 'unpinned') {
              verifyFailure = new SshTargetError(
                `No host key is pinned for ${target.user}@${target.host}:${target.port} yet`,
                { host: target.host, port: target.port },
              );
              verify(false);
            } else if (verdict.kind === 'mismatch') {
              const expected = verdict.expected
                .map((entry) => `${entry.keyType} ${fingerprint(entry.keyBase64)}`)
                .join(', ');
              const actual = `${verdict.presentedType} ${fingerprint(key.toString('base64'))}`;
              mismatch = new SshHostKeyMismatchError(
                `The host key of ${target.user}@${target.host}:${target.port}${target.hostKeyId ? ` (pod ${target.hostKeyId})` : ''} changed: pinned ${expected}, presented ${actual}. Refusing to connect: this is either a rebuilt pod or someone intercepting the connection.`,
                {
                  host: target.host,
                  port: target.port,
                  user: target.user,
                  knownHostsPath: verdict.path,
                  expectedFingerprint: expected,
                  actualFingerprint: actual,
                  hostKeyId: target.hostKeyId,
                  // The library names the file, not a command: each front end (the CLI's
                  // `lium known-hosts forget`) replaces this hint with its own way out.
                  hint: `If the pod was rebuilt or rebooted, remove the old pin (${verdict.path}), then connect again.`,
                },
              );
              verify(false);
            } else {
              verify(true);
            }
          },
          (error: unknown) => {
            verifyFailure = error;
            verify(false);
          },
        );
      };
    }
    return new Promise((resolve, reject) => {
      let settled = false;
      // Set once the key exchange is over: from then on auth runs, and nothing is retried.
      let keyExchangeDone = false;
      const guard = setTimeout(() => {
        fail(
          Object.assign(new Error('Timed out while waiting for handshake'), {
            level: 'client-timeout',
          }),
        );
      }, settings.connectTimeoutMs + 2_000);
      const fail = (error: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(guard);
        client.removeAllListeners('ready');
        // Never leave a half-open socket behind a failed connect.
        setImmediate(() => client.destroy());
        if (mismatch) return reject(mismatch);
        if (verifyFailure) return reject(verifyFailure);
        const mapped = mapSsh2Error(error, target, false);
        if (!keyExchangeDone && isDropBeforeHandshake(error)) droppedBeforeHandshake.add(mapped);
        reject(mapped);
      };
      client.once('handshake', () => {
        keyExchangeDone = true;
      });
      client.once('ready', () => {
        if (settled) return;
        settled = true;
        clearTimeout(guard);
        client.removeListener('error', fail);
        client.removeListener('close', onEarlyClose);
        resolve(new SshConnection(client, target, settings));
      });
      const onEarlyClose = () => fail(new Error(EARLY_CLOSE_MESSAGE));
      client.on('error', fail);
      client.once('close', onEarlyClose);
      try {
        // Our own socket (or the one opened before ssh2 loaded), so the packets ssh2 writes in
        // one tick leave in one writev.
        const early = settings.socket;
        const sock =
          early && !early.destroyed
            ? coalesceWrites(early)
            : connectCoalescing({ host: target.host, port: target.port });
        client.connect({ ...config, sock });
        // ssh2 leaves Nagle's algorithm on; with delayed ACKs it stalls every small request
        // (measured on loopback: SFTP download 26 -> 86-145 MiB/s, one exec 230 -> 140 ms).
        client.setNoDelay(true);
      } catch (error) {
        fail(error);
      }
    });
  }

  /** Whether the connection has closed (it cannot be reused then). */
  get isClosed(): boolean {
    return this.#isClosed;
  }

  /** The error to report for an operation interrupted by the connection going away. */
  disconnectedError(): LiumSshError {
    return (
      this.#closeError ??
      new SshDisconnectedError(
        `The SSH connection to ${this.target.user}@${this.target.host}:${this.target.port} was closed`,
        { host: this.target.host, port: this.target.port, user: this.target.user },
      )
    );
  }

  /** Marks the connection busy (no idle close) for the duration of `task`. */
  async use<T>(task: () => Promise<T>): Promise<T> {
    this.#users++;
    clearTimeout(this.#idleTimer);
    try {
      return await task();
    } finally {
      this.#users--;
      this.#armIdleTimer();
    }
  }

  /** Holds one session-channel slot for the duration of `task`. */
  withChannel<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    return this.use(() =>
      this.limiter.run(task, signal).catch((error: unknown) => {
        // Aborted while queued for a slot: nothing ran remotely.
        if (signal?.aborted && error === signal.reason) {
          throw new SshAbortError(undefined, { ...this.target, cause: error });
        }
        throw error;
      }),
    );
  }

  #armIdleTimer(): void {
    clearTimeout(this.#idleTimer);
    if (this.#users > 0 || this.#isClosed || this.settings.idleTimeoutMs <= 0) return;
    this.#idleTimer = setTimeout(() => this.close(), this.settings.idleTimeoutMs);
    this.#idleTimer.unref();
  }

  /**
   * Opens a session channel, retrying briefly when the server refuses it for lack of a slot:
   * OpenSSH frees a session only after reaping its process, so a channel opened right after
   * another closed can hit MaxSessions even below the cap.
   */
  async #openChannel<T>(open: (callback: (error: Error | undefined, value: T) => void) => void) {
    for (let attempt = 0; ; attempt++) {
      if (this.#isClosed) throw this.disconnectedError();
      try {
        return await new Promise<T>((resolve, reject) =>
          open((error, value) => (error ? reject(error) : resolve(value))),
        );
      } catch (error) {
        if (this.#isClosed) throw this.disconnectedError();
        const reason = (error as { reason?: unknown }).reason;
        const refused = /channel open failure/i.test((error as Error).message ?? '');
        if (!refused) throw mapSsh2Error(error, this.target, true);
        if ((reason === 1 || reason === 4) && attempt < 8) {
          await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
          continue;
        }
        throw new LiumSshError(
          `${this.target.user}@${this.target.host}:${this.target.port} refused to open a session channel (${(error as Error).message})`,
          {
            ...this.target,
            code: 'ssh_channel_open_failed',
            cause: error,
            hint: 'The server allows fewer sessions per connection (MaxSessions); lower maxChannels.',
          },
        );
      }
    }
  }

  /** Opens an exec channel; the caller must hold a channel slot. */
  exec(command: string, pty: PseudoTtyOptions | false): Promise<ClientChannel> {
    const options = pty ? { pty } : {};
    return this.#openChannel<ClientChannel>((callback) =>
      this.client.exec(command, options, callback),
    );
  }

  /** Opens an interactive shell channel; the caller must hold a channel slot. */
  shell(pty: PseudoTtyOptions): Promise<ClientChannel> {
    return this.#openChannel<ClientChannel>((callback) => this.client.shell(pty, callback));
  }

  /** Opens an SFTP session; the caller must hold a channel slot and end it when done. */
  sftp(): Promise<SFTPWrapper> {
    return this.#openChannel<SFTPWrapper>((callback) => this.client.sftp(callback));
  }

  /** The remote home directory (what `~` and relative paths resolve against), cached. */
  home(realpath: () => Promise<string>): Promise<string> {
    this.#home ??= realpath().catch((error: unknown) => {
      this.#home = undefined;
      throw error;
    });
    return this.#home;
  }

  /** Closes the connection now, without waiting for it to finish closing. */
  close(): void {
    if (this.#isClosed) return;
    this.client.end();
  }

  /** Closes and waits for the socket to go away. */
  async closeAndWait(): Promise<void> {
    if (!this.#isClosed) {
      this.client.end();
      const timer = setTimeout(() => this.client.destroy(), 2_000);
      await this.closed;
      clearTimeout(timer);
    }
  }
}
