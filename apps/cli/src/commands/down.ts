import type { Lium, PodInfo } from '@lium/sdk';
import type { CommandContext } from '../context.ts';
import { defineCommand } from '../define-command.ts';
import { CliError, CliUsageError } from '../errors.ts';
import { failedPodJson } from '../handle-error.ts';
import { flag, options, text } from '../options.ts';
import { formatUsd } from '../output/format.ts';
import { POD_TARGETS_OR_ALL } from '../pod-targets.ts';
import { listLabels, plural, podLabel } from '../pods.ts';
import { keepSshConfigCurrent } from '../ssh-config-sync.ts';

/** The pods idle for `idleAfterMs` (`lium ps` marks them): running, unused, no removal scheduled. */
async function idlePods(lium: Lium, idleAfterMs: number, ctx: CommandContext): Promise<PodInfo[]> {
  const pods = await lium.listPods({ signal: ctx.signal });
  const idleness = await lium.podIdleness(pods, { idleAfterMs });
  return pods.filter((pod) => idleness.get(pod.id)?.idle);
}

/** `lium rm TARGETS --in 2h | --at …`: the official form of a scheduled removal. */
async function scheduleRemovals(
  pods: readonly PodInfo[],
  at: Date,
  ctx: CommandContext,
): Promise<void> {
  const { scheduleDepsOf, scheduleRemovalOf } = await import('@lium/sdk');
  const deps = await scheduleDepsOf(await ctx.lium());
  for (const pod of pods) {
    await scheduleRemovalOf(deps, pod, at, { signal: ctx.signal });
    if (!ctx.out.json)
      ctx.out.success(`${podLabel(pod)} will be removed at ${at.toLocaleString()}`);
  }
  if (ctx.out.json) {
    ctx.out.printJson({
      scheduled: pods.map((pod) => ({
        id: pod.id,
        huid: pod.huid,
        name: pod.name,
        removal_at: at.toISOString(),
      })),
    });
  } else
    ctx.out.info(ctx.out.c.dim('See them with `lium schedules`; cancel with `lium schedules rm`.'));
}

export default defineCommand({
  builder: (yargs) =>
    yargs
      .positional('targets', POD_TARGETS_OR_ALL)
      .options(
        options({
          all: flag('Stop every pod you have', { alias: 'a' }),
          in: text('Schedule the removal after this long instead of now: 30m, 2h, 1.5d'),
          at: text('Schedule the removal at this time instead of now: "today 23:00"'),
          idle: text(
            'Stop the pods `lium ps` marks idle for this long (2h, 90m): unused from here, no removal scheduled',
          ),
        }),
      )
      .conflicts('in', 'at')
      .conflicts('idle', ['in', 'at'])
      .example('lium down 1 -y', 'stop the first pod of `lium ps` without asking')
      .example('lium rm --all', 'stop everything (asks first)')
      .example('lium rm 1 --in 2h', 'remove the first pod in two hours instead of now')
      .example('lium down --idle 2h', 'stop the pods nobody used for 2 hours (asks first)'),
  async handler(args, ctx) {
    if (!args.targets && !args.all && args.idle === undefined) {
      throw new CliUsageError(
        'Name the pods to stop, or pass --all or --idle',
        'e.g. `lium down 1`, `lium down --all` or `lium down --idle 2h`.',
      );
    }
    if (
      [args.targets !== undefined, args.all, args.idle !== undefined].filter(Boolean).length > 1
    ) {
      throw new CliUsageError('Give either targets, --all or --idle, not two of them');
    }
    const sdk = await import('@lium/sdk');
    // Checked before anything is sent: a typo must not stop pods now.
    const removeAt =
      args.in !== undefined || args.at !== undefined
        ? sdk.removalTime({ in: args.in, at: args.at })
        : undefined;
    const idleAfterMs =
      args.idle !== undefined ? sdk.parseDuration(args.idle, { seconds: true }) : undefined;
    const lium = await ctx.lium();
    const pods: readonly PodInfo[] =
      idleAfterMs !== undefined
        ? await idlePods(lium, idleAfterMs, ctx)
        : args.all
          ? await lium.listPods({ signal: ctx.signal })
          : await lium.resolvePods(args.targets as string, { signal: ctx.signal });
    const { out } = ctx;
    if (pods.length === 0) {
      if (out.json) out.printJson({ stopped: [], failed: [] });
      else
        out.info(args.idle !== undefined ? `No pod is idle for ${args.idle}.` : 'No pods to stop.');
      return;
    }
    if (removeAt !== undefined) {
      await scheduleRemovals(pods, removeAt, ctx);
      return;
    }
    const hourly = pods.reduce((sum, pod) => sum + pod.pricePerHour, 0);
    await ctx.confirm(
      `Stop ${plural(pods.length, 'pod')} (${listLabels(pods.map(podLabel))}, ${formatUsd(hourly)}/h)? Their disks are deleted.`,
      `stop ${plural(pods.length, 'pod')}`,
    );
    // The SDK stops at most 8 pods at a time.
    const outcomes = (await lium.stopPods(pods, { signal: ctx.signal })).map(({ pod, error }) => {
      if (error === undefined) {
        if (!out.json) out.success(`Stopped ${podLabel(pod)}`);
        return { pod, error: undefined };
      }
      if (!out.json) out.error(`Could not stop ${podLabel(pod)}: ${(error as Error).message}`);
      return { pod, error: error as Error };
    });
    const failed = outcomes.filter((outcome) => outcome.error);
    await keepSshConfigCurrent(ctx, { remove: outcomes.filter((o) => !o.error).map((o) => o.pod) });
    if (out.json) {
      out.printJson({
        stopped: outcomes
          .filter((o) => !o.error)
          .map(({ pod }) => ({ id: pod.id, huid: pod.huid, name: pod.name })),
        failed: failed.map(({ pod, error }) => failedPodJson(pod, error)),
      });
      if (failed.length > 0) ctx.exitCode = 1;
      return;
    }
    if (failed.length > 0) {
      throw new CliError(`${plural(failed.length, 'pod')} could not be stopped`, {
        code: 'stop_failed',
        hint: 'Run `lium ps` to see what is left, then try `lium down` again.',
      });
    }
  },
});
