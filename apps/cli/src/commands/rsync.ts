import { join, posix } from 'node:path';
import type { PodInfo } from '@lium/sdk';
import { defineCommand } from '../define-command.ts';
import { asList } from '../env-args.ts';
import { CliUsageError } from '../errors.ts';
import { errorJson } from '../handle-error.ts';
import { localPath, requireLocal } from '../local-files.ts';
import { flag, options, repeatable } from '../options.ts';
import { formatBytes } from '../output/format.ts';
import { progressText } from '../output/output.ts';
import { plural, podLabel } from '../pods.ts';
import { parseRemoteSpec } from '../remote-spec.ts';
import { rsyncEnds } from '../rsync-forms.ts';
import { folderNameToKeep, remotePathWord } from '../rsync-paths.ts';

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
    const localArg = direction === 'up' ? ends.source : ends.dest;
    const local = localPath(localArg, ctx.io);
    const upFolder =
      direction === 'up'
        ? folderNameToKeep(ends.source, (await requireLocal(local, 'Local path')).isDirectory)
        : undefined;
    const lium = await ctx.lium();
    const pods = await lium.resolvePods(remote.targets, { signal: ctx.signal });
    const { out } = ctx;
    // `1:/x/logs` (no trailing slash) pulls the folder itself, as rsync does: ask each pod
    // whether the path is a directory.
    const downFolders = new Map<string, string | undefined>();
    if (direction === 'down' && folderNameToKeep(remote.path, true) !== undefined) {
      await Promise.all(
        pods.map(async (pod) => {
          const probe = await lium.executeCommand(pod, `test -d ${remotePathWord(remote.path)}`, {
            signal: ctx.signal,
          });
          downFolders.set(pod.id, folderNameToKeep(remote.path, probe.exitCode === 0));
        }),
      );
    }
    const remotePath = upFolder ? posix.join(remote.path, upFolder) : remote.path;
    // Pulling from several pods: each into its own <local>/<huid>/ so they never mix.
    const localFor = (pod: PodInfo) => {
      const base = direction === 'down' && pods.length > 1 ? `${join(local, pod.huid)}/` : local;
      const folder = downFolders.get(pod.id);
      return folder ? join(base, folder) : base;
    };
    const verbing = args['dry-run'] ? 'Checking' : 'Syncing';
    out.step(`${verbing} ${direction === 'up' ? 'to' : 'from'} ${plural(pods.length, 'pod')}`);
    // A line per pod on a terminal: bytes so far, total and rate, redrawn in place.
    const lines = out.json ? undefined : out.lines(pods.length);
    const results = await Promise.allSettled(
      pods.map(async (pod, i) => {
        lines?.set(i, `${pod.huid} ${out.c.dim('comparing…')}`);
        const started = Date.now();
        const result = await lium.syncDirectory(pod, {
          onProgress: (p) =>
            lines?.set(i, `${pod.huid} ${progressText(out.c, p.bytes, p.total, p.rate)}`),
          localPath: localFor(pod),
          remotePath,
          direction,
          delete: args.delete,
          exclude: asList(args.exclude),
          compress: args.compress,
          dryRun: args['dry-run'],
          signal: ctx.signal,
        });
        return { pod, result, seconds: (Date.now() - started) / 1000 };
      }),
    );
    lines?.stop();
    let failures = 0;
    const rows = [];
    for (const [i, settled] of results.entries()) {
      const pod = pods[i] as PodInfo;
      if (settled.status === 'rejected') {
        failures += 1;
        const error = settled.reason as Error & { code?: string };
        rows.push({
          pod: pod.huid,
          pod_id: pod.id,
          error: errorJson(error),
        });
        if (!out.json) out.error(`${podLabel(pod)}: ${error.message}`);
        continue;
      }
      const { result, seconds } = settled.value;
      rows.push({
        pod: pod.huid,
        pod_id: pod.id,
        direction,
        local: localFor(pod),
        remote: remotePath,
        method: result.method,
        transferred: result.transferred,
        deleted: result.deleted,
        bytes: result.bytes,
        dry_run: args['dry-run'],
      });
      if (out.json) continue;
      if (args.verbose) {
        for (const file of result.transferred) out.info(`  ${out.c.dim(pod.huid)} ${file}`);
        for (const file of result.deleted)
          out.info(`  ${out.c.dim(pod.huid)} ${out.c.red('deleted')} ${file}`);
      }
      const verb = args['dry-run'] ? 'Would sync' : 'Synced';
      out.success(
        `${verb} ${plural(result.transferred.length, 'file')}${result.deleted.length ? `, deleted ${result.deleted.length}` : ''} ${direction === 'up' ? 'to' : 'from'} ${podLabel(pod)} (${formatBytes(result.bytes)} in ${seconds.toFixed(1)} s, ${formatBytes(result.bytes / Math.max(seconds, 0.001))}/s, ${result.method})`,
      );
    }
    if (out.json) out.printJson(rows);
    if (failures > 0) ctx.exitCode = 1;
  },
});
