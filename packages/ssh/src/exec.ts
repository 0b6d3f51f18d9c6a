import type { Readable } from 'node:stream';
import type { ClientChannel, PseudoTtyOptions } from 'ssh2';
import { onAbort } from './abort-relay.ts';
import type { SshConnection } from './connection.ts';
import { envAssignments } from './env.ts';
import { type LiumSshError, SshAbortError, SshCommandTimeoutError } from './errors.ts';
import { shQuote } from './shell-quote.ts';
import { channelInternalsOf } from './ssh2-internals.ts';

/** How to run one remote command. */
export interface ExecOptions {
  /** Variables for the remote command; sent over stdin, never in the remote argv or logs. */
  env?: Record<string, string> | undefined;
  /** Data for the command's stdin. */
  stdin?: string | Buffer | Readable | undefined;
  /** Allocate a pseudo-terminal (stderr then arrives merged into stdout). */
  pty?: boolean | PseudoTtyOptions | undefined;
  /** Stop the remote command after this long and reject with SshCommandTimeoutError. */
  timeoutMs?: number | undefined;
  /** Stop the remote command when this fires and reject with SshAbortError. */
  signal?: AbortSignal | undefined;
  /** Called with each chunk of stdout as it arrives (it is still collected in the result). */
  onStdout?: ((chunk: Buffer) => void) | undefined;
  /** Called with each chunk of stderr as it arrives (it is still collected in the result). */
  onStderr?: ((chunk: Buffer) => void) | undefined;
}

/** How a remote command ended, with its whole output. */
export interface ExecResult {
  /** Everything it wrote to stdout, as UTF-8. */
  stdout: string;
  /** Everything it wrote to stderr, as UTF-8. */
  stderr: string;
  /** null when the command was killed by a signal. */
  exitCode: number | null;
  /** The signal name without `SIG` (e.g. `TERM`), or null. */
  signal: string | null;
}

/** Internal hooks used by execStream (flow control) and the rsync bridge (raw streams). */
export interface ExecHooks {
  onChannel?: (channel: ClientChannel) => void;
  collect?: boolean;
}

const MARK = '\x1elium-pid:';
const KILL_GRACE_MS = 2_000;

/**
 * The remote side of every exec, run by the login shell itself (as plain `ssh host cmd` would):
 * report our pid (the session's process group under OpenSSH) on the first line, read one line of
 * env assignments from stdin and `eval` it, then `eval` the command. With a pty, echo and line
 * editing are off while the env line is read. A command killed by a signal other than the
 * shell's own therefore reads as exit 128+N, as with any compound `ssh host 'a; b'`.
 */
export function execWrapper(command: string, pty: boolean, stoppable = true): string {
  const announce = `printf '\\036lium-pid:%s\\n' "$$"`;
  const readEnv = 'IFS= read -r __lium_env || exit 125';
  // A stoppable command (timeout or abort signal) runs as a waited-for job so a signal reaching
  // the shell (our ssh `signal` request) is trapped at once and ends the whole process group.
  // Otherwise it runs in the foreground: the extra fork costs about 30 ms per call, and the
  // process-group kill by the reported pid still reaches it.
  const stop = `trap 'trap - TERM INT HUP; kill -TERM 0 2>/dev/null' TERM INT HUP`;
  const evalCommand = `eval ${shQuote(command)}`;
  const run = stoppable
    ? `eval "$__lium_env"; unset __lium_env; ${stop}; ${evalCommand} <&0 & wait $!`
    : `eval "$__lium_env"; unset __lium_env; ${evalCommand}`;
  return pty
    ? `__lium_tty=$(stty -g 2>/dev/null); stty -echo -icanon min 1 time 0 2>/dev/null; ${announce}; ${readEnv}; [ -n "$__lium_tty" ] && stty "$__lium_tty" 2>/dev/null; unset __lium_tty; ${run}`
    : `${announce} >&2; ${readEnv}; ${run}`;
}

const MARK_SCAN_LIMIT = 64 * 1024;

/**
 * Removes the wrapper's pid line from one stream and reports the pid. Lines before it (a noisy
 * ~/.bashrc) pass through unchanged; after the marker, or after 64 KiB without one, every byte
 * passes through untouched.
 */
