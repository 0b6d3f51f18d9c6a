import type { OutputStream } from '../io.ts';
import { createPalette, type Palette } from './color.ts';
import { formatBytes } from './format.ts';
import { type LiveLines, liveLines } from './live-lines.ts';
import { type Column, fitTable } from './table.ts';

/** One column of a listing: its header and how a row fills the cell (with stdout's colours). */
export interface ResultColumn<Row> extends Column {
  cell(row: Row, c: Palette): string;
}

export interface ResultOptions<Row> {
  /** The row's stable `--json` fields (the whole document is the array of them). */
  json(row: Row): unknown;
  columns: readonly ResultColumn<Row>[];
  /** What to say on stderr when there are no rows: a warning, then an optional hint. */
  empty: { message: string; hint?: string | undefined; warn?: boolean | undefined };
  /** A dim line on stderr under the table (counts, what to do next). */
  footer?: string | undefined;
}

/** What {@link Output.result} printed, for a caller that says more about it. */
export interface ResultShown {
  /** Headers of the columns left out so that rows fit the terminal. */
  hidden: string[];
}

export interface OutputOptions {
  stdout: OutputStream;
  stderr: OutputStream;
  /** `--json`: stdout carries JSON only. */
  json: boolean;
  colorStdout: boolean;
  colorStderr: boolean;
  /** Draw spinners and progress bars (stderr is a terminal, not `--json`, not CI). */
  animate: boolean;
  debug: boolean;
  /** The widest a line of stdout may be (see `outputWidth`); undefined for no limit. */
  width?: number | undefined;
}

export interface Spinner {
  update(text: string): void;
  succeed(text?: string): void;
  fail(text?: string): void;
  stop(): void;
}

export interface ProgressBar {
  update(done: number, total: number, rate?: number): void;
  done(text?: string): void;
}

