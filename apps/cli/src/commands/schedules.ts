import type { Argv } from 'yargs';
import type { CommandContext, GlobalArgs } from '../context.ts';
import { defineCommand } from '../define-command.ts';
import { formatDuration, formatUsd } from '../output/format.ts';
import { podLabel } from '../pods.ts';

/** `1`, `1,3`, `2-4`: rows of `lium schedules`. */
const ONLY_INDICES = /^\s*\d+(\s*-\s*\d+)?(\s*,\s*\d+(\s*-\s*\d+)?)*\s*$/;

async function listSchedules(ctx: CommandContext): Promise<void> {
  const { listScheduledRemovals, scheduleDepsOf, writeScheduleSnapshot } = await import(
    '@lium/sdk'
  );
  const lium = await ctx.lium();
  const removals = await listScheduledRemovals(await scheduleDepsOf(lium), { signal: ctx.signal });
  // What `schedules rm <#>` counts in: the rows as shown here.
  await writeScheduleSnapshot((await lium.getSettings()).configDir, removals);
  ctx.out.result(removals, {
    json: (r) => ({
      index: removals.indexOf(r) + 1,
      id: r.pod.id,
      huid: r.pod.huid,
      name: r.pod.name,
      removal_at: r.at,
      in_seconds: Math.round(r.inMs / 1000),
      cost_until_usd: r.costUsd,
    }),
    columns: [
      { header: '#', align: 'right', cell: (r) => String(removals.indexOf(r) + 1) },
      { header: 'POD', cell: (r) => podLabel(r.pod) },
      { header: 'REMOVED AT', cell: (r) => new Date(r.at).toLocaleString() },
      { header: 'IN', align: 'right', cell: (r) => formatDuration(r.inMs) },
      { header: 'COST UNTIL THEN', align: 'right', cell: (r) => formatUsd(r.costUsd) },
    ],
    empty: { message: 'No pod has a scheduled removal.' },
    footer:
      'Cancel one with `lium schedules rm <#>` (the # of this list) or `lium schedules rm <pod>`.',
  });
}

function subcommands(yargs: Argv<GlobalArgs>, ctx: CommandContext): Argv<GlobalArgs> {
  return yargs
    .command(
      'list',
      'Pods with a scheduled removal',
      (y) => y,
      () => listSchedules(ctx),
    )
    .command(
      'rm <targets>',
      'Cancel the scheduled removal of pods',
      (y) =>
        y
          .positional('targets', {
            type: 'string',
            demandOption: true,
            describe: 'Pods: # from `lium schedules` (list 1,2, range 1-3), HUID, name, id, or all',
          })
          .example('lium schedules rm 1', 'keep the first pod `lium schedules` lists')
          .example('lium schedules rm my-pod', 'keep the pod named my-pod'),
      async (args) => {
        const {
          cancelRemovalOf,
          listScheduledRemovals,
          readScheduleSnapshot,
          resolveScheduledTargets,
          scheduleDepsOf,
        } = await import('@lium/sdk');
        const lium = await ctx.lium();
        const deps = await scheduleDepsOf(lium);
        // As in the official CLI, a number is a row of `lium schedules` (the pods with a
        // removal, soonest first), not of `lium ps`: the row as that listing showed it, checked
        // against the pods scheduled now. Words name any pod.
        const byIndex = ONLY_INDICES.test(args.targets);
        const scheduled = byIndex
          ? (await listScheduledRemovals(deps, { signal: ctx.signal })).map((r) => r.pod)
          : [];
        const pods = byIndex
          ? resolveScheduledTargets(
              args.targets,
              scheduled,
              await readScheduleSnapshot((await lium.getSettings()).configDir),
              'lium schedules',
            )
          : await lium.resolvePods(args.targets, { signal: ctx.signal });
        const results = [];
        for (const pod of pods) {
          results.push({
            pod,
            cancelled: await cancelRemovalOf(deps, pod, { signal: ctx.signal }),
          });
        }
        if (ctx.out.json) {
          ctx.out.printJson(
            results.map(({ pod, cancelled }) => ({
              id: pod.id,
              huid: pod.huid,
              name: pod.name,
              cancelled,
            })),
          );
          return;
        }
        for (const { pod, cancelled } of results) {
          if (cancelled) ctx.out.success(`Cancelled the scheduled removal of ${podLabel(pod)}`);
          else ctx.out.info(`${podLabel(pod)} had no scheduled removal.`);
        }
      },
    );
}

export default defineCommand({
  builder: (yargs, ctx) =>
    subcommands(yargs, ctx).example('lium schedules', 'when each pod is removed, and the cost'),
  async handler(_args, ctx) {
    await listSchedules(ctx);
  },
});
