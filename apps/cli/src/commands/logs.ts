import type { LogsStatus } from '@lium/sdk';
import { defineCommand } from '../define-command.ts';
import { CliInterruptedError } from '../errors.ts';
import { EXIT_INTERRUPTED } from '../handle-error.ts';
import { ONE_POD, resolveOnePod } from '../one-pod.ts';
import { flag, number, options } from '../options.ts';
import type { Output } from '../output/output.ts';
import { podLabel } from '../pods.ts';

/** One status line on stderr for what the reader does between lines. */
function describeStatus(status: LogsStatus): string {
  switch (status.kind) {
    case 'waiting_for_container':
      return `The pod's container is not deployed yet; asking again in ${Math.round(status.retryInMs / 1000)} s…`;
    case 'reconnecting':
      return `The log stream broke off; reconnecting in ${(status.delayMs / 1000).toFixed(1)} s (attempt ${status.attempt})…`;
    case 'reconnected':
      return 'Reconnected to the log stream.';
    case 'gap':
      return 'Reconnected; some lines printed while disconnected may be missing.';
  }
}

function reportStatus(out: Output, status: LogsStatus): void {
  if (out.json) return;
  if (status.kind === 'gap') out.warn(describeStatus(status));
  else out.info(out.c.dim(describeStatus(status)));
}

export default defineCommand({
  builder: (yargs) =>
    yargs
      .positional('target', ONE_POD)
      .options(
        options({
          tail: number('whole-positive', 'Lines of history to show (server default 100)', {
            alias: 'n',
          }),
          follow: flag('Keep printing new lines until Ctrl-C', { alias: 'f' }),
        }),
      )
      .example('lium logs 1', "the last lines of the first pod's container output")
      .example('lium logs my-pod -f -n 20', 'the last 20 lines, then follow')
      .epilogue(
        '--json prints one object per line: {"pod", "pod_id", "line"} (JSON Lines), so it can follow.',
      ),
  async handler(args, ctx) {
    const { streamPodLogLines } = await import('@lium/sdk');
    const lium = await ctx.lium();
    const pod = await resolveOnePod(lium, args.target as string, 'logs', ctx.signal);
    const api = await lium.getApiClient();
    const { out } = ctx;
    const lines = streamPodLogLines(
      { streamPodLogs: (podId, query, options) => api.streamPodLogs(podId, query, options) },
      pod.id,
      {
        tail: args.tail,
        follow: args.follow,
        signal: ctx.signal,
        onStatus: (status) => reportStatus(out, status),
      },
    );
    try {
      for await (const line of lines) {
        if (out.json) out.printJsonLine({ pod: pod.huid, pod_id: pod.id, line });
        else out.print(line);
      }
    } catch (error) {
      // Ctrl-C while following is how `-f` ends: exit 130 without an error line.
      if (ctx.interrupted && args.follow) {
        ctx.exitCode = EXIT_INTERRUPTED;
        return;
      }
      throw error;
    }
    if (ctx.interrupted) {
      if (args.follow) {
        ctx.exitCode = EXIT_INTERRUPTED;
        return;
      }
      throw new CliInterruptedError();
    }
    if (args.follow && !out.json) out.info(out.c.dim(`The log stream of ${podLabel(pod)} ended.`));
  },
});
