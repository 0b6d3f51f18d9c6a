import type { ForgottenHostKey, Lium, PodInfo } from '@lium/sdk';
import type { Argv } from 'yargs';
import type { CommandContext, GlobalArgs } from '../context.ts';
import { defineCommand } from '../define-command.ts';
import { POD_TARGETS } from '../pod-targets.ts';
import { podLabel } from '../pods.ts';

/**
 * Forgets the pinned host key of each pod (after a rebuild or reboot gave it a new one), so
 * the next connection pins the key it presents then. Shared with `lium ssh --reset-host-key`.
 */
export async function forgetHostKeys(
  lium: Lium,
  pods: readonly PodInfo[],
): Promise<ForgottenHostKey[]> {
  const { forgetPodHostKey, knownHostsDirOf } = await import('@lium/sdk');
  const { configDir } = await lium.getSettings();
  const knownHostsDir = knownHostsDirOf(configDir);
  return Promise.all(pods.map((pod) => forgetPodHostKey({ knownHostsDir }, pod.id)));
}

/** One line per pod: what was pinned and is forgotten now. */
export function describeForgotten(pod: PodInfo, result: ForgottenHostKey): string {
  return result.forgotten
    ? `Forgot the host key pinned for ${podLabel(pod)} (${result.fingerprints.join(', ') || 'no key'}); the next connection pins the one it presents.`
    : `No host key was pinned for ${podLabel(pod)}.`;
}

function subcommands(yargs: Argv<GlobalArgs>, ctx: CommandContext): Argv<GlobalArgs> {
  return yargs.command(
    'forget <targets>',
    'Forget the pinned host key of pods whose key changed (after a rebuild or reboot)',
    (y) =>
      y
        .positional('targets', POD_TARGETS)
        .example('lium known-hosts forget 1', 'trust the new key of the first pod of `lium ps`'),
    async (args) => {
      const lium = await ctx.lium();
      const pods = await lium.resolvePods(args.targets, { signal: ctx.signal });
      const results = await forgetHostKeys(lium, pods);
      if (ctx.out.json) {
        ctx.out.printJson(
          results.map((result, i) => ({
            id: result.podId,
            huid: pods[i]?.huid ?? null,
            name: pods[i]?.name ?? null,
            forgotten: result.forgotten,
            fingerprints: result.fingerprints,
          })),
        );
        return;
      }
      results.forEach((result, i) => {
        const pod = pods[i];
        if (pod) ctx.out.success(describeForgotten(pod, result));
      });
    },
  );
}

export default defineCommand({
  builder: (yargs, ctx) =>
    subcommands(yargs, ctx)
      .demandCommand(1, 'Name a known-hosts action: forget.')
      .example('lium known-hosts forget my-pod', 'after `lium` refused a changed host key'),
  async handler() {
    // Only reached without a subcommand, which demandCommand already refuses.
  },
});
