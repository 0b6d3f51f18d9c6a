import type { Lium, PodInfo } from '@lium/sdk';
import { CliError, CliUsageError } from './errors.ts';
import { podLabel } from './pods.ts';

/** The positional of commands that work on one pod (`logs`, `ssh`, `port-forward`, `bk now`). */
export const ONE_POD = {
  type: 'string',
  demandOption: true,
  describe: 'One pod: index from `lium ps`, HUID, name or id',
} as const;

/** The single pod a target names, for commands that work on one (`logs`, `port-forward`). */
export async function resolveOnePod(
  lium: Lium,
  target: string,
  command: string,
  signal: AbortSignal,
): Promise<PodInfo> {
  const pods = await lium.resolvePods(target, { signal });
  const [pod] = pods;
  if (pods.length !== 1 || pod === undefined) {
    throw new CliUsageError(
      `lium ${command} works on one pod; "${target}" names ${pods.length}`,
      'Give one index, HUID or name (see `lium ps`).',
    );
  }
  return pod;
}

/** Statuses a pod may still leave by itself on its way to RUNNING. */
const ON_ITS_WAY = new Set(['PENDING', 'STARTING', 'REBOOT_PENDING']);

/**
 * The pod, if it is RUNNING; otherwise `pod_not_running` with its status and what to do (wait
 * for one on its way up, reboot or replace one that stopped or failed).
 */
export function requireRunning(pod: PodInfo, command: string): PodInfo {
  const status = pod.status.toUpperCase();
  if (status === 'RUNNING') return pod;
  const label = podLabel(pod);
  throw new CliError(`${label} is ${status}, and lium ${command} needs it RUNNING`, {
    code: 'pod_not_running',
    hint: ON_ITS_WAY.has(status)
      ? `Wait until \`lium ps\` shows it RUNNING, then run lium ${command} again.`
      : `Bring it back with \`lium reboot ${pod.huid}\`, or rent another with \`lium up\`.`,
  });
}
