import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Socket } from 'node:net';
import { constants as osConstants } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import {
  bwrapArgs,
  findProgram,
  type Isolation,
  type SandboxLayout,
  unshareArgv,
} from './sandbox.ts';
import { SHIM_SOURCE } from './shim.ts';

const PERL = '/usr/bin/perl';
const SCRIPT = '/usr/bin/script';

export type ExitStatus =
  /** `problem`: why the pod could not run the command (bwrap's own error), for the client. */
  | { kind: 'exit'; code: number; problem?: string }
  | { kind: 'signal'; signal: string; coreDumped: boolean; message: string };

export interface PtySize {
  rows: number;
  cols: number;
}

export interface CommandSpec {
  /** Program and arguments, run without a shell. */
  argv: readonly string[];
  env: Readonly<Record<string, string>>;
  /** Run the command on a new pseudo-terminal of this size (through util-linux `script`). */
  pty?: PtySize | undefined;
}

export interface LaunchContext {
  isolation: Isolation;
  /** Run under the Perl shim (see shim.ts); false when Perl is missing. */
  useShim: boolean;
  layout: SandboxLayout;
  onLog: (line: string) => void;
}

/** One command running in a pod; the shim is its supervisor (see shim.ts). */
export interface PodProcess {
  readonly stdin: Writable;
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** How the command ended; resolves once, even if background jobs keep running. */
  readonly status: Promise<ExitStatus>;
  /** Resolves when nothing of this command is left running. */
  readonly gone: Promise<void>;
  signal(name: string): void;
  resize(size: PtySize): void;
  /** SIGKILL to the whole process group; in bwrap mode that ends the pid namespace. */
  kill(): void;
}

/** Quote one word for a POSIX shell. */
export function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

const SIGNAL_NAMES = new Map<number, string>(
  Object.entries(osConstants.signals).map(([name, num]) => [num, name.replace(/^SIG/, '')]),
);

export function signalName(num: number): string {
  return SIGNAL_NAMES.get(num) ?? String(num);
}

/**
 * Without Perl the command still runs, with less fidelity: no shim, so a death by signal inside
 * bubblewrap reads as exit 128+N, signals go to the whole process group, and a pty keeps its
 * first size. This wrapper only moves fds 4/5/6 to 0/1/2 (and closes the control socket).
 */
const NO_SHIM_WRAPPER = 'exec 0<&4 1>&5 2>&6 3>&- 4<&- 5>&- 6>&-; exec "$@"';

let perlPresent: boolean | undefined;
export function hasPerl(): boolean {
  perlPresent ??= existsSync(PERL);
  return perlPresent;
}

const programs = new Map<string, string>();
/** bwrap and unshare are looked up on PATH once (the probe found them there). */
function program(name: 'bwrap' | 'unshare'): string {
  let path = programs.get(name);
  if (!path) {
    path = findProgram(name) ?? name;
    programs.set(name, path);
  }
  return path;
}

export function launchCommand(ctx: LaunchContext, spec: CommandSpec): PodProcess {
  const shim = ctx.useShim;
  const mode = spec.pty ? 'pty' : 'plain';
  const inner = spec.pty ? ptyArgv(spec.argv, spec.pty) : [...spec.argv];
  const wrapped = shim
    ? [PERL, '-e', SHIM_SOURCE, mode, ...inner]
    : ['/bin/sh', '-c', NO_SHIM_WRAPPER, 'sh', ...inner];
  let argv: string[];
  if (ctx.isolation === 'bwrap') {
    argv = [program('bwrap'), ...bwrapArgs(ctx.layout, { shimIsInit: shim }), ...wrapped];
  } else if (ctx.isolation === 'unshare') {
    // The setup runs first in the same process (Perl) or script (sh); see unshare.ts.
    argv = shim
      ? [
          ...unshareArgv(program('unshare'), ctx.layout, { perl: PERL, shimSource: SHIM_SOURCE }),
          mode,
          ...inner,
        ]
      : [...unshareArgv(program('unshare'), ctx.layout, 'sh'), ...inner];
  } else argv = wrapped;
  const [file = PERL, ...args] = argv;
  const child = spawn(file, args, {
    env: { ...spec.env },
    ...(ctx.isolation === 'none' ? { cwd: join(ctx.layout.dataDir, 'root') } : {}),
    // 0-1 unused, 2 = sandbox diagnostics, 3 = control socket, 4-6 = the command's stdio.
    stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe', 'pipe', 'pipe'],
    detached: true,
  });
  return supervise(child, ctx, shim);
}

