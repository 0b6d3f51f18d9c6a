import type { CliIO, InterruptStages } from './io.ts';
import { VERSION } from './version.ts';

export type { CliIO } from './io.ts';

/**
 * Runs one `lium` invocation and resolves to its exit code. Tests call this in-process with
 * capture streams; `main()` calls it with the real process.
 */
export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  // Fast path: `lium --version` must cost little more than starting Node, so it loads nothing.
  if (argv.length === 1 && argv[0] === '--version') {
    io.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const { runCli } = await import('./cli.ts');
  return runCli([...argv], io);
}

/** The entry point of `bin/lium.js`: wires the real process to `run`. */
export async function main(): Promise<void> {
  const interrupt = new AbortController();
  const second = new AbortController();
  let lastWords: (() => void) | undefined;
  let interrupts = 0;
  const stages: InterruptStages = {
    second: second.signal,
    hold(words) {
      lastWords = words;
      return () => {
        if (lastWords === words) lastWords = undefined;
      };
    },
  };
  process.on('SIGINT', () => {
    interrupts += 1;
    // The first Ctrl-C asks the command to stop cleanly. The second leaves at once, unless the
    // command holds the stages (see InterruptStages): then it skips what can be skipped, and
    // the third leaves at once after the command's last words.
    if (interrupts === 1) interrupt.abort();
    else if (interrupts === 2 && lastWords) second.abort();
    else {
      lastWords?.();
      process.exit(130);
    }
  });
  // `lium ls | head -1`: the reader has gone, which is not an error of ours; stop quietly.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      interrupt.abort();
      process.exit(0);
    });
  }
  const code = await run(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    signal: interrupt.signal,
    interrupts: stages,
  });
  process.exitCode = code;
  // Whatever the command left open (it should leave nothing), do not hang after it ended.
  setTimeout(() => process.exit(code), 3000).unref();
}
