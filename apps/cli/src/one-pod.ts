import type { Lium, PodInfo } from '@lium/sdk';
import { CliUsageError } from './errors.ts';

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
