import type { PodInfo } from '@lium/sdk';
import { defineCommand } from '../define-command.ts';
import { asList } from '../env-args.ts';
import { CliUsageError } from '../errors.ts';
import { podErrorJson } from '../handle-error.ts';
import { localPath, requireLocal } from '../local-files.ts';
import { flag, options, repeatable } from '../options.ts';
import { formatBytes } from '../output/format.ts';
import { progressText } from '../output/output.ts';
import { plural, podLabel } from '../pods.ts';
import { parseRemoteSpec } from '../remote-spec.ts';
import { rsyncEnds } from '../rsync-forms.ts';

export default defineCommand({
  builder: (yargs) =>
    yargs
      .positional('source', {
        type: 'string',
        demandOption: true,
        describe: 'LOCAL path or TARGETS:PATH',
      })
      .positional('dest', {
        type: 'string',
        demandOption: true,
        describe: 'LOCAL path or TARGETS:PATH',
      })
      .positional('remote', {
        type: 'string',
        describe:
          'The official push form `lium rsync TARGETS LOCAL [REMOTE]`: REMOTE on the pods (default /root/<name of LOCAL>)',
      })
      .options(
        options({
          verbose: flag('List every file', { alias: 'v' }),
          compress: flag('Compress in transit', { alias: 'z' }),
          delete: flag('Delete files not in the source'),
          exclude: repeatable('Skip matching paths (repeatable)'),
          'dry-run': flag('Show what would change, change nothing', { alias: 'n' }),
        }),
      )
      .example('lium rsync ~/project/ 1,2:/home/project/', 'push a directory to two pods')
      .example(
        'lium rsync all:/home/logs/ ~/collected/',
        'pull from every pod into ~/collected/<huid>/',
      )
      .example('lium rsync 1 ./data', 'the official push form: to /root/data on pod 1')
      .example('lium rsync 1,2 ./data /workspace/data', "./data's contents to /workspace/data"),
  async handler(args, ctx) {
    const ends = await rsyncEnds(args.source, args.dest, args.remote, ctx.io.cwd);
    const from = parseRemoteSpec(ends.source);
    const to = parseRemoteSpec(ends.dest);
    if (from && to)
      throw new CliUsageError('Copying from pod to pod is not supported: one side must be local');
    const direction = to ? 'up' : 'down';
    const remote = (to ?? from)!;
    const { folderNameToKeep, pullDirFor } = await import('@lium/sdk');
    const localArg = direction === 'up' ? ends.source : ends.dest;
    const local = localPath(localArg, ctx.io);
    if (direction === 'up') await requireLocal(local, 'Local path');
    // Resolving drops what rsync's rule reads: `./proj/` and `.` mean "the contents".
    const source =
      direction === 'up' && folderNameToKeep(localArg, true) === undefined ? `${local}/` : local;
    const lium = await ctx.lium();
    const pods = await lium.resolvePods(remote.targets, { signal: ctx.signal });
    const { out } = ctx;
    const verbing = args['dry-run'] ? 'Checking' : 'Syncing';
    out.step(`${verbing} ${direction === 'up' ? 'to' : 'from'} ${plural(pods.length, 'pod')}`);
    // A line per pod on a terminal: bytes so far, total and rate, redrawn in place.
    const lines = out.json ? undefined : out.lines(pods.length);
    const row = new Map(pods.map((pod, i) => [pod.id, i]));
    for (const [i, pod] of pods.entries()) lines?.set(i, `${pod.huid} ${out.c.dim('comparing…')}`);
    // The SDK applies rsync's trailing-slash rule and, pulling from several pods, gives each its
    // own <local>/<huid>/; at most 8 pods at a time.
    const outcomes = await lium
      .syncMany(pods, {
        localPath: source,
        remotePath: remote.path,
        direction,
        delete: args.delete,
        exclude: asList(args.exclude),
        compress: args.compress,
        dryRun: args['dry-run'],
        signal: ctx.signal,
        onProgress: (pod, p) =>
          lines?.set(
            row.get(pod.id) ?? 0,
            `${pod.huid} ${progressText(out.c, p.bytes, p.total, p.rate)}`,
          ),
      })
      .finally(() => lines?.stop());
    // As before the SDK owned the layout: a several-pod pull names its directory `<huid>/`.
    const localShown = (pod: PodInfo, path: string) =>
      direction === 'up' ? local : path === pullDirFor(local, pod) ? `${path}/` : path;
    let failures = 0;
    const rows = [];
    for (const outcome of outcomes) {
      const { pod } = outcome;
      if (outcome.result === undefined) {
        failures += 1;
        const error = outcome.error as Error & { code?: string };
        rows.push(podErrorJson(pod, error));
        if (!out.json) out.error(`${podLabel(pod)}: ${error.message}`);
        continue;
      }
      const { result } = outcome;
      rows.push({
        pod: pod.huid,
        pod_id: pod.id,
        direction,
        local: localShown(pod, result.localPath),
        remote: result.remotePath,
        method: result.method,
        transferred: result.transferred,
        deleted: result.deleted,
        bytes: result.bytes,
        duration_ms: Math.round(result.durationMs),
        dry_run: args['dry-run'],
      });
      if (out.json) continue;
      if (args.verbose) {
        for (const file of result.transferred) out.info(`  ${out.c.dim(pod.huid)} ${file}`);
        for (const file of result.deleted)
          out.info(`  ${out.c.dim(pod.huid)} ${out.c.red('deleted')} ${file}`);
      }
      const verb = args['dry-run'] ? 'Would sync' : 'Synced';
      // This pod's own time: with several pods the command's elapsed time would understate each.
      const seconds = result.durationMs / 1000;
      out.success(
        `${verb} ${plural(result.transferred.length, 'file')}${result.deleted.length ? `, deleted ${result.deleted.length}` : ''} ${direction === 'up' ? 'to' : 'from'} ${podLabel(pod)} (${formatBytes(result.bytes)} in ${seconds.toFixed(1)} s, ${formatBytes(result.bytes / Math.max(seconds, 0.001))}/s, ${result.method})`,
      );
    }
    if (out.json) out.printJson(rows);
    if (failures > 0) ctx.exitCode = 1;
  },
});
