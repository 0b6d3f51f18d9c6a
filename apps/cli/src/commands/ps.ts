import type { PodIdleness, PodInfo } from '@lium/sdk';
import { defineCommand } from '../define-command.ts';
import { formatDuration, formatUsd } from '../output/format.ts';
import { paintStatus } from '../output/status.ts';
import { formatUntil } from '../output/time.ts';
import { byAge } from '../pods.ts';
import { podRow } from '../rows.ts';
import { keepSshConfigCurrent } from '../ssh-config-sync.ts';

/** What the footer says about idle pods, and how to stop them. */
function idleFooter(idleness: readonly (PodIdleness | undefined)[]): string {
  const idle = idleness.filter((entry) => entry?.idle);
  if (idle.length === 0) return '';
  const shortest = Math.min(...idle.map((entry) => entry?.idleMs ?? 0));
  // Rounded down, so that `down --idle` takes in every pod marked here.
  const spec =
    shortest >= 3_600_000
      ? `${Math.floor(shortest / 3_600_000)}h`
      : shortest >= 60_000
        ? `${Math.floor(shortest / 60_000)}m`
        : `${Math.max(1, Math.floor(shortest / 1000))}s`;
  return ` ${idle.length} idle (unused from here, no removal scheduled): stop them with \`lium down --idle ${spec}\`.`;
}

/** `22:45287 8888:39797`: each internal port and the public port it is reachable on. */
function formatPorts(ports: Readonly<Record<string, number>>): string {
  const pairs = Object.entries(ports).map(([inside, outside]) => `${inside}:${outside}`);
  return pairs.length > 0 ? pairs.join(' ') : '—';
}

/** Oldest first, so a new pod appends a row and the indices of the others stay put. */
export default defineCommand({
  builder: (yargs) =>
    yargs
      .positional('target', {
        type: 'string',
        describe: 'Only these pods (index, HUID, name, id, list)',
      })
      .example('lium ps', 'all your pods; the # column is what other commands accept')
      .example('lium ps --json | jq ".[].ssh_cmd"', 'SSH commands for scripts')
      .epilog(
        'PORTS is internal:public for each port the template exposes; VOLUME (shown when a pod has one) is the HUID of its attached volume (`lium volumes`); REMOVAL is how long until a scheduled removal (`lium schedules` shows the times).',
      ),
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
    const idleness = await lium.podIdleness(pods);
    const idleOf = (pod: PodInfo) => idleness.get(pod.id);
    const wanted = selected ? new Set(selected.map((pod) => pod.id)) : undefined;
    const rows = pods
      .map((pod, i) => ({ pod, index: i + 1 }))
      .filter(({ pod }) => !wanted || wanted.has(pod.id));

    type Row = (typeof rows)[number];
    const now = new Date();
    const hourly = rows.reduce((sum, { pod }) => sum + pod.pricePerHour, 0);
    ctx.out.result(rows, {
      json: ({ pod, index }) => ({
        ...podRow(pod, index),
        idle: idleOf(pod)?.idle ?? false,
        last_activity_at: idleOf(pod)?.lastActivityAt?.toISOString() ?? null,
      }),
      columns: [
        { header: '#', align: 'right', cell: ({ index }) => String(index) },
        { header: 'HUID', cell: ({ pod }, c) => c.cyan(pod.huid) },
        { header: 'NAME', drop: 6, shrinkTo: 10, cell: ({ pod }) => pod.name },
        {
          header: 'STATUS',
          cell: ({ pod }, c) => {
            const idle = idleOf(pod);
            const mark = idle?.idle ? c.yellow(` idle ${formatDuration(idle.idleMs ?? 0)}`) : '';
            return `${paintStatus(pod.status, c)}${mark}`;
          },
        },
        { header: 'GPU', cell: ({ pod }) => `${pod.gpuCount}×${pod.gpuType}` },
        {
          header: 'TEMPLATE',
          drop: 5,
          shrinkTo: 12,
          cell: ({ pod }) => pod.template?.name ?? pod.template?.dockerImage ?? '—',
        },
        { header: 'PORTS', drop: 7, shrinkTo: 10, cell: ({ pod }) => formatPorts(pod.ports) },
        // Only when a pod has a volume: most never do, and the table stays as narrow as before.
        ...(rows.some(({ pod }) => pod.volumeHuid)
          ? [{ header: 'VOLUME', drop: 2, cell: ({ pod }: Row) => pod.volumeHuid ?? '—' }]
          : []),
        { header: '$/h', align: 'right', cell: ({ pod }) => formatUsd(pod.pricePerHour) },
        {
          header: 'SPENT',
          align: 'right',
          drop: 8,
          cell: ({ pod }) => formatUsd(pod.spentUsd),
        },
        {
          header: 'UPTIME',
          align: 'right',
          drop: 4,
          cell: ({ pod }) => {
            const uptime = pod.uptimeMs;
            return uptime === undefined ? '—' : formatDuration(uptime);
          },
        },
        {
          header: 'REMOVAL',
          drop: 3,
          cell: ({ pod }, c) =>
            pod.removalScheduledAt
              ? c.yellow(formatUntil(new Date(pod.removalScheduledAt), now))
              : '—',
        },
        {
          header: 'SSH',
          drop: 9,
          cell: ({ pod }, c) => (pod.sshCmd ? c.dim(pod.sshCmd) : '—'),
        },
      ],
      empty: { message: 'No pods. Find a machine with `lium ls`, then `lium up <#>`.' },
      footer: `${rows.length} pod${rows.length === 1 ? '' : 's'}, ${formatUsd(hourly)}/h.${idleFooter(rows.map(({ pod }) => idleOf(pod)))}`,
    });
  },
});
