/** The process edges a `lium` run talks to; tests pass capture streams, `main()` the real ones. */
export type OutputStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
export type InputStream = NodeJS.ReadableStream & {
  isTTY?: boolean;
  setRawMode?: (mode: boolean) => unknown;
};

export interface CliIO {
  stdout: OutputStream;
  stderr: OutputStream;
  stdin: InputStream;
  /** The environment the run sees (never mutated). */
  env: Readonly<Record<string, string | undefined>>;
  /** Directory relative local paths resolve against. */
  cwd: string;
  /** Aborted on Ctrl-C (main wires SIGINT to it); the run then exits 130. */
  signal?: AbortSignal;
  /** Ctrl-C after the first (main wires them); without it a command sees only the first. */
  interrupts?: InterruptStages;
}

/**
 * The second and third Ctrl-C. By default the second exits at once. A command that cleans up
 * in stages (`lium run`: pull, then stop the pod) holds them: then the second aborts `second`
 * (skip what can be skipped, still stop what costs money) and the third runs the command's last
 * words (which pod may still run, how to stop it) and exits 130.
 */
export interface InterruptStages {
  /** Aborted by the second Ctrl-C while a command holds the stages. */
  readonly second: AbortSignal;
  /** Holds the stages until the returned function is called. */
  hold(lastWords: () => void): () => void;
}
