/**
 * Spend guards for renting: the `budget.max_price` ($/GPU·h per machine) and
 * `budget.max_hourly` ($/h across every billed pod) limits, and how long the balance lasts at
 * the spend a rent would lead to, including whether a scheduled removal outlives it. Pure
 * ({@link checkSpend}) with one helper that reads what it needs from a `Lium`.
 */
import { accountRunway } from './balance.ts';
import type { Lium } from './lium.ts';
import type { ExecutorInfo, PodInfo } from './models.ts';
import type { CallOptions } from './options.ts';

/** The `budget.*` limits of the config; an absent one does not apply. */
export interface SpendLimits {
  /** `budget.max_hourly`: USD per hour across every billed pod, the new ones included. */
  maxHourlyUsd?: number | undefined;
  /** `budget.max_price`: USD per GPU-hour of any one machine. */
  maxPricePerGpuHour?: number | undefined;
}

/** One limit a rent would break, with the numbers. */
export type SpendViolation =
  | {
      /** `budget.max_price` is broken. */
      kind: 'max_price';
      /** The machine that costs too much. */
      executor: ExecutorInfo;
      /** Its price, USD per GPU-hour. */
      pricePerGpuHour: number;
      /** The limit, USD per GPU-hour. */
      limit: number;
    }
  | {
      /** `budget.max_hourly` is broken. */
      kind: 'max_hourly';
      /** USD per hour billed now. */
      currentUsd: number;
      /** USD per hour the rent adds. */
      addedUsd: number;
      /** USD per hour after the rent. */
      totalUsd: number;
      /** The limit, USD per hour. */
      limit: number;
    };

/** What renting would do to spend: broken limits, the hourly rate and the runway. */
export interface SpendCheck {
  /** The limits the rent would break; empty when it may go ahead. */
  violations: SpendViolation[];
  /** The account balance, USD. */
  balanceUsd: number;
  /** USD per hour billed now. */
  currentHourlyUsd: number;
  /** USD per hour billed after the rent. */
  newHourlyUsd: number;
  /** Hours the balance lasts at `newHourlyUsd` (null when nothing would be billed). */
  runwayHours: number | null;
  /** A scheduled removal further away than the runway: pods would outlive the money. */
  ttlOutlivesBalance: boolean;
}

/** The spend check of renting `executors`, given the account's balance and pods. */
export function checkSpend(input: {
  executors: readonly ExecutorInfo[];
  pods: readonly PodInfo[];
  balanceUsd: number;
  limits: SpendLimits;
  /** Hours until the scheduled removal (`--ttl`/`--until`), if any. */
  ttlHours?: number | undefined;
}): SpendCheck {
  const { executors, limits } = input;
  const current = accountRunway(input.balanceUsd, input.pods);
  const added = executors.reduce((sum, e) => sum + Math.max(0, e.pricePerHour), 0);
  const newHourlyUsd = Math.round((current.hourlyUsd + added) * 10_000) / 10_000;
  const violations: SpendViolation[] = [];
  if (limits.maxPricePerGpuHour !== undefined) {
    for (const executor of executors) {
      const perGpu = executor.pricePerHour / Math.max(1, executor.gpuCount);
      if (perGpu > limits.maxPricePerGpuHour + 1e-9) {
        violations.push({
          kind: 'max_price',
          executor,
          pricePerGpuHour: Math.round(perGpu * 10_000) / 10_000,
          limit: limits.maxPricePerGpuHour,
        });
      }
    }
  }
  if (limits.maxHourlyUsd !== undefined && newHourlyUsd > limits.maxHourlyUsd + 1e-9) {
    violations.push({
      kind: 'max_hourly',
      currentUsd: current.hourlyUsd,
      addedUsd: Math.round(added * 10_000) / 10_000,
      totalUsd: newHourlyUsd,
      limit: limits.maxHourlyUsd,
    });
  }
  const runwayHours = newHourlyUsd > 0 ? Math.max(0, input.balanceUsd) / newHourlyUsd : null;
  return {
    violations,
    balanceUsd: input.balanceUsd,
    currentHourlyUsd: current.hourlyUsd,
    newHourlyUsd,
    runwayHours,
    ttlOutlivesBalance:
      input.ttlHours !== undefined && runwayHours !== null && input.ttlHours > runwayHours,
  };
}

/** {@link checkSpend} with the balance, pods and `budget.*` limits read through `lium`. */
export async function checkSpendFor(
  lium: Lium,
  executors: readonly ExecutorInfo[],
  options: CallOptions & { ttlHours?: number | undefined } = {},
): Promise<SpendCheck> {
  const call = options.signal ? { signal: options.signal } : {};
  const [settings, balanceUsd, pods] = await Promise.all([
    lium.getSettings(),
    lium.getBalance(call),
    lium.listPods(call),
  ]);
  return checkSpend({
    executors,
    pods,
    balanceUsd,
    limits: {
      maxHourlyUsd: settings.maxHourlyUsd,
      maxPricePerGpuHour: settings.maxPricePerGpuHour,
    },
    ttlHours: options.ttlHours,
  });
}