export class PidLineFilter {
  #pending: Buffer | undefined = Buffer.alloc(0);
  #scanned = 0;
  constructor(readonly onPid: (pid: number) => void) {}

  push(chunk: Buffer): Buffer {
    if (this.#pending === undefined) return chunk;
    let data = Buffer.concat([this.#pending, chunk]);
    const out: Buffer[] = [];
    const prefix = Buffer.from(MARK);
    for (;;) {
      const newline = data.indexOf(0x0a);
      const comparable = Math.min(data.length, prefix.length);
      const mayBeMarker = data.subarray(0, comparable).equals(prefix.subarray(0, comparable));
      if (newline < 0) {
        // Hold back a partial line only while it could still be the marker.
        if (mayBeMarker) {
          this.#pending = data;
          return Buffer.concat(out);
        }
        out.push(data);
        this.#scanned += data.length;
        this.#pending = this.#scanned < MARK_SCAN_LIMIT ? Buffer.alloc(0) : undefined;
        return Buffer.concat(out);
      }
      const line = data.subarray(0, newline + 1);
      data = data.subarray(newline + 1);
      if (mayBeMarker && newline >= prefix.length) {
        const pid = Number(line.subarray(prefix.length).toString('latin1').trim());
        if (Number.isInteger(pid) && pid > 1) this.onPid(pid);
        this.#pending = undefined;
        out.push(data);
        return Buffer.concat(out);
      }
      out.push(line);
      this.#scanned += line.length;
      if (this.#scanned >= MARK_SCAN_LIMIT) {
        this.#pending = undefined;
        out.push(data);
        return Buffer.concat(out);
      }
    }
  }

  /** Whatever was held back when the stream ended without a full line. */
  flush(): Buffer {
    const rest = this.#pending ?? Buffer.alloc(0);
    this.#pending = undefined;
    return rest;
  }
}

/**
 * Sends an ssh `signal` request. ssh2's `channel.signal()` silently does nothing once our side
 * of the channel is ended (stdin EOF), which is exactly when a running command needs stopping,
 * so the request goes straight to the protocol layer while the channel is open.
 */
export function sendSignal(channel: ClientChannel, name: string): void {
  const internals = channelInternalsOf(channel);
  const id = internals.outgoing?.id;
  const protocol = internals._client?._protocol;
  try {
    if (internals.outgoing?.state === 'open' && id !== undefined && protocol?.signal) {
      protocol.signal(id, name);
    } else {
      channel.signal(name);
    }
  } catch {
    // Servers that ignore signals are handled by the process-group kill.
  }
}

/** Sends `signal` to the remote process group through a separate short-lived channel. */
async function killRemote(connection: SshConnection, pid: number, signal: 'TERM' | 'KILL') {
  try {
    const channel = await connection.exec(
      `kill -${signal} -- -${pid} 2>/dev/null || kill -${signal} ${pid} 2>/dev/null; true`,
      false,
    );
    channel.on('error', () => undefined);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 5_000);
      channel.on('close', () => {
        clearTimeout(timer);
        resolve();
      });
      channel.resume();
      channel.stderr.resume();
      channel.end();
    });
  } catch {
    // The connection is going away anyway; nothing more can be done remotely.
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function ptyOptions(pty: ExecOptions['pty']): PseudoTtyOptions | false {
  if (!pty) return false;
  return pty === true ? { term: 'xterm-256color', rows: 24, cols: 80 } : pty;
}

/**
 * Runs one command on an open connection (the caller holds a channel slot). Resolves after both
 * streams are drained and the channel closed; a timeout or abort stops the remote process first.
 */
export async function runExec(
  connection: SshConnection,
  command: string,
  options: ExecOptions = {},
  hooks: ExecHooks = {},
): Promise<ExecResult> {
  const env = envAssignments(options.env);
  const pty = ptyOptions(options.pty);
  const abortSignal = options.signal;
  if (abortSignal?.aborted) throw new SshAbortError(undefined, connection.target);
  const stoppable =
    abortSignal !== undefined || (options.timeoutMs !== undefined && options.timeoutMs > 0);
  const channel = await connection.exec(execWrapper(command, pty !== false, stoppable), pty);
  hooks.onChannel?.(channel);
  // A write racing the remote end (stdin to a command that already exited) must not crash us.
  channel.on('error', () => undefined);
  const collect = hooks.collect ?? true;
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  let remotePid: number | undefined;
  let exitCode: number | null = null;
  let exitSignal: string | null = null;
  let stopping: LiumSshError | undefined;
  let timer: NodeJS.Timeout | undefined;

  const sendEnvAndStdin = () => {
    channel.write(`${env}\n`);
    const input = options.stdin;
    if (input === undefined) {
      if (!pty) channel.end();
    } else if (typeof input === 'string' || Buffer.isBuffer(input)) {
      channel.end(input);
    } else {
      input.on('error', () => channel.end());
      input.pipe(channel);
    }
  };
  let onPidKnown!: () => void;
  const pidKnown = new Promise<void>((resolve) => {
    onPidKnown = resolve;
  });
  const markerFilter = new PidLineFilter((pid) => {
    remotePid = pid;
    onPidKnown();
    if (pty) sendEnvAndStdin();
  });
  const emit = (which: 'stdout' | 'stderr', chunk: Buffer) => {
    if (chunk.length === 0) return;
    if (collect) (which === 'stdout' ? stdout : stderr).push(chunk);
    (which === 'stdout' ? options.onStdout : options.onStderr)?.(chunk);
  };
  channel.on('data', (chunk: Buffer) => emit('stdout', pty ? markerFilter.push(chunk) : chunk));
  channel.stderr.on('data', (chunk: Buffer) =>
    emit('stderr', pty ? chunk : markerFilter.push(chunk)),
  );
  channel.on('exit', (code: number | null, signalName?: string) => {
    if (typeof code === 'number') exitCode = code;
    if (signalName) exitSignal = signalName.replace(/^SIG/, '');
  });

  const closed = new Promise<void>((resolve) => channel.once('close', () => resolve()));
  const connectionLost = connection.closed.then(() => 'lost' as const);

  const stop = async (reason: LiumSshError) => {
    if (stopping) return;
    stopping = reason;
    sendSignal(channel, 'TERM');
    if (remotePid === undefined) {
      // Stopped before the wrapper reported its pid: wait for it (or for the end) and signal again.
      await Promise.race([pidKnown, closed, delay(KILL_GRACE_MS)]);
      if (remotePid !== undefined) sendSignal(channel, 'TERM');
    }
    if (remotePid !== undefined) await killRemote(connection, remotePid, 'TERM');
    const timedOut = await Promise.race([
      closed.then(() => false),
      delay(KILL_GRACE_MS).then(() => true),
    ]);
    if (timedOut) {
      if (remotePid !== undefined) await killRemote(connection, remotePid, 'KILL');
      channel.close();
    }
  };
  const unsubscribeAbort = onAbort(
    abortSignal,
    () => void stop(new SshAbortError(undefined, connection.target)),
  );
  if (options.timeoutMs !== undefined && options.timeoutMs > 0) {
    const timeoutMs = options.timeoutMs;
    timer = setTimeout(() => {
      void stop(
        new SshCommandTimeoutError(
          `The command did not finish within ${timeoutMs} ms; it was stopped on the pod`,
          {
            ...connection.target,
            timeoutMs,
            hint: 'Raise timeoutMs, or run long jobs in the background (nohup … &).',
          },
        ),
      );
    }, timeoutMs);
  }
  if (!pty) sendEnvAndStdin();

  try {
    const outcome = await Promise.race([closed.then(() => 'closed' as const), connectionLost]);
    const rest = markerFilter.flush();
    if (rest.length > 0) emit(pty ? 'stdout' : 'stderr', rest);
    if (stopping) throw stopping;
    if (outcome === 'lost' && exitCode === null && exitSignal === null) {
      throw connection.disconnectedError();
    }
    return {
      stdout: Buffer.concat(stdout).toString('utf8'),
      stderr: Buffer.concat(stderr).toString('utf8'),
      exitCode,
      signal: exitSignal,
    };
  } finally {
    clearTimeout(timer);
    unsubscribeAbort();
  }
}
