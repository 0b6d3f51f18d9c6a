import { stat } from 'node:fs/promises';
import { basename, join, posix } from 'node:path';
import type { Lium, PodInfo, PodOutcome, TransferProgress } from '@lium/sdk';
import type { CommandContext } from '../context.ts';
import { defineCommand } from '../define-command.ts';
import { CliUsageError } from '../errors.ts';
import { podErrorJson } from '../handle-error.ts';
import { localPath, requireLocal } from '../local-files.ts';
import { flag, options, text } from '../options.ts';
import { formatBytes } from '../output/format.ts';
import { progressText } from '../output/output.ts';
import { plural, podLabel } from '../pods.ts';
import { parseRemoteSpec } from '../remote-spec.ts';

/** Where uploads go when no remote path is given (the official CLI's default). */
const DEFAULT_REMOTE_DIR = '/root/';

interface Plan {
  direction: 'up' | 'down';
  targets: string;
  local: string;
  remote: string | undefined;
}

/** Reads the three accepted shapes into one plan (see the examples in `lium scp --help`). */
function planOf(targetsArg: string, paths: readonly string[], download: boolean): Plan {
  const colon = parseRemoteSpec(targetsArg);
  if (colon) {
    if (paths.length > 1)
      throw new CliUsageError('Too many paths: `lium scp TARGET:REMOTE [LOCAL]`');
    return {
      direction: 'down',
      targets: colon.targets,
      remote: colon.path,
      local: paths[0] ?? '.',
    };
  }
  const [first, second, ...rest] = paths;
  if (rest.length > 0) throw new CliUsageError('Too many paths');
  if (download) {
    if (!first)
      throw new CliUsageError(
        'Give the remote path to download',
        'e.g. `lium scp 1 -d /root/out.txt ./`.',
      );
    return { direction: 'down', targets: targetsArg, remote: first, local: second ?? '.' };
  }
  // `lium scp ./file 1:/root/` reads naturally too.
  const uploadTo = first !== undefined ? parseRemoteSpec(first) : undefined;
  if (uploadTo && second === undefined) {
    return { direction: 'up', targets: uploadTo.targets, local: targetsArg, remote: uploadTo.path };
  }
  if (!first)
    throw new CliUsageError(
      'Give the local file to upload',
      'e.g. `lium scp 1 ./data.csv /root/`.',
    );
  return { direction: 'up', targets: targetsArg, local: first, remote: second };
}

