import type { ExecResult } from './exec.ts';
import type { SshTarget } from './target.ts';

/** One pod of an {@link execMany} run. */
export interface ExecManyTarget {
  /** How lines and results are tagged (a pod name or HUID). */
  key: string;
  /** Where to run the command. */
  target: SshTarget;
}

/**
 * What {@link execMany} yields: each output line as it arrives, tagged with its pod's key, then one
 * `result` per pod (its {@link ExecResult}, or the error that stopped it).
 */
export type ExecManyEvent =
  | {
      /** A line of output. */
      type: 'line';
      /** The pod's {@link ExecManyTarget.key}. */
      key: string;
      /** Which stream the line came from. */
      stream: 'stdout' | 'stderr';
      /** The line, without its line break. */
      line: string;
    }
  | {
      /** The pod's command finished (or could not run). */
      type: 'result';
      /** The pod's {@link ExecManyTarget.key}. */
      key: string;
      /** Exit code, signal and output, when the command ran. */
      result?: ExecResult;
      /** Why it did not run or did not finish, otherwise. */
      error?: unknown;
    };

/** How {@link execMany} runs. */
export interface ExecManyOptions {
  /** Pods running at once (default 10). */
  concurrency?: number | undefined;
  /** Variables for the remote command; sent over stdin, never in the remote argv or logs. */
  env?: Record<string, string> | undefined;
  /** Stop each remote command after this long. */
  timeoutMs?: number | undefined;
  /** Stop every remote command when this fires. */
  signal?: AbortSignal | undefined;
}

/** What execMany needs from a pool (kept narrow so it is easy to reason about). */
export interface ExecCapable {
  /** Runs `command` on `target` and resolves with how it ended. */
  exec(
    target: SshTarget,
    command: string,
    options: {
      env?: Record<string, string> | undefined;
      timeoutMs?: number | undefined;
      signal?: AbortSignal | undefined;
      onStdout?: (chunk: Buffer) => void;
      onStderr?: (chunk: Buffer) => void;
    },
  ): Promise<ExecResult>;
}

/** Splits a byte stream into lines (a trailing partial line is flushed at the end). */
class LineSplitter {
  #rest = '';
  readonly #decoder = new TextDecoder();
  constructor(readonly onLine: (line: string) => void) {}
  push(chunk: Buffer): void {
    const text = this.#rest + this.#decoder.decode(chunk, { stream: true });
    const lines = text.split('\n');
    this.#rest = lines.pop() ?? '';
    for (const line of lines) this.onLine(line.replace(/\r$/, ''));
  }
  flush(): void {
    const rest = this.#rest + this.#decoder.decode();
    this.#rest = '';
    if (rest !== '') this.onLine(rest);
  }
}

/**
 * Runs one command on many pods at once and yields their output line by line, tagged with the
 * pod's key, then one `result` per pod. A pod that fails yields `{ type: 'result', error }`; the
 * others carry on.
 */
export async function* execMany(
  pool: ExecCapable,
  targets: ExecManyTarget[],
  command: string,
  options: ExecManyOptions = {},
): AsyncGenerator<ExecManyEvent> {
  const queue: ExecManyEvent[] = [];
  let wake: (() => void) | undefined;
  const push = (event: ExecManyEvent) => {
    queue.push(event);
    wake?.();
  };
  let next = 0;
  let running = 0;
  let finished = 0;
  const concurrency = Math.max(1, options.concurrency ?? 10);

  const launch = () => {
    while (running < concurrency && next < targets.length) {
      const { key, target } = targets[next++] as ExecManyTarget;
      running++;
      const stdout = new LineSplitter((line) =>
        push({ type: 'line', key, stream: 'stdout', line }),
      );
      const stderr = new LineSplitter((line) =>
        push({ type: 'line', key, stream: 'stderr', line }),
      );
      pool
        .exec(target, command, {
          env: options.env,
          timeoutMs: options.timeoutMs,
          signal: options.signal,
          onStdout: (chunk) => stdout.push(chunk),
          onStderr: (chunk) => stderr.push(chunk),
        })
        .then(
          (result) => ({ type: 'result' as const, key, result }),
          (error: unknown) => ({ type: 'result' as const, key, error }),
        )
        .then((event) => {
          stdout.flush();
          stderr.flush();
          push(event);
          running--;
          finished++;
          launch();
        });
    }
  };
  launch();
  while (finished < targets.length || queue.length > 0) {
    const event = queue.shift();
    if (event) {
      yield event;
      continue;
    }
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
    wake = undefined;
  }
}