function ptyArgv(argv: readonly string[], size: PtySize): string[] {
  const setSize = `stty rows ${Math.trunc(size.rows)} cols ${Math.trunc(size.cols)} 2>/dev/null`;
  const command = `${setSize}; exec ${argv.map(shellQuote).join(' ')}`;
  // util-linux script: -q quiet, -f flush, -e child's exit code, -c command; BSD script
  // (macOS) takes the command as arguments after the log file instead.
  if (process.platform === 'darwin') return [SCRIPT, '-q', '/dev/null', '/bin/sh', '-c', command];
  return [SCRIPT, '-qfec', command, '/dev/null'];
}

function supervise(child: ChildProcess, ctx: LaunchContext, shim: boolean): PodProcess {
  const [, , diag, ctl, stdin, stdout, stderr] = child.stdio as unknown as [
    null,
    null,
    Readable,
    Socket,
    Writable,
    Readable,
    Readable,
  ];
  let diagnostics = '';
  diag.setEncoding('utf8');
  diag.on('data', (text: string) => {
    if (diagnostics.length < 4096) diagnostics += text;
  });
  stdin.on('error', () => {});
  ctl.on('error', () => {});

  let settle: (s: ExitStatus) => void = () => {};
  let settled = false;
  const status = new Promise<ExitStatus>((resolve) => {
    settle = (s) => {
      if (settled) return;
      settled = true;
      resolve(s);
    };
  });
  let ctlBuffer = '';
  ctl.setEncoding('utf8');
  ctl.on('data', (text: string) => {
    ctlBuffer += text;
    for (let nl = ctlBuffer.indexOf('\n'); nl >= 0; nl = ctlBuffer.indexOf('\n')) {
      const line = ctlBuffer.slice(0, nl);
      ctlBuffer = ctlBuffer.slice(nl + 1);
      const exit = /^exit (\d+)$/.exec(line);
      const sig = /^signal (\d+) ([01])$/.exec(line);
      if (exit) settle({ kind: 'exit', code: Number(exit[1]) });
      else if (sig)
        settle({
          kind: 'signal',
          signal: signalName(Number(sig[1])),
          coreDumped: sig[2] === '1',
          message: '',
        });
    }
  });

  let exited = false;
  const gone = new Promise<void>((resolve) => {
    child.on('error', (err) => {
      exited = true;
      ctx.onLog(`pod ${ctx.layout.podId}: cannot start a command: ${err.message}`);
      settle({
        kind: 'exit',
        code: 127,
        problem: `lium emulator: cannot start the command (${err.message})\n`,
      });
      resolve();
    });
    child.on('exit', (code, signal) => {
      exited = true;
      // The shim's report may still be in the control socket: read it to the end first.
      // Without a report the sandbox itself failed (or was killed).
      const fallback = (): void => {
        const why = diagnostics.trim();
        if (why) ctx.onLog(`pod ${ctx.layout.podId}: ${why}`);
        if (signal) {
          const name = signal.replace(/^SIG/, '');
          settle({ kind: 'signal', signal: name, coreDumped: false, message: why });
        } else {
          const problem = why ? { problem: `lium emulator: ${why}\n` } : {};
          settle({ kind: 'exit', code: code ?? 255, ...problem });
        }
        resolve();
      };
      if (ctl.readableEnded || ctl.destroyed) fallback();
      else {
        ctl.once('end', fallback);
        ctl.once('close', fallback);
      }
    });
  });

  const send = (line: string): void => {
    if (!exited && ctl.writable) ctl.write(`${line}\n`);
  };
  return {
    stdin,
    stdout,
    stderr,
    status,
    gone,
    signal(name) {
      if (!/^[A-Z0-9]+$/.test(name) || !(`SIG${name}` in osConstants.signals)) return;
      if (shim) send(`signal ${name}`);
      else if (!exited && child.pid !== undefined) {
        try {
          process.kill(-child.pid, `SIG${name}` as NodeJS.Signals);
        } catch {
          // already gone
        }
      }
    },
    resize(size) {
      send(`winch ${Math.trunc(size.rows)} ${Math.trunc(size.cols)}`);
    },
    kill() {
      if (exited || child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    },
  };
}