export default defineCommand({
  builder: (yargs) =>
    yargs
      .positional('targets', {
        type: 'string',
        demandOption: true,
        describe:
          'Pods (index from `lium ps`, HUID, name, id, list, all), or TARGET:REMOTE to download',
      })
      .positional('paths', {
        type: 'string',
        array: true,
        describe: 'LOCAL [REMOTE] to upload; [LOCAL] to download',
      })
      .options(
        options({
          download: flag('Download: TARGETS REMOTE [LOCAL]', { alias: 'd' }),
          coldkey: text(
            "Copy Bittensor wallet NAME's coldkeypub.txt to the pods' ~/.bittensor/wallets/NAME/ (never the encrypted coldkey)",
          ),
          hotkey: text('With --coldkey: also copy hotkeys/NAME'),
          'wallet-path': text(
            'With --coldkey: local wallets directory (default ~/.bittensor/wallets)',
          ),
        }),
      )
      .example('lium scp 1 ./data.csv', 'upload to /root/data.csv on pod 1')
      .example('lium scp 1,2 model.pt /workspace/', 'upload to two pods')
      .example('lium scp 1:/root/out.txt ./', 'download from pod 1')
      .example(
        'lium scp all -d /root/log.txt logs/',
        'download from every pod as logs/<huid>/log.txt',
      )
      .example('lium scp all --coldkey miner --hotkey default', "copy a wallet's public parts"),
  async handler(args, ctx) {
    if (args.hotkey !== undefined && args.coldkey === undefined) {
      throw new CliUsageError(
        '--hotkey needs --coldkey',
        'e.g. `lium scp 1 --coldkey miner --hotkey default`.',
      );
    }
    if (args.coldkey !== undefined) {
      if ((args.paths ?? []).length > 0 || args.download || parseRemoteSpec(args.targets)) {
        throw new CliUsageError(
          '--coldkey copies a wallet: give only TARGETS',
          'e.g. `lium scp all --coldkey miner`.',
        );
      }
      const { copyWallet } = await import('./scp-wallet.ts');
      return copyWallet(
        {
          targets: args.targets,
          coldkey: args.coldkey,
          hotkey: args.hotkey,
          walletPath: args['wallet-path'],
        },
        ctx,
      );
    }
    const plan = planOf(args.targets, (args.paths ?? []).map(String), args.download);
    const local = localPath(plan.local, ctx.io);
    if (plan.direction === 'up') await requireLocal(local);
    const lium = await ctx.lium();
    const pods = await lium.resolvePods(plan.targets, { signal: ctx.signal });
    if (pods.length === 1) {
      const [pod] = pods as [PodInfo];
      const result =
        plan.direction === 'up'
          ? await uploadTo(lium, pod, local, plan.remote, ctx)
          : await downloadFrom(lium, pod, plan.remote ?? '', local, ctx);
      if (ctx.out.json) ctx.out.printJson([result]);
      return;
    }
    const rows = await (plan.direction === 'up'
      ? uploadToPods(lium, pods, local, plan.remote, ctx)
      : downloadFromPods(lium, pods, plan.remote ?? '', local, ctx));
    const failed = rows.filter((row) => 'error' in row).length;
    if (ctx.out.json) ctx.out.printJson(rows);
    else if (failed === 0) ctx.out.success(`Copied on ${plural(pods.length, 'pod')}`);
    if (failed > 0) ctx.exitCode = 1;
  },
});

interface CopyResult {
  pod: string;
  pod_id: string;
  direction: 'up' | 'down';
  local: string;
  remote: string;
  bytes: number;
}

type CopyFailure = ReturnType<typeof podErrorJson>;

/** A bar per file on a terminal (one pod); several pods get one line each as they finish. */
function progressFor(ctx: CommandContext, label: string) {
  const bar = ctx.out.progress(label);
  return {
    onProgress: (p: { bytes: number; total: number; rate?: number }) =>
      bar.update(p.bytes, p.total, p.rate),
    done: (line: string) => bar.done(line),
  };
}

function remoteFor(local: string, remoteArg: string | undefined): string {
  const remoteBase = remoteArg && remoteArg.length > 0 ? remoteArg : DEFAULT_REMOTE_DIR;
  return remoteBase.endsWith('/') ? posix.join(remoteBase, basename(local)) : remoteBase;
}

/** One row per pod of a many-pod copy, in order; failures reported, the rest still copied. */
function rowsOf<T extends { bytes: number }>(
  outcomes: readonly PodOutcome<T>[],
  ctx: CommandContext,
  row: (pod: PodInfo, result: T) => CopyResult,
  line: (pod: PodInfo, result: T) => string,
): (CopyResult | CopyFailure)[] {
  return outcomes.map((outcome) => {
    const { pod } = outcome;
    if (outcome.result === undefined) {
      const error = outcome.error as Error;
      if (!ctx.out.json) ctx.out.error(`${podLabel(pod)}: ${error.message}`);
      return podErrorJson(pod, error);
    }
    if (!ctx.out.json) ctx.out.success(line(pod, outcome.result));
    return row(pod, outcome.result);
  });
}

