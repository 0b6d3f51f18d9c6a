import type { Lium, PodInfo } from '@lium/sdk';
import { shQuote } from '@lium/ssh/target';
import { bundledScriptPath } from './bundled-scripts.ts';
import { CliError } from './errors.ts';
import { readLocalText } from './local-files.ts';
import { podLabel } from './pods.ts';

export const DEFAULT_JUPYTER_PORT = 20000;

/** The `KEY=value` lines the script ends with. */
function scriptResult(stdout: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const match = /^(JUPYTER_[A-Z]+)=(.*)$/.exec(line.trim());
    if (match?.[1] !== undefined) result[match[1]] = match[2] ?? '';
  }
  return result;
}

export interface JupyterStarted {
  state: 'started' | 'running';
  /** With the token. */
  url: string;
  /** Inside the pod. */
  port: number;
  /** Where the pod's `port` is mapped on its host, when it is. */
  externalPort: number | undefined;
  pid: number | null;
}

/**
 * Runs the jupyter.sh shipped with lium on `pod` (it uses an installed Jupyter or installs
 * JupyterLab, starts it in the background and prints its URL with the token): `lium jupyter`
 * and `lium up --jupyter` both start it this way. A failure is `jupyter_failed` naming the log.
 */
export async function startJupyter(
  lium: Lium,
  pod: PodInfo,
  port: number,
  signal: AbortSignal,
): Promise<JupyterStarted> {
  const script = await readLocalText(bundledScriptPath('jupyter'), 'Script');
  const mapped = pod.ports[String(port)];
  const result = await lium.executeCommand(pod, `bash -c ${shQuote(script)}`, {
    env: {
      JUPYTER_PORT: String(port),
      ...(mapped !== undefined && pod.host !== undefined
        ? { JUPYTER_PUBLIC_HOST: pod.host, JUPYTER_PUBLIC_PORT: String(mapped) }
        : { JUPYTER_PUBLIC_HOST: '127.0.0.1' }),
    },
    signal,
  });
  const found = scriptResult(result.stdout);
  const url = found.JUPYTER_URL;
  if (result.exitCode !== 0 || url === undefined) {
    const tail = result.stderr.trim().split('\n').slice(-5).join(' | ');
    throw new CliError(
      `Jupyter did not start on ${podLabel(pod)} (exit ${result.exitCode ?? result.signal ?? '?'})${tail ? `: ${tail}` : ''}`,
      {
        code: 'jupyter_failed',
        hint: 'Check ~/.lium-jupyter/jupyter.log on the pod (`lium exec <pod> cat ~/.lium-jupyter/jupyter.log`).',
      },
    );
  }
  const pid = Number(found.JUPYTER_PID);
  return {
    state: found.JUPYTER_STATE === 'running' ? 'running' : 'started',
    url,
    port,
    externalPort: mapped,
    pid: Number.isInteger(pid) ? pid : null,
  };
}

/** The port `up --jupyter` starts Jupyter on: the pod's first mapped port other than SSH's. */
export function jupyterPortOf(pod: PodInfo): number {
  const mapped = Object.keys(pod.ports)
    .map(Number)
    .filter((port) => Number.isInteger(port) && port !== 22)
    .sort((a, b) => a - b);
  return mapped[0] ?? DEFAULT_JUPYTER_PORT;
}
