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
}
