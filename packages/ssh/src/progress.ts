/** Where a transfer or sync stands, reported while it runs. */
export interface TransferProgress {
  /** Bytes done so far, over all files of the operation. */
  bytes: number;
  /** Total bytes of the operation. */
  total: number;
  /** Average bytes per second since the start. */
  rate: number;
  /** The file being transferred (source path). */
  file: string;
}

/** Counts bytes and reports at most every `intervalMs`, plus once at the end. */
export class ProgressTracker {
  bytes = 0;
  file = '';
  readonly #started = performance.now();
  #lastEmit = 0;

  constructor(
    public total: number,
    readonly onProgress: ((progress: TransferProgress) => void) | undefined,
    readonly intervalMs = 100,
  ) {}

  add(bytes: number, file: string): void {
    this.bytes += bytes;
    this.file = file;
    if (!this.onProgress) return;
    const now = performance.now();
    if (now - this.#lastEmit >= this.intervalMs) {
      this.#lastEmit = now;
      this.emit();
    }
  }

  emit(): void {
    const seconds = (performance.now() - this.#started) / 1000;
    this.onProgress?.({
      bytes: this.bytes,
      total: this.total,
      rate: seconds > 0 ? Math.round(this.bytes / seconds) : 0,
      file: this.file,
    });
  }
}
