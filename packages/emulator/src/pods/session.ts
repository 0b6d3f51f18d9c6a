import type { Readable, Writable } from 'node:stream';
import type { AcceptConnection, ServerChannel, Session, SFTPWrapper } from 'ssh2';
import type { CommandSpec, ExitStatus, PodProcess, PtySize } from './process.ts';

export interface SessionHost {
  /** Environment every command starts with (before the client's `env` requests). */
  baseEnv(): Record<string, string>;
  /** argv for `exec` of a command string (the login shell's `-c`). */
  execArgv(command: string): string[];
  /** argv for an interactive `shell` request. */
  shellArgv(): string[];
  launch(spec: CommandSpec): PodProcess;
  serveSftp(sftp: SFTPWrapper): void;
}

/** Names a process environment accepts; values may hold anything but NUL. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * One `session` channel: collects `env` and `pty-req`, then runs exactly one of exec, shell or
 * the sftp subsystem, and forwards `signal` and `window-change` to the running command.
 */
export function serveSession(session: Session, host: SessionHost): void {
  const env: Record<string, string> = {};
  let pty: (PtySize & { term: string }) | undefined;
  let running: PodProcess | undefined;

  session.on('env', (accept, reject, info) => {
    if (ENV_NAME.test(info.key) && !info.val.includes('\0')) {
      env[info.key] = info.val;
      accept?.();
    } else reject?.();
  });
  session.on('pty', (accept, _reject, info) => {
    pty = { rows: info.rows || 24, cols: info.cols || 80, term: info.term || 'xterm' };
    accept?.();
  });
  session.on('window-change', (accept, _reject, info) => {
    if (pty) {
      pty = { ...pty, rows: info.rows || pty.rows, cols: info.cols || pty.cols };
      running?.resize(pty);
    }
    accept?.();
  });
  session.on('signal', (accept, _reject, info) => {
    running?.signal(info.name.replace(/^SIG/, ''));
    accept?.();
  });

  const start = (accept: AcceptConnection<ServerChannel>, argv: string[]): void => {
    // ssh2 hands out no channel when the client already ended the session.
    const channel = accept() as ServerChannel | undefined;
    if (!channel) return;
    const spec: CommandSpec = {
      argv,
      env: { ...host.baseEnv(), ...(pty ? { TERM: pty.term } : {}), ...env },
      pty: pty ? { rows: pty.rows, cols: pty.cols } : undefined,
    };
    running = host.launch(spec);
    connect(channel, running);
  };
  session.on('exec', (accept, _reject, info) => start(accept, host.execArgv(info.command)));
  session.on('shell', (accept) => start(accept, host.shellArgv()));
  session.on('sftp', (accept) => {
    const sftp = accept() as SFTPWrapper | undefined;
    if (sftp) host.serveSftp(sftp);
  });
  session.on('subsystem', (_accept, reject) => reject());
}

/**
 * Wire a command to its channel with backpressure both ways; the exit status is sent only
 * after every byte of output has been handed to the transport.
 */
function connect(channel: ServerChannel, proc: PodProcess): void {
  let closed = false;
  let finished = false;
  channel.pipe(proc.stdin);
  channel.on('close', () => {
    closed = true;
    // As sshd does when the client goes away: the output pipes close and, if the command is
    // still running, it is hung up.
    proc.stdout.destroy();
    proc.stderr.destroy();
    if (!finished) proc.signal('HUP');
  });
  void proc.status.then(() => {
    finished = true;
  });
  void Promise.all([pumpOutput(channel, proc), proc.status]).then(([, status]) => {
    if (closed) return;
    if (status.kind === 'exit' && status.problem) channel.stderr.write(status.problem);
    sendExit(channel, status);
    channel.end();
  });
}

/**
 * Copies stdout and stderr to the channel one chunk at a time. Serialising the two matters:
 * ssh2 1.17's server keeps one "waiting for window" slot per channel and never clears it, so
 * a stdout write and a stderr write both waiting for the peer's window replay stale data or
 * stall. With a single write in flight, clearing the slot after each completed write is safe.
 */
function pumpOutput(channel: ServerChannel, proc: PodProcess): Promise<void> {
  const stderr = channel.stderr as unknown as Writable;
  const sources: [Readable, Writable][] = [
    [proc.stdout, channel],
    [proc.stderr, stderr],
  ];
  return new Promise((resolve) => {
    const queue: [Writable, Buffer][] = [];
    let writing = false;
    let open = sources.length;
    const next = (): void => {
      if (writing) return;
      const item = queue.shift();
      if (!item) {
        if (open === 0) resolve();
        else for (const [source] of sources) source.resume();
        return;
      }
      writing = true;
      item[0].write(item[1], () => {
        clearWindowWaitSlot(channel);
        writing = false;
        next();
      });
    };
    for (const [source, target] of sources) {
      let done = false;
      const finish = (): void => {
        if (done) return;
        done = true;
        open -= 1;
        next();
      };
      source.on('data', (chunk: Buffer) => {
        queue.push([target, chunk]);
        if (queue.length > 4) source.pause();
        next();
      });
      source.once('end', finish);
      source.once('close', finish);
    }
  });
}

interface WindowWaitSlot {
  _chunk?: unknown;
  _chunkcb?: unknown;
  _chunkErr?: unknown;
  _chunkcbErr?: unknown;
}

function clearWindowWaitSlot(channel: ServerChannel): void {
  const slot = channel as unknown as WindowWaitSlot;
  slot._chunk = undefined;
  slot._chunkcb = undefined;
  slot._chunkErr = undefined;
  slot._chunkcbErr = undefined;
}

function sendExit(channel: ServerChannel, status: ExitStatus): void {
  if (status.kind === 'exit') channel.exit(status.code);
  else channel.exit(status.signal, status.coreDumped, status.message);
}
