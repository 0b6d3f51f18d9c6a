import type { PodInfo } from '@lium/sdk';

/** `noble-hawk-a3 (train-1)` — how a pod is named in messages. */
export function podLabel(pod: PodInfo): string {
  return pod.name && pod.name !== pod.huid ? `${pod.huid} (${pod.name})` : pod.huid;
}

/** `a, b and 3 more` — a short list for confirmations. */
export function listLabels(labels: readonly string[], max = 5): string {
  if (labels.length <= max) return labels.join(', ');
  return `${labels.slice(0, max).join(', ')} and ${labels.length - max} more`;
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** The order `lium ps` lists pods in (oldest first), which its indices refer to. */
export function byAge(a: PodInfo, b: PodInfo): number {
  return (a.createdAt ?? '').localeCompare(b.createdAt ?? '') || a.name.localeCompare(b.name);
}
