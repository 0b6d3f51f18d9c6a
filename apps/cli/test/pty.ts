import { spawn } from 'node:child_process';
import { shQuote as shellQuote } from '@lium/ssh/target';
import { bin, ensureBuilt } from './built-cli.ts';

/*
 * The built `lium` in a real pseudo-terminal, through util-linux `script` (no native addon):
 * what a person sees in a terminal, keys typed included (Ctrl-C is "\u0003", Enter "\r").
 */

export { ensureBuilt };

export interface PtyRun {
  /** Everything the terminal showed (stdout and stderr together, with escapes). */
  readonly output: () => string;
  /** Types into the terminal. */
  type(keys: string): void;
  /** Resolves once `text` has been shown (checked on the output without escapes). */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<void>;
  /** The exit code, and how long after `type` was last called the process ended. */
  readonly done: Promise<{ code: number; sinceLastKeyMs: number }>;
}

export interface PtyOptions {
  env: Record<string, string>;
  cwd?: string | undefined;
  columns?: number | undefined;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: escapes are what is removed
const ESCAPES = /\u001b\[[0-9;?]*[A-Za-z]|\u001b\][^\u0007]*\u0007|\r/g;

/** The terminal output without colours, cursor moves and carriage returns. */
export function plain(text: string): string {
  return text.replace(ESCAPES, '');
}

/** Starts `lium ARGS` in a pseudo-terminal of `columns` (default 100) columns. */
export function liumInPty(args: readonly string[], options: PtyOptions): PtyRun {
  const columns = options.columns ?? 100;
  const command = `stty cols ${columns} rows 40; exec ${[process.execPath, bin, ...args].map(shellQuote).join(' ')}`;
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    cwd: options.cwd,
    env: { ...options.env, TERM: 'xterm-256color' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  let lastKey = Date.now();
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    for (const waiter of waiters) waiter();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const done = new Promise<{ code: number; sinceLastKeyMs: number }>((resolve) => {
    child.on('close', (code) =>
      resolve({ code: code ?? -1, sinceLastKeyMs: Date.now() - lastKey }),
    );
  });
  return {
    output: () => output,
    type(keys) {
      lastKey = Date.now();
      child.stdin.write(keys);
    },
    waitFor(text, timeoutMs = 30_000) {
      const seen = () =>
        typeof text === 'string' ? plain(output).includes(text) : text.test(plain(output));
      return new Promise<void>((resolve, reject) => {
        if (seen()) return resolve();
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`not shown within ${timeoutMs} ms: ${String(text)}\n${plain(output)}`));
        }, timeoutMs);
        const check = () => {
          if (!seen()) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
      });
    },
    done,
  };
}
