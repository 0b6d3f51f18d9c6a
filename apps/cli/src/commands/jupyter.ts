import { shQuote } from '@lium/ssh/target';
import type { Argv } from 'yargs';
import { bundledScriptPath } from '../bundled-scripts.ts';
import type { GlobalArgs } from '../context.ts';
import { type ArgsOf, defineCommand } from '../define-command.ts';
import { CliError, CliUsageError } from '../errors.ts';
import { readLocalText } from '../local-files.ts';
import { number, options } from '../options.ts';
import { podLabel } from '../pods.ts';

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

const builder = (yargs: Argv<GlobalArgs>) =>
  yargs
    .positional('target', {
      type: 'string',
      demandOption: true,
      describe: 'One pod: index from `lium ps`, HUID, name or id',
    })
    .options(
      options({
        port: number(
          'port',
          `Port Jupyter listens on inside the pod (default ${DEFAULT_JUPYTER_PORT})`,
        ),
      }),
    )
    .example('lium jupyter 1', 'start Jupyter on the first pod (or show the running one)')
    .epilogue(
      'Runs the jupyter.sh shipped with lium (also `lium exec 1 --script @jupyter`): it uses an installed Jupyter or installs JupyterLab with uv, starts it in the background and prints its URL with the token. Running it again reports the running server.',
    );

type JupyterArgs = ArgsOf<typeof builder>;

export default defineCommand({
  builder,
  async handler(args: JupyterArgs, ctx) {
    const port = args.port ?? DEFAULT_JUPYTER_PORT;
    const script = await readLocalText(bundledScriptPath('jupyter'), 'Script');
    const lium = await ctx.lium();
    const pods = await lium.resolvePods(args.target, { signal: ctx.signal });
    if (pods.length !== 1) {
      throw new CliUsageError(
        `Jupyter starts on one pod at a time, and "${args.target}" names ${pods.length}`,
        'Give one index, HUID or name (see `lium ps`).',
      );
    }
    const [pod] = pods as [(typeof pods)[number]];
    const mapped = pod.ports[String(port)];
    const { out } = ctx;
    const spinner = out.json ? undefined : out.spinner(`Starting Jupyter on ${podLabel(pod)}`);
    const result = await lium
      .executeCommand(pod, `bash -c ${shQuote(script)}`, {
        env: {
          JUPYTER_PORT: String(port),
          ...(mapped !== undefined && pod.host !== undefined
            ? { JUPYTER_PUBLIC_HOST: pod.host, JUPYTER_PUBLIC_PORT: String(mapped) }
            : { JUPYTER_PUBLIC_HOST: '127.0.0.1' }),
        },
        signal: ctx.signal,
      })
      .catch((error: unknown) => {
        spinner?.stop();
        throw error;
      });
    const found = scriptResult(result.stdout);
    const url = found.JUPYTER_URL;
    if (result.exitCode !== 0 || url === undefined) {
      spinner?.fail();
      const tail = result.stderr.trim().split('\n').slice(-5).join(' | ');
      throw new CliError(
        `Jupyter did not start on ${podLabel(pod)} (exit ${result.exitCode ?? result.signal ?? '?'})${tail ? `: ${tail}` : ''}`,
        {
          code: 'jupyter_failed',
          hint: 'Check ~/.lium-jupyter/jupyter.log on the pod (`lium exec <pod> cat ~/.lium-jupyter/jupyter.log`).',
        },
      );
    }
    const state = found.JUPYTER_STATE === 'running' ? 'running' : 'started';
    const pid = Number(found.JUPYTER_PID);
    if (out.json) {
      out.printJson({
        pod: pod.huid,
        pod_id: pod.id,
        state,
        url,
        port,
        external_port: mapped ?? null,
        pid: Number.isInteger(pid) ? pid : null,
      });
      return;
    }
    spinner?.succeed(
      state === 'running'
        ? `Jupyter is already running on ${podLabel(pod)}`
        : `Jupyter started on ${podLabel(pod)}`,
    );
    out.print(url);
    if (mapped === undefined) {
      const ssh = pod.sshCmd ? pod.sshCmd.replace(/^ssh /, '') : `<pod ${pod.huid}>`;
      out.info(
        out.c.dim(
          `Port ${port} is not mapped on this pod: open the URL through a tunnel, e.g. ssh -N -L ${port}:127.0.0.1:${port} ${ssh}`,
        ),
      );
    }
  },
});
