import { isLiumError } from '@lium/errors';
import type { CommandContext } from '../context.ts';
import { plural, podLabel } from '../pods.ts';

/** `lium scp TARGETS --coldkey NAME [--hotkey NAME]`: the wallet's public parts to each pod. */
export interface WalletCopyArgs {
  targets: string;
  coldkey: string;
  hotkey: string | undefined;
  walletPath: string | undefined;
}

/**
 * Copies `coldkeypub.txt` (and `hotkeys/<hotkey>`) to every pod; a pod that fails does not
 * stop the others, and the run exits 1 if any failed.
 */
export async function copyWallet(args: WalletCopyArgs, ctx: CommandContext): Promise<void> {
  const lium = await ctx.lium();
  const settings = await lium.getSettings();
  const { copyWalletToPods } = await import('@lium/sdk');
  const pods = await lium.resolvePods(args.targets, { signal: ctx.signal });
  const walletPath = args.walletPath ?? settings.walletPath;
  const outcomes = await copyWalletToPods(lium, pods, {
    coldkey: args.coldkey,
    hotkey: args.hotkey,
    ...(walletPath ? { walletPath } : {}),
    ...(ctx.io.env.HOME ? { home: ctx.io.env.HOME } : {}),
    signal: ctx.signal,
  });
  const failed = outcomes.filter((outcome) => outcome.error !== undefined);
  if (failed.length > 0) ctx.exitCode = 1;
  if (ctx.out.json) {
    ctx.out.printJson(
      outcomes.map((outcome) =>
        outcome.error === undefined
          ? { pod: outcome.pod.huid, pod_id: outcome.pod.id, files: outcome.files }
          : {
              pod: outcome.pod.huid,
              pod_id: outcome.pod.id,
              error: {
                code: isLiumError(outcome.error) ? outcome.error.code : 'error',
                message:
                  outcome.error instanceof Error ? outcome.error.message : String(outcome.error),
              },
            },
      ),
    );
    return;
  }
  for (const outcome of outcomes) {
    if (outcome.error === undefined) {
      const names = (outcome.files ?? []).map((file) => file.remote).join(', ');
      ctx.out.success(`Copied wallet "${args.coldkey}" to ${podLabel(outcome.pod)}: ${names}`);
    } else {
      const message =
        outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
      ctx.out.error(`${podLabel(outcome.pod)}: ${message}`);
    }
  }
  if (outcomes.length > 1 && failed.length === 0) {
    ctx.out.success(`Copied on ${plural(outcomes.length, 'pod')}`);
  }
}
