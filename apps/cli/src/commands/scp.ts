import { mkdir, stat } from 'node:fs/promises';
import { basename, join, posix } from 'node:path';
import type { Lium, PodInfo } from '@lium/sdk';
import type { CommandContext } from '../context.ts';
import { defineCommand } from '../define-command.ts';
import { CliUsageError } from '../errors.ts';
import { localPath, requireLocal } from '../local-files.ts';
import { flag, options, text } from '../options.ts';
import { formatBytes } from '../output/format.ts';
import type { LiveLines } from '../output/live-lines.ts';
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
        'download from every pod as logs/<huid>-log.txt',
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
    const lines = pods.length > 1 && !ctx.out.json ? ctx.out.lines(pods.length) : undefined;
    const slots: (Slot | undefined)[] = pods.map((_, index) =>
      lines ? { lines, index } : undefined,
    );
    const settled = await Promise.allSettled(
      pods.map((pod, i) =>
        plan.direction === 'up'
          ? uploadTo(lium, pod, local, plan.remote, slots[i], ctx)
          : downloadFrom(lium, pod, plan.remote ?? '', local, slots[i], pods.length, ctx),
      ),
    );
    lines?.stop();
    for (const slot of slots) if (slot?.finished) ctx.out.success(slot.finished);
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    const results = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    if (ctx.out.json) ctx.out.printJson(results);
    else if (pods.length > 1) ctx.out.success(`Copied on ${plural(pods.length, 'pod')}`);
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

/** Where a pod's progress is drawn when several copy at once: its line of the block. */
interface Slot {
  lines: LiveLines;
  index: number;
  /** The pod's final line, printed under the block once every pod is done. */
  finished?: string;
}

function progressFor(ctx: CommandContext, label: string, slot: Slot | undefined) {
  // One bar for one pod; with several in parallel, a line each, redrawn in place.
  const bar = slot ? undefined : ctx.out.progress(label);
  slot?.lines.set(slot.index, `${label} ${ctx.out.c.dim('starting…')}`);
  return {
    onProgress: (p: { bytes: number; total: number; rate?: number }) => {
      if (bar) bar.update(p.bytes, p.total, p.rate);
      else
        slot?.lines.set(
          slot.index,
          `${label} ${progressText(ctx.out.c, p.bytes, p.total, p.rate)}`,
        );
    },
    done: (line: string) => {
      if (bar) bar.done(line);
      else if (slot) {
        slot.finished = line;
        slot.lines.set(slot.index, `${ctx.out.c.green('✔')} ${line}`);
      }
    },
  };
}

async function uploadTo(
  lium: Lium,
  pod: PodInfo,
  local: string,
  remoteArg: string | undefined,
  slot: Slot | undefined,
  ctx: CommandContext,
): Promise<CopyResult> {
  const remoteBase = remoteArg && remoteArg.length > 0 ? remoteArg : DEFAULT_REMOTE_DIR;
  const remote = remoteBase.endsWith('/') ? posix.join(remoteBase, basename(local)) : remoteBase;
  const progress = progressFor(ctx, `${basename(local)} → ${pod.huid}`, slot);
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
  slot: Slot | undefined,
  podCount: number,
  ctx: CommandContext,
): Promise<CopyResult> {
  const name = posix.basename(remote);
  let local: string;
  if (podCount > 1) {
    // Several pods: one directory, files named after their pod so none overwrites another.
    await mkdir(localArg, { recursive: true });
    local = join(localArg, `${pod.huid}-${name}`);
  } else {
    local =
      localArg.endsWith('/') || (await isDirectory(localArg)) ? join(localArg, name) : localArg;
  }
  const progress = progressFor(ctx, `${pod.huid}:${name} → ${basename(local)}`, slot);
  const { bytes } = await lium.downloadFile(pod, remote, local, {
    signal: ctx.signal,
    onProgress: progress.onProgress,
  });
  progress.done(`Downloaded ${podLabel(pod)}:${remote} to ${local} (${formatBytes(bytes)})`);
  return { pod: pod.huid, pod_id: pod.id, direction: 'down', local, remote, bytes };
}
