import type { PodInfo } from '@lium/sdk';
import { defineCommand } from '../define-command.ts';
import { formatDuration, formatUsd } from '../output/format.ts';
import { paintStatus } from '../output/status.ts';
import { renderTable } from '../output/table.ts';
import { podRow, podSpentUsd, podUptimeMs } from '../rows.ts';
import { keepSshConfigCurrent } from '../ssh-config-sync.ts';

/** Oldest first, so a new pod appends a row and the indices of the others stay put. */
function byAge(a: PodInfo, b: PodInfo): number {
  return (a.createdAt ?? '').localeCompare(b.createdAt ?? '') || a.name.localeCompare(b.name);
}

export default defineCommand({
  builder: (yargs) =>
    yargs
      .positional('target', {
        type: 'string',
        describe: 'Only these pods (index, HUID, name, id, list)',
      })
      .example('lium ps', 'all your pods; the # column is what other commands accept')
      .example('lium ps --json | jq ".[].ssh_cmd"', 'SSH commands for scripts'),
  async handler(args, ctx) {
    const lium = await ctx.lium();
    const busy = ctx.out.busy('Listing pods…');
    let selected: PodInfo[] | undefined;
    let pods: PodInfo[];
    try {
      selected = args.target
        ? await lium.resolvePods(args.target, { signal: ctx.signal })
        : undefined;
      pods = [...(await lium.listPods({ signal: ctx.signal }))].sort(byAge);
    } finally {
      busy.stop();
    }
    // The snapshot makes `lium exec 2` mean row 2 of this table, not of a fresh unordered list.
    await lium.rememberPods(pods);
    await keepSshConfigCurrent(ctx, { all: pods });
    const wanted = selected ? new Set(selected.map((pod) => pod.id)) : undefined;
    const now = new Date();
    const rows = pods
      .map((pod, i) => ({ pod, index: i + 1 }))
      .filter(({ pod }) => !wanted || wanted.has(pod.id));

    const { out } = ctx;
    if (out.json) {
      out.printJson(rows.map(({ pod, index }) => podRow(pod, index, now)));
      return;
    }
    if (rows.length === 0) {
      out.info('No pods. Find a machine with `lium ls`, then `lium up <#>`.');
      return;
    }
    const c = out.data;
    out.print(
      renderTable(
        [
          { header: '#', align: 'right' },
          { header: 'HUID' },
          { header: 'NAME' },
          { header: 'STATUS' },
          { header: 'GPU' },
          { header: '$/h', align: 'right' },
          { header: 'SPENT', align: 'right' },
          { header: 'UPTIME', align: 'right' },
          { header: 'SSH' },
        ],
        rows.map(({ pod, index }) => {
          const uptime = podUptimeMs(pod, now);
          return [
            String(index),
            c.cyan(pod.huid),
            pod.name,
            paintStatus(pod.status, c),
            `${pod.gpuCount}×${pod.gpuType}`,
            formatUsd(pod.pricePerHour),
            formatUsd(podSpentUsd(pod, now)),
            uptime === undefined ? '—' : formatDuration(uptime),
            pod.sshCmd ? c.dim(pod.sshCmd) : '—',
          ];
        }),
        c,
      ),
    );
    const hourly = rows.reduce((sum, { pod }) => sum + pod.pricePerHour, 0);
    out.info(
      out.c.dim(`${rows.length} pod${rows.length === 1 ? '' : 's'}, ${formatUsd(hourly)}/h.`),
    );
  },
});
