import { defineCommand } from '../define-command.ts';
import { formatUsd } from '../output/format.ts';
import { plural } from '../pods.ts';

export default defineCommand({
  builder: (yargs) =>
    yargs.example('lium balance', '"$42.10, $7.88/h across 2 pods → about 5 h 20 m"'),
  async handler(_args, ctx) {
    const { balanceDepsOf, formatRunway, getAccountRunway } = await import('@lium/sdk');
    const lium = await ctx.lium();
    const runway = await getAccountRunway(balanceDepsOf(lium), { signal: ctx.signal });
    const { out } = ctx;
    if (out.json) {
      out.printJson({
        balance_usd: runway.balanceUsd,
        hourly_usd: runway.hourlyUsd,
        billed_pods: runway.billedPods.length,
        runway_hours: runway.runwayHours,
        runs_out_at: runway.runsOutAt,
      });
      return;
    }
    const balance = formatUsd(runway.balanceUsd);
    if (runway.runwayHours === null) {
      out.print(`${balance}, no pods billed now`);
      return;
    }
    out.print(
      `${balance}, ${formatUsd(runway.hourlyUsd)}/h across ${plural(runway.billedPods.length, 'pod')} → about ${formatRunway(runway.runwayHours)}`,
    );
    if (runway.balanceUsd <= 0) out.warn('Your balance is used up: add funds with `lium fund`.');
  },
});
