import { isLiumError } from '@lium/errors';
import type { Argv } from 'yargs';
import type { GlobalArgs } from '../context.ts';
import { type ArgsOf, defineCommand } from '../define-command.ts';
import { CliUsageError } from '../errors.ts';
import { DEFAULT_JUPYTER_PORT, startJupyter } from '../jupyter-start.ts';
import { number, options } from '../options.ts';
import { podLabel } from '../pods.ts';

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
    const lium = await ctx.lium();
    const pods = await lium.resolvePods(args.target, { signal: ctx.signal });
    if (pods.length !== 1) {
      throw new CliUsageError(
        `Jupyter starts on one pod at a time, and "${args.target}" names ${pods.length}`,
        'Give one index, HUID or name (see `lium ps`).',
      );
    }
    const [pod] = pods as [(typeof pods)[number]];
    const { out } = ctx;
    const spinner = out.json ? undefined : out.spinner(`Starting Jupyter on ${podLabel(pod)}`);
    const {
      state,
      url,
      externalPort: mapped,
      pid,
    } = await startJupyter(lium, pod, port, ctx.signal).catch((error: unknown) => {
      if (isLiumError(error) && error.code === 'jupyter_failed') spinner?.fail();
      else spinner?.stop();
      throw error;
    });
    if (out.json) {
      out.printJson({
        pod: pod.huid,
        pod_id: pod.id,
        state,
        url,
        port,
        external_port: mapped ?? null,
        pid,
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
      // Our tunnel goes through the pinned SSH connection; a bare `ssh -L` would not check the key.
      out.info(
        out.c.dim(
          `Port ${port} is not mapped on this pod: open the URL through a tunnel, \`lium port-forward ${pod.huid} ${port}\` (until Ctrl-C).`,
        ),
      );
    }
  },
});