async function uploadToPods(
  lium: Lium,
  pods: readonly PodInfo[],
  local: string,
  remoteArg: string | undefined,
  ctx: CommandContext,
): Promise<(CopyResult | CopyFailure)[]> {
  const remote = remoteFor(local, remoteArg);
  const progress = perPodProgress(pods, ctx, (pod) => `${basename(local)} → ${pod.huid}`);
  const outcomes = await lium
    .uploadToMany(pods, local, remote, { signal: ctx.signal, onProgress: progress.update })
    .finally(progress.stop);
  return rowsOf(
    outcomes,
    ctx,
    (pod, { bytes }) => ({ pod: pod.huid, pod_id: pod.id, direction: 'up', local, remote, bytes }),
    (pod, { bytes }) =>
      `Uploaded ${basename(local)} to ${podLabel(pod)}:${remote} (${formatBytes(bytes)})`,
  );
}

/**
 * A live line per pod on a terminal (`data.bin → noble-hawk-a3  42% 80 MB/191 MB 12 MB/s`), so
 * a copy to or from several pods is never silent; nothing off a terminal or with `--json`.
 */
function perPodProgress(
  pods: readonly PodInfo[],
  ctx: CommandContext,
  label: (pod: PodInfo) => string,
): { update: (pod: PodInfo, p: TransferProgress) => void; stop: () => void } {
  const { out } = ctx;
  const lines = out.json ? undefined : out.lines(pods.length);
  const row = new Map(pods.map((pod, i) => [pod.id, i]));
  return {
    update: (pod, p) =>
      lines?.set(
        row.get(pod.id) ?? 0,
        `${label(pod)} ${progressText(out.c, p.bytes, p.total, p.rate)}`,
      ),
    stop: () => lines?.stop(),
  };
}

/** Several pods: each file lands in `<local>/<huid>/`, the SDK's one layout for such pulls. */
async function downloadFromPods(
  lium: Lium,
  pods: readonly PodInfo[],
  remote: string,
  localDir: string,
  ctx: CommandContext,
): Promise<(CopyResult | CopyFailure)[]> {
  const progress = perPodProgress(pods, ctx, (pod) => `${pod.huid}:${remote} →`);
  const outcomes = await lium
    .downloadFromMany(pods, remote, localDir, { signal: ctx.signal, onProgress: progress.update })
    .finally(progress.stop);
  return rowsOf(
    outcomes,
    ctx,
    (pod, { bytes, localPath }) => ({
      pod: pod.huid,
      pod_id: pod.id,
      direction: 'down',
      local: localPath,
      remote,
      bytes,
    }),
    (pod, { bytes, localPath }) =>
      `Downloaded ${podLabel(pod)}:${remote} to ${localPath} (${formatBytes(bytes)})`,
  );
}

async function uploadTo(
  lium: Lium,
  pod: PodInfo,
  local: string,
  remoteArg: string | undefined,
  ctx: CommandContext,
): Promise<CopyResult> {
  const remote = remoteFor(local, remoteArg);
  const progress = progressFor(ctx, `${basename(local)} → ${pod.huid}`);
  const { bytes } = await lium.uploadFile(pod, local, remote, {
    signal: ctx.signal,
    onProgress: progress.onProgress,
  });
  progress.done(
    `Uploaded ${basename(local)} to ${podLabel(pod)}:${remote} (${formatBytes(bytes)})`,
  );
  return { pod: pod.huid, pod_id: pod.id, direction: 'up', local, remote, bytes };
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (info) => info.isDirectory(),
    () => false,
  );
}

async function downloadFrom(
  lium: Lium,
  pod: PodInfo,
  remote: string,
  localArg: string,
  ctx: CommandContext,
): Promise<CopyResult> {
  const name = posix.basename(remote);
  const local =
    localArg.endsWith('/') || (await isDirectory(localArg)) ? join(localArg, name) : localArg;
  const progress = progressFor(ctx, `${pod.huid}:${name} → ${basename(local)}`);
  const { bytes } = await lium.downloadFile(pod, remote, local, {
    signal: ctx.signal,
    onProgress: progress.onProgress,
  });
  progress.done(`Downloaded ${podLabel(pod)}:${remote} to ${local} (${formatBytes(bytes)})`);
  return { pod: pod.huid, pod_id: pod.id, direction: 'down', local, remote, bytes };
}
