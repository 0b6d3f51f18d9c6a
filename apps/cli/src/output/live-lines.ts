import type { OutputStream } from '../io.ts';
import { stripAnsi } from './color.ts';
import stringWidth from './string-width.ts';

/** A block of lines redrawn in place on a terminal: one per pod of a transfer or a rent. */
export interface LiveLines {
  /** Sets line `index` (drawn at the next frame). */
  set(index: number, text: string): void;
  /** Removes the block from the screen; what is final is then printed as ordinary lines. */
  stop(): void;
}

const FRAME_MS = 100;

/** A line cut to fit `columns`, so it never wraps (a wrapped line breaks the cursor moves). */
function fit(text: string, columns: number): string {
  if (stringWidth(stripAnsi(text)) < columns) return text;
  const plain = stripAnsi(text);
  let out = '';
  for (const char of plain) {
    if (stringWidth(`${out}${char}`) >= columns - 1) break;
    out += char;
  }
  return `${out}…`;
}

/**
 * Draws `count` lines on `stream` (a terminal) every frame while they change. `onClear` is
 * called with a function that wipes the block, so a message printed meanwhile goes above it
 * and the block is drawn again below.
 */
export function liveLines(
  stream: OutputStream,
  count: number,
  register: (clear: (() => void) | undefined) => void,
): LiveLines {
  const lines: string[] = Array.from({ length: count }, () => '');
  let drawn = 0;
  let dirty = true;
  const clear = () => {
    if (drawn > 0) stream.write(`\u001b[${drawn}F\u001b[J`);
    drawn = 0;
    dirty = true;
  };
  const draw = () => {
    if (!dirty) return;
    const columns = stream.columns ?? 80;
    const up = drawn > 0 ? `\u001b[${drawn}F` : '';
    stream.write(`${up}${lines.map((line) => `\u001b[2K${fit(line, columns)}\n`).join('')}`);
    drawn = lines.length;
    dirty = false;
    register(clear);
  };
  const timer = setInterval(draw, FRAME_MS);
  timer.unref?.();
  return {
    set(index, text) {
      if (lines[index] === text) return;
      lines[index] = text;
      dirty = true;
    },
    stop() {
      clearInterval(timer);
      clear();
      register(undefined);
    },
  };
}
