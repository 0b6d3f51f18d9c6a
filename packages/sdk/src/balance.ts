import type { Lium } from './lium.ts';
import type { PodInfo } from './models.ts';

/** Statuses whose pods are billed by the hour (a pod being created or rebooted is billed too). */
const BILLED_STATUSES: ReadonlySet<string> = new Set([
  'RUNNING',
  'PENDING',
  'REBOOT_PENDING',
  'STARTING',
  'DEPLOYING',
]);

/** The account's money and how long it lasts at the current spend (the CLI's `balance`). */
export interface AccountRunway {
  /** USD on the account. */
  balanceUsd: number;
  /** USD per hour all billed pods cost together. */
  hourlyUsd: number;
  /** The pods that cost money now. */
  billedPods: PodInfo[];
  /** Hours the balance lasts at `hourlyUsd`; null when nothing is billed (it lasts). */
  runwayHours: number | null;
  /** When the balance runs out at this spend (ISO 8601); null when nothing is billed. */
  runsOutAt: string | null;
}

/**
 * How long the balance lasts at the hourly spend of the pods that are billed now. Pure: give it
 * the balance (`Lium.getBalance`), the pods (`Lium.listPods`) and the time.
 */
export function accountRunway(
  balanceUsd: number,
  pods: readonly PodInfo[],
  now: Date = new Date(),
): AccountRunway {
  const billedPods = pods.filter((pod) => BILLED_STATUSES.has(pod.status));
  const hourly = billedPods.reduce((sum, pod) => sum + Math.max(0, pod.pricePerHour), 0);
  const hourlyUsd = Math.round(hourly * 10_000) / 10_000;
  if (hourlyUsd <= 0) {
    return { balanceUsd, hourlyUsd: 0, billedPods, runwayHours: null, runsOutAt: null };
  }
  const runwayHours = Math.max(0, balanceUsd) / hourlyUsd;
  return {
    balanceUsd,
    hourlyUsd,
    billedPods,
    runwayHours,
    runsOutAt: new Date(now.getTime() + runwayHours * 3_600_000).toISOString(),
  };
}

/** `5 h 20 m`, `3 d 4 h`, `45 m`, `< 1 m`: a runway for people (floored, never rounded up). */
export function formatRunway(hours: number): string {
  const minutes = Math.floor(hours * 60);
  if (minutes < 1) return '< 1 m';
  const days = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  if (days > 0) return h > 0 ? `${days} d ${h} h` : `${days} d`;
  if (h > 0) return m > 0 ? `${h} h ${m} m` : `${h} h`;
  return `${m} m`;
}

/** What {@link getAccountRunway} needs: the balance and the pods (see {@link balanceDepsOf}). */
export interface BalanceDeps {
  /** The account balance in USD. */
  getBalance(options: { signal?: AbortSignal | undefined }): Promise<number>;
  /** Every pod of the account. */
  listPods(options: { signal?: AbortSignal | undefined }): Promise<PodInfo[]>;
}

/** {@link BalanceDeps} over a `Lium`. */
export function balanceDepsOf(lium: Lium): BalanceDeps {
  return {
    getBalance: (options) => lium.getBalance(options),
    listPods: (options) => lium.listPods(options),
  };
}

/** The balance with the hourly spend of the billed pods and the runway it leaves. */
export async function getAccountRunway(
  deps: BalanceDeps,
  options: { signal?: AbortSignal | undefined; now?: Date | undefined } = {},
): Promise<AccountRunway> {
  const call = { signal: options.signal };
  const [balance, pods] = await Promise.all([deps.getBalance(call), deps.listPods(call)]);
  return accountRunway(balance, pods, options.now ?? new Date());
}
