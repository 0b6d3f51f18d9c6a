import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { commandRuns } from './binaries.ts';
import type { SshConnection } from './connection.ts';
import type { SshTarget } from './target.ts';

/** Where an interactive shell reads and writes. */
export interface ShellOptions {
  /** Defaults to process.stdin (put into raw mode when it is a TTY). */
  stdin?: Readable | undefined;
  /** Defaults to process.stdout (its size and resize events drive the remote window). */
  stdout?: Writable | undefined;
  /** Use the system `ssh` for full terminal behaviour when possible (default true). */
  preferSystemSsh?: boolean | undefined;
}

export interface SystemSshSettings {
  privateKeyPath?: string | undefined;
  /** The pinned known_hosts file, or undefined when host-key checking is off. */
  knownHostsPath?: string | undefined;
  extra?: string[] | undefined;
}

/**
 * argv for OpenSSH's `ssh` reaching a target with our key and our pin (StrictHostKeyChecking=yes
 * against the pinned file; nothing is written to ~/.ssh/known_hosts).
 */
export function systemSshArgs(target: SshTarget, settings: SystemSshSettings): string[] {
  return [
    ...systemSshOptions(target, settings),
    ...(settings.extra ?? []),
    `${target.user}@${target.host}`,
  ];
}

/** The options of {@link systemSshArgs}: port, key and host-key pin, without the destination. */
export function systemSshOptions(target: SshTarget, settings: SystemSshSettings): string[] {
  const args = ['-p', String(target.port)];
  if (settings.privateKeyPath) args.push('-i', settings.privateKeyPath, '-o', 'IdentitiesOnly=yes');
  if (settings.knownHostsPath) {
    args.push(
      '-o',
      `UserKnownHostsFile=${settings.knownHostsPath}`,
      '-o',
      'StrictHostKeyChecking=yes',
    );
  } else {
    args.push(
      '-o',
      'UserKnownHostsFile=/dev/null',
      '-o',
      'StrictHostKeyChecking=no',
      '-o',
      'LogLevel=ERROR',
    );
  }
  return args;
}

/** Whether OpenSSH's client is on PATH (cached). */
export function hasSystemSsh(): Promise<boolean> {
  return commandRuns('ssh', ['-V']);
}

/** Runs the system ssh attached to this process's terminal; resolves with its exit code. */
export function runSystemSsh(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('ssh', args, { stdio: 'inherit', env });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 255)));
  });
}

type TtyIn = Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
type TtyOut = Writable & { columns?: number; rows?: number };

/** An interactive shell on an ssh2 pty: raw stdin, window resize, exit code passthrough. */
export async function ptyShell(connection: SshConnection, options: ShellOptions): Promise<number> {
  const stdin = (options.stdin ?? process.stdin) as TtyIn;
  const stdout = (options.stdout ?? process.stdout) as TtyOut;
  return connection.withChannel(async () => {
    const channel = await connection.shell({
      term: process.env.TERM || 'xterm-256color',
      rows: stdout.rows ?? 24,
      cols: stdout.columns ?? 80,
    });
    channel.on('error', () => undefined);
    const raw = stdin.isTTY === true && typeof stdin.setRawMode === 'function';
    if (raw) stdin.setRawMode?.(true);
    const onInput = (chunk: Buffer) => channel.write(chunk);
    const onResize = () => channel.setWindow(stdout.rows ?? 24, stdout.columns ?? 80, 0, 0);
    // A pty ignores an SSH EOF (the terminal stays open), so say it the way a terminal does:
    // ^D, which ends the input of the shell or of a program reading lines.
    const onEnd = () => channel.end('\x04');
    stdin.on('data', onInput);
    stdin.on('end', onEnd);
    // A stream that already ended never emits 'end' again, and a ^D sent before the shell's
    // prompt is flushed with the terminal settings: with no input ever coming, close the session.
    if (stdin.readableEnded || stdin.destroyed) channel.close();
    else stdin.resume();
    stdout.on('resize', onResize);
    channel.on('data', (chunk: Buffer) => stdout.write(chunk));
    channel.stderr.on('data', (chunk: Buffer) => stdout.write(chunk));
    let code = 0;
    channel.on('exit', (exitCode: number | null, signal?: string) => {
      code = typeof exitCode === 'number' ? exitCode : signal ? 128 : 255;
    });
    try {
      await Promise.race([
        new Promise<void>((resolve) => channel.once('close', () => resolve())),
        connection.closed.then(() => {
          code = 255;
        }),
      ]);
    } finally {
      stdin.off('data', onInput);
      stdin.off('end', onEnd);
      stdout.off('resize', onResize);
      if (raw) stdin.setRawMode?.(false);
      stdin.pause();
    }
    return code;
  });
}
