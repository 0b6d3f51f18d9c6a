import type { ExecutorInfo, Lium, SpendCheck, SpendViolation } from '@lium/sdk';
import type { CommandContext } from './context.ts';
import { CliError } from './errors.ts';
import { formatUsd } from './output/format.ts';

function describeViolation(violation: SpendViolation): string {
  if (violation.kind === 'max_price') {
    return `${violation.executor.huid} costs ${formatUsd(violation.pricePerGpuHour)}/GPU·h, above budget.max_price ${formatUsd(violation.limit)}`;
  }
  return `running pods cost ${formatUsd(violation.currentUsd)}/h, this adds ${formatUsd(violation.addedUsd)}/h: ${formatUsd(violation.totalUsd)}/h is above budget.max_hourly ${formatUsd(violation.limit)}`;
}

/**
 * The spend guards before a rent (`up`, `run`): refuses beyond `budget.max_price` /
 * `budget.max_hourly` unless `allowOver`, and returns the line the confirmation shows (how long
 * the balance lasts at the new total spend), warning when the scheduled removal outlives it.
 * Without limits, a balance that cannot be read only drops that line.
 */
export async function guardSpend(
  lium: Lium,
  executors: readonly ExecutorInfo[],
  ctx: CommandContext,
  options: { allowOver: boolean; removalAt?: Date | undefined },
): Promise<string | undefined> {
  const { sdk, settings } = {
    sdk: await import('@lium/sdk'),
    settings: await lium.getSettings(),
  };
  const limited = settings.maxHourlyUsd !== undefined || settings.maxPricePerGpuHour !== undefined;
  const ttlHours = options.removalAt
    ? (options.removalAt.getTime() - Date.now()) / 3_600_000
    : undefined;
  let check: SpendCheck;
  try {
    check = await sdk.checkSpendFor(lium, executors, { signal: ctx.signal, ttlHours });
  } catch (error) {
    if (limited || ctx.interrupted) throw error;
    return undefined;
  }
  const { out } = ctx;
  if (check.violations.length > 0) {
    const text = check.violations.map(describeViolation).join('; ');
    if (!options.allowOver) {
      // The setting that refused, so the hint changes the right one.
      const keys = [...new Set(check.violations.map((v) => `budget.${v.kind}`))];
      throw new CliError(`Over budget: ${text}`, {
        code: 'over_budget',
        hint: `Pass --allow-over-budget to rent anyway, or change the limit with ${keys.map((key) => `\`lium config set ${key} N\``).join(' and ')}.`,
      });
    }
    out.warn(`Over budget (allowed): ${text}`);
  }
  if (check.runwayHours === null) return undefined;
  const lasts = `${formatUsd(check.balanceUsd)} lasts about ${sdk.formatRunway(check.runwayHours)} at ${formatUsd(check.newHourlyUsd)}/h`;
  if (check.ttlOutlivesBalance) {
    out.warn(
      `The scheduled removal is after the balance runs out (${lasts}): top up, or pick a shorter --ttl.`,
    );
  }
  return lasts;
}