/** `████░░░░ 50% 24 MB/48 MB 12 MB/s`: a transfer's bar, share, bytes and rate. */
export function progressText(c: Palette, done: number, total: number, rate?: number): string {
  const width = 24;
  const ratio = total > 0 ? Math.min(1, done / total) : 0;
  const filled = Math.round(ratio * width);
  const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
  const speed = rate ? ` ${formatBytes(rate)}/s` : '';
  return `${c.cyan(bar)} ${Math.round(ratio * 100)}% ${formatBytes(done)}/${formatBytes(total)}${speed}`;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * The only writer to the terminal. Data (tables, JSON) goes to stdout; everything meant
 * for a human (messages, progress, errors) goes to stderr, so `lium ps | grep` and
 * `lium ls --json | jq` see nothing but data.
 */
export class Output {
  readonly json: boolean;
  readonly debugEnabled: boolean;
  /** Colours for stdout (tables). */
  readonly data: Palette;
  /** Colours for stderr (messages). */
  readonly c: Palette;
  readonly #stdout: OutputStream;
  readonly #stderr: OutputStream;
  readonly #animate: boolean;
  readonly #width: number | undefined;
  #activeLine: (() => void) | undefined;
  /** The transient status note (see `status`), and whether a spinner is drawing it. */
  #status: string | undefined;
  #spinning = 0;
  readonly #clearStatus = () => this.#stderr.write('\r\u001b[2K');
  readonly #timers = new Set<ReturnType<typeof setInterval>>();
  readonly #blocks = new Set<LiveLines>();

  constructor(options: OutputOptions) {
    this.json = options.json;
    this.debugEnabled = options.debug;
    this.data = createPalette(options.colorStdout && !options.json);
    this.c = createPalette(options.colorStderr);
    this.#stdout = options.stdout;
    this.#stderr = options.stderr;
    this.#animate = options.animate;
    this.#width = options.width;
  }

  /** The widest a line of stdout may be: the terminal's width, or `COLUMNS`; else no limit. */
  get width(): number | undefined {
    return this.#width;
  }

  /** Whether stdout is a terminal a person reads (not a pipe, file or `--json`). */
  get toTerminal(): boolean {
    return Boolean(this.#stdout.isTTY) && !this.json;
  }

  get animated(): boolean {
    return this.#animate;
  }

  /** Writes a line of data to stdout. */
  print(text: string): void {
    this.#stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** Writes raw bytes or text to stdout (streamed remote output). */
  raw(chunk: string | Uint8Array): void {
    this.#stdout.write(chunk);
  }

  /** Writes raw bytes or text to stderr (streamed remote stderr). */
  rawError(chunk: string | Uint8Array): void {
    this.#stderr.write(chunk);
  }

  /** Writes a JSON document to stdout (pretty, one document per command). */
  printJson(value: unknown): void {
    this.#stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** Writes one compact JSON object per line (NDJSON), for streams of events. */
  printJsonLine(value: unknown): void {
    this.#stdout.write(`${JSON.stringify(value)}\n`);
  }

  /**
   * A listing: the JSON array with `--json`, the `empty` message when there is nothing, else a
   * table on stdout and the footer on stderr. `ls`, `ps` and `templates` all end this way.
   */
  result<Row>(rows: readonly Row[], options: ResultOptions<Row>): ResultShown {
    if (this.json) {
      this.printJson(rows.map((row) => options.json(row)));
      return { hidden: [] };
    }
    if (rows.length === 0) {
      const { message, hint, warn } = options.empty;
      if (warn) this.warn(message);
      else this.info(message);
      if (hint) this.info(this.c.dim(hint));
      return { hidden: [] };
    }
    const c = this.data;
    const table = fitTable(
      options.columns,
      rows.map((row) => options.columns.map((column) => column.cell(row, c))),
      c,
      this.#width,
    );
    this.print(table.text);
    for (const line of options.footer?.split('\n') ?? []) this.info(this.c.dim(line));
    if (table.hidden.length > 0) {
      this.info(
        this.c.dim(
          `Hidden to fit ${this.#width} columns: ${table.hidden.join(', ')} (--json has all).`,
        ),
      );
    }
    return { hidden: table.hidden };
  }

  info(message: string): void {
    this.#message(message);
  }

  step(message: string): void {
    this.#message(`${this.c.cyan('›')} ${message}`);
  }

  success(message: string): void {
    this.#message(`${this.c.green('✔')} ${message}`);
  }

  warn(message: string): void {
    this.#message(`${this.c.yellow('!')} ${message}`);
  }

  error(message: string, hint?: string): void {
    this.#message(`${this.c.red('✘')} ${message}${hint ? ` ${this.c.dim(`→ ${hint}`)}` : ''}`);
  }

  debug(message: string): void {
    if (this.debugEnabled) this.#message(this.c.gray(`[debug] ${message}`));
  }

  /**
   * A transient note about a slow wait (the API not answering, a retry), on a terminal only:
   * drawn after a running spinner's text, else on a line of its own that the next message
   * replaces; `undefined` clears it. Elsewhere nothing: logs get no progress chatter.
   */
  status(text: string | undefined): void {
    if (!this.#animate) return;
    const had = this.#status;
    this.#status = text;
    if (this.#spinning > 0) return; // the spinner draws it on its next frame
    if (text === undefined) {
      if (had !== undefined && this.#activeLine === this.#clearStatus) {
        this.#clearStatus();
        this.#activeLine = undefined;
      }
      return;
    }
    if (this.#activeLine && this.#activeLine !== this.#clearStatus) return; // a progress bar
    this.#stderr.write(`\r\u001b[2K${this.c.dim(text)}`);
    this.#activeLine = this.#clearStatus;
  }

  /** A spinner on a terminal; elsewhere one plain line when it starts and one when it ends. */
  spinner(text: string): Spinner {
    if (!this.#animate) {
      this.step(text);
      let finished = false;
      const finish = (line: string | undefined, ok: boolean) => {
        if (finished) return;
        finished = true;
        if (line) ok ? this.success(line) : this.error(line);
      };
      return {
        update: () => {},
        succeed: (line) => finish(line, true),
        fail: (line) => finish(line, false),
        stop: () => finish(undefined, true),
      };
    }
    let current = text;
    let frame = 0;
    const draw = () => {
      const note = this.#status ? ` ${this.c.dim(`(${this.#status})`)}` : '';
      this.#stderr.write(
        `\r\u001b[2K${this.c.cyan(FRAMES[frame % FRAMES.length] ?? '')} ${current}${note}`,
      );
      frame += 1;
    };
    const clear = () => this.#stderr.write('\r\u001b[2K');
    draw();
    const timer = setInterval(draw, 80);
    timer.unref?.();
    this.#timers.add(timer);
    this.#activeLine = clear;
    this.#spinning += 1;
    let ended = false;
    const end = (line: string | undefined, ok: boolean) => {
      if (!ended) this.#spinning -= 1;
      ended = true;
      clearInterval(timer);
      this.#timers.delete(timer);
      clear();
      this.#activeLine = undefined;
      if (line) ok ? this.success(line) : this.error(line);
    };
    return {
      update: (next) => {
        current = next;
      },
      succeed: (line) => end(line, true),
      fail: (line) => end(line, false),
      stop: () => end(undefined, true),
    };
  }

  /** A spinner while waiting on a terminal; nothing at all elsewhere (for quick reads). */
  busy(text: string): Spinner {
    return this.#animate ? this.spinner(text) : { update() {}, succeed() {}, fail() {}, stop() {} };
  }

  /** A progress bar for one file on a terminal; elsewhere only the final line. */
  progress(label: string): ProgressBar {
    if (!this.#animate) {
      return { update: () => {}, done: (line) => line && this.success(line) };
    }
    const clear = () => this.#stderr.write('\r\u001b[2K');
    this.#activeLine = clear;
    return {
      update: (done, total, rate) => {
        this.#stderr.write(`\r\u001b[2K${label} ${progressText(this.c, done, total, rate)}`);
      },
      done: (line) => {
        clear();
        this.#activeLine = undefined;
        if (line) this.success(line);
      },
    };
  }

  /**
   * A line per item (pod) redrawn in place on a terminal; elsewhere nothing (the caller prints
   * each item's final line). Messages printed meanwhile go above the block.
   */
  lines(count: number): LiveLines {
    if (!this.#animate) return { set() {}, stop() {} };
    const block = liveLines(this.#stderr, count, (clear) => {
      this.#activeLine = clear;
    });
    this.#blocks.add(block);
    return {
      set: (index, text) => block.set(index, text),
      stop: () => {
        this.#blocks.delete(block);
        block.stop();
      },
    };
  }

  /** Stops every spinner and clears the line, so an error is never drawn over or under one. */
  stopAnimations(): void {
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers.clear();
    this.#spinning = 0;
    this.#status = undefined;
    for (const block of this.#blocks) block.stop();
    this.#blocks.clear();
    this.#activeLine?.();
    this.#activeLine = undefined;
  }

  #message(line: string): void {
    this.#activeLine?.();
    this.#stderr.write(`${line}\n`);
  }
}
