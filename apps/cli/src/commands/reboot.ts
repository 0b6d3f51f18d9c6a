import type { PodInfo } from '@lium/sdk';
import { defineCommand } from '../define-command.ts';
import { CliError, CliUsageError } from '../errors.ts';
import { failedPodJson } from '../handle-error.ts';
import { flag, options, text } from '../options.ts';
import { POD_TARGETS_OR_ALL } from '../pod-targets.ts';
import { listLabels, plural, podLabel } from '../pods.ts';
import { keepSshConfigCurrent } from '../ssh-config-sync.ts';

export default defineCommand({
  builder: (yargs) =>
    yargs
      .positional('targets', POD_TARGETS_OR_ALL)
      .options(
        options({
          all: flag('Reboot every pod you have'),
          'volume-id': text('Attach this volume (HUID, id or index from `lium volumes`)'),
          wait: flag('Wait until SSH answers again (--no-wait to return at once)', {
            default: true,
          }),
          'wait-timeout': text(
            'Give up waiting after this long (5m, 90s; a bare number is seconds); --timeout bounds the whole command',
            { default: '5m' },
          ),
        }),
      )
      .example('lium reboot 1', 'reboot the first pod of `lium ps` (asks first)')
      .example('lium reboot --all -y --no-wait', 'reboot everything, do not wait'),
  async handler(args, ctx) {
    if (!args.targets && !args.all) {
      throw new CliUsageError(
        'Name the pods to reboot, or pass --all',
        'e.g. `lium reboot 1` or `lium reboot --all`.',
      );
    }
    if (args.targets && args.all) throw new CliUsageError('Give either targets or --all, not both');
    const sdk = await import('@lium/sdk');
    const timeoutMs = sdk.parseDuration(args.waitTimeout, { seconds: true });
    const lium = await ctx.lium();
    const call = { signal: ctx.signal };
    const pods: readonly PodInfo[] = args.all
      ? await lium.listPods(call)
      : await lium.resolvePods(args.targets as string, call);
    const { out } = ctx;
    if (pods.length === 0) {
      if (out.json) out.printJson({ rebooted: [], failed: [] });
      else out.info('No pods to reboot.');
      return;
    }
    let volumeId: string | undefined;
    if (args.volumeId !== undefined) {
      const { configDir } = await lium.getSettings();
      const volumes = sdk.resolveVolumeTargets(
        args.volumeId,
        await lium.listVolumes(call),
        await sdk.readVolumeSnapshot(configDir),
      );
      if (volumes.length !== 1 || volumes[0] === undefined) {
        throw new CliUsageError(`--volume-id names ${volumes.length} volumes; a pod takes one`);
      }
      volumeId = volumes[0].id;
    }
    await ctx.confirm(
      `Reboot ${plural(pods.length, 'pod')} (${listLabels(pods.map(podLabel))})? Running processes are stopped.`,
      `reboot ${plural(pods.length, 'pod')}`,
    );
    const deps = await sdk.rebootDepsOf(lium);
    const spinner =
      out.json || !args.wait ? undefined : out.spinner(`Rebooting ${plural(pods.length, 'pod')}`);
    // The SDK reboots at most 8 pods at a time.
    const outcomes = await sdk.rebootPods(deps, pods, {
      volumeId,
      wait: args.wait,
      timeoutMs,
      signal: ctx.signal,
      onStatus: (pod, now) => spinner?.update(`${podLabel(pod)}: ${now.status.toLowerCase()}`),
    });
    const failed = outcomes.filter((o) => o.error);
    if (failed.length === 0) spinner?.succeed();
    else spinner?.fail();
    const done = outcomes.flatMap((o) => (o.result ? [o.result] : []));
    await keepSshConfigCurrent(ctx, { upsert: done.map((r) => r.pod) });
    if (out.json) {
      out.printJson({
        rebooted: done.map(({ pod, ready }) => ({
          id: pod.id,
          huid: pod.huid,
          name: pod.name,
          status: pod.status,
          ready,
        })),
        failed: failed.map(({ pod, error }) => failedPodJson(pod, error)),
      });
      if (failed.length > 0) ctx.exitCode = 1;
      return;
    }
    for (const { pod, ready } of done) {
      out.success(
        ready
          ? `${podLabel(pod)} rebooted and answers on SSH`
          : `${podLabel(pod)} is rebooting (${pod.status.toLowerCase()}); \`lium ps\` shows when it is back`,
      );
    }
    for (const { pod, error } of failed) {
      out.error(`Could not reboot ${podLabel(pod)}: ${(error as Error).message}`);
    }
    if (failed.length > 0) {
      throw new CliError(`${plural(failed.length, 'pod')} did not come back`, {
        code: 'reboot_failed',
        hint: 'Check `lium ps` and `lium logs <pod>`, then try `lium reboot` again.',
      });
    }
  },
});
