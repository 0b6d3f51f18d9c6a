import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/** Calls `onLine` with every line of `stream` (without its newline); resolves at its end. */
export function forEachLine(stream: Readable, onLine: (line: string) => void): Promise<void> {
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  lines.on('line', onLine);
  return new Promise((resolve) => lines.once('close', () => resolve()));
}
