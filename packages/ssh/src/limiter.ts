import { onAbort } from './abort-relay.ts';

/** A counting semaphore with a FIFO queue: at most `limit` holders at once. */
export class Limiter {
  #active = 0;
  readonly #queue: Array<() => void> = [];

  constructor(readonly limit: number) {}

  get active(): number {
    return this.#active;
  }

  get waiting(): number {
    return this.#queue.length;
  }

  /** Resolves with a release function once a slot is free; rejects if the signal fires first. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    return new Promise((resolve, reject) => {
      let released = false;
      let unsubscribeAbort: () => void = () => undefined;
      const release = () => {
        if (released) return;
        released = true;
        this.#active--;
        this.#queue.shift()?.();
      };
      const grant = () => {
        unsubscribeAbort();
        this.#active++;
        resolve(release);
      };
      const abandon = () => {
        const index = this.#queue.indexOf(grant);
        if (index >= 0) this.#queue.splice(index, 1);
        reject(signal?.reason);
      };
      if (signal?.aborted) return reject(signal.reason);
      if (this.#active < this.limit) return grant();
      this.#queue.push(grant);
      unsubscribeAbort = onAbort(signal, abandon);
    });
  }

  /** Runs `task` while holding a slot. */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const release = await this.acquire(signal);
    try {
      return await task();
    } finally {
      release();
    }
  }
}
