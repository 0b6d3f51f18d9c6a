import type { PodInfo, StartPodsEvent } from '@lium/sdk';
import type { LiveLines } from './output/live-lines.ts';
import type { Output } from './output/output.ts';
import { podLabel } from './pods.ts';

interface Row {
  label: string;
  phase: string;
  /** Set once the pod is ready or has failed: the line stops counting. */
  endedAt?: number;
  mark?: 'ok' | 'failed';
}

/** `42s`, `1m 05s`: elapsed time to the second. */
export function elapsedText(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const minutes = Math.floor(seconds / 60);
  return minutes > 0 ? `${minutes}m ${String(seconds % 60).padStart(2, '0')}s` : `${seconds}s`;
}

/** The phase a person reads: the API's `phase` while pending, then the SSH check. */
export function phaseOf(pod: PodInfo): string {
  if (pod.status === 'RUNNING') return pod.sshCmd ? 'SSH check' : 'starting';
  return pod.phase ?? pod.status.toLowerCase().replace(/_/g, ' ');
}

/**
 * `up`'s wait, as a person sees it on a terminal: a line per pod, `HUID (name)  phase  1m 05s`,
 * redrawn in place until every pod is ready or has failed (nothing is drawn off a terminal).
 */
export class PodWaitView {
  readonly #out: Output;
  readonly #lines: LiveLines;
  readonly #rows: Row[];
  readonly #index = new Map<string, number>();
  readonly #started = Date.now();
  readonly #timer: ReturnType<typeof setInterval>;

  constructor(out: Output, podNames: readonly string[]) {
    this.#out = out;
    this.#rows = podNames.map((name) => ({ label: name, phase: 'renting' }));
    podNames.forEach((name, i) => {
      this.#index.set(name, i);
    });
    this.#lines = out.lines(podNames.length);
    this.#timer = setInterval(() => this.#drawAll(), 1000);
    this.#timer.unref?.();
    this.#drawAll();
  }

  record(event: StartPodsEvent): void {
    const i = this.#index.get(event.spec.podName);
    const row = i === undefined ? undefined : this.#rows[i];
    if (i === undefined || !row) return;
    if ('pod' in event && event.pod) row.label = podLabel(event.pod);
    if (event.type === 'rented') row.phase = 'pending';
    if (event.type === 'status') row.phase = phaseOf(event.pod);
    if (event.type === 'ready')
      Object.assign(row, { phase: 'ready', endedAt: Date.now(), mark: 'ok' });
    if (event.type === 'stopping') row.phase = 'stopping';
    if (event.type === 'stopped') Object.assign(row, { phase: 'stopped', endedAt: Date.now() });
    this.#draw(i);
  }

  /** Marks a pod whose rent or wait failed (the outcome says so after the fact). */
  failed(podName: string): void {
    const i = this.#index.get(podName);
    const row = i === undefined ? undefined : this.#rows[i];
    if (i === undefined || !row) return;
    Object.assign(row, { phase: 'failed', endedAt: Date.now(), mark: 'failed' });
    this.#draw(i);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#lines.stop();
  }

  #drawAll(): void {
    for (let i = 0; i < this.#rows.length; i++) this.#draw(i);
  }

  #draw(i: number): void {
    const row = this.#rows[i];
    if (!row) return;
    const { c } = this.#out;
    const elapsed = elapsedText((row.endedAt ?? Date.now()) - this.#started);
    const mark =
      row.mark === 'ok' ? c.green('✔') : row.mark === 'failed' ? c.red('✘') : c.cyan('…');
    this.#lines.set(i, `${mark} ${row.label}  ${row.phase}  ${c.dim(elapsed)}`);
  }
}
