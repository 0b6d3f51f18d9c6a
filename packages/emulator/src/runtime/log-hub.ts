import type { PodRecord } from '../state/types.ts';

const MAX_LINES = 2000;

type Listener = (line: string | null) => void;

/** A pod's container output (PID 1): kept on the record for `tail`, pushed to `follow` readers. */
export class LogHub {
  private readonly listeners = new Map<string, Set<Listener>>();

  /** Adds one line as the container printed it (like `docker logs`, without timestamps). */
  append(pod: PodRecord, line: string): void {
    pod.logs.push(line);
    if (pod.logs.length > MAX_LINES) pod.logs.splice(0, pod.logs.length - MAX_LINES);
    for (const listener of this.listeners.get(pod.id) ?? []) listener(line);
  }

  /** Calls `listener` with each new line, and with `null` when the pod is gone. Returns an unsubscribe. */
  subscribe(podId: string, listener: Listener): () => void {
    let set = this.listeners.get(podId);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(podId, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(podId);
    };
  }

  /** Ends every follower of this pod. */
  end(podId: string): void {
    for (const listener of this.listeners.get(podId) ?? []) listener(null);
    this.listeners.delete(podId);
  }

  endAll(): void {
    for (const podId of [...this.listeners.keys()]) this.end(podId);
  }
}
