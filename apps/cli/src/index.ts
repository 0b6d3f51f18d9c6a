/** Programmatic entry: run `lium` in-process (used by tests and tools that embed the CLI). */

export type { CliIO, InputStream, OutputStream } from './io.ts';
export { run } from './main.ts';
