import type { OpenForward, PortMapping } from '@lium/sdk';
import { defineCommand } from '../define-command.ts';
import { CliUsageError } from '../errors.ts';
import { EXIT_INTERRUPTED } from '../handle-error.ts';
import { ONE_POD, requireRunning, resolveOnePod } from '../one-pod.ts';
import { number, options } from '../options.ts';
import { podLabel } from '../pods.ts';

/** `-l N` is the local port of a single `PORT`; with several, each names its own (`PORT:LOCAL`). */
function withLocalPort(mappings: PortMapping[], localPort: number | undefined): PortMapping[] {
  if (localPort === undefined) return mappings;
  const [only] = mappings;
  if (mappings.length !== 1 || only === undefined || only.localPort !== undefined) {
    throw new CliUsageError(
      '--local-port goes with one PORT',
      'For several ports, give each its local port as PORT:LOCAL (8888:9999 6006:7006).',
    );
  }
  return [{ remotePort: only.remotePort, localPort }];
}

export default defineCommand({
  builder: (yargs) =>
    yargs
      .positional('target', ONE_POD)
      .positional('ports', {
        type: 'string',
        array: true,
        describe: "The pod's port(s): PORT or PORT:LOCAL (LOCAL 0 = any free port)",
      })
      .options(
        options({
          'local-port': number('port', 'Local port for a single PORT (default: the same number)', {
            alias: 'l',
          }),
        }),
      )
      .example('lium port-forward 1 8888', "the pod's localhost:8888 on http://127.0.0.1:8888")
      .example('lium port-forward my-pod 6006 -l 16006', 'TensorBoard on local port 16006')
      .example('lium port-forward 1 8888:9999 6006:0', 'two ports at once')
      .epilogue(
        'The tunnel goes through the pinned SSH connection and is held until Ctrl-C (exit 130). ' +
          '--json prints {"pod", "pod_id", "forwards": [{remote_port, local_port, url}]} once open.',
      ),
  async handler(args, ctx) {
    const sdk = await import('@lium/sdk');
    const specs = (args.ports ?? []).map(String);
    const mappings = withLocalPort(sdk.parsePortMappings(specs), args.localPort);
    const lium = await ctx.lium();
    const pod = requireRunning(
      await resolveOnePod(lium, args.target as string, 'port-forward', ctx.signal),
      'port-forward',
    );
    const { out } = ctx;
    const spinner = out.json ? undefined : out.spinner(`Opening the tunnel to ${podLabel(pod)}`);
    const ready = (forwards: OpenForward[]) => {
      spinner?.succeed(`Forwarding to ${podLabel(pod)} (Ctrl-C to stop)`);
      if (out.json) {
        out.printJson({
          pod: pod.huid,
          pod_id: pod.id,
          forwards: forwards.map((f) => ({
            remote_port: f.remotePort,
            local_port: f.localPort,
            url: f.url,
          })),
        });
        return;
      }
      for (const forward of forwards) {
        out.print(`${forward.url} → ${pod.huid}:localhost:${forward.remotePort}`);
      }
    };
    try {
      await sdk.holdPortForwards(sdk.portForwardDepsOf(lium), pod, mappings, {
        signal: ctx.signal,
        onReady: ready,
      });
    } catch (error) {
      spinner?.fail();
      throw error;
    }
    // Ctrl-C is how a forward ends: exit 130 without an error line.
    if (ctx.interrupted) ctx.exitCode = EXIT_INTERRUPTED;
  },
});
