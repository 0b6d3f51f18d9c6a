import type { ExecutorInfo, ExecutorSortKey } from '@lium/sdk';
import { defineCommand } from '../define-command.ts';
import { CliUsageError } from '../errors.ts';
import { number, oneOf, options, text } from '../options.ts';
import { formatNumber, formatUsd } from '../output/format.ts';
import { executorRow } from '../rows.ts';

/**
 * The SDK's `EXECUTOR_SORT_KEYS`, spelt out so `--help` does not load the SDK; the compiler
 * checks each is a key the SDK ranks by.
 */
const SORTS = [
  'price',
  'price-total',
  'gpus',
  'download',
  'upload',
  'vram',
  'location',
  'id',
] as const satisfies readonly ExecutorSortKey[];

function locationOf(executor: ExecutorInfo): string {
  return executor.location.countryCode ?? executor.location.country ?? '';
}

/** `--lat/--lon/--max-distance` (the server's geo filter): all three, or none. */
function nearOf(
  lat: number | undefined,
  lon: number | undefined,
  miles: number | undefined,
): { lat: number; lon: number; maxDistanceMiles: number } | undefined {
  if (lat === undefined && lon === undefined && miles === undefined) return undefined;
  if (lat === undefined || lon === undefined || miles === undefined) {
    throw new CliUsageError(
      '--lat, --lon and --max-distance go together',
      'e.g. `lium ls --lat 52.37 --lon 4.90 --max-distance 500` (miles).',
    );
  }
  return { lat, lon, maxDistanceMiles: miles };
}

export default defineCommand({
  builder: (yargs) =>
    yargs
      .positional('gpu', { type: 'string', describe: 'GPU type, e.g. H100, A100, RTX4090' })
      .options(
        options({
          sort: oneOf(
            SORTS,
            "Order (best-value ★ machines first); the official CLI's price_gpu and price_total work too",
            { default: 'price', aliases: { price_gpu: 'price', price_total: 'price-total' } },
          ),
          limit: number('whole-positive', 'Show at most N machines'),
          'max-price': number('positive', 'Highest $ per GPU-hour'),
          country: text('Country code, e.g. US'),
          count: number('whole-positive', 'Exact number of GPUs'),
          'min-cuda': number('positive', 'Lowest CUDA version the driver supports, e.g. 12.4'),
          tier: oneOf(['spot', 'secure'], 'Only this tier'),
          lat: number('latitude', 'With --lon and --max-distance: latitude of the centre'),
          lon: number('longitude', 'With --lat and --max-distance: longitude of the centre'),
          'max-distance': number(
            'positive',
            'With --lat/--lon: only machines within this many miles',
          ),
        }),
      )
      .example('lium ls --lat 52.37 --lon 4.90 --max-distance 500', 'machines near Amsterdam')
      .example('lium ls H100 --limit 5', 'the five best H100 machines')
      .example('lium ls --max-price 1.5 --sort gpus', 'cheap machines, most GPUs first'),
  async handler(args, ctx) {
    const near = nearOf(args.lat, args.lon, args['max-distance']);
    const lium = await ctx.lium();
    const busy = ctx.out.busy('Finding machines…');
    const found = await lium
      .listExecutors({
        ...(args.gpu ? { gpuType: args.gpu } : {}),
        ...(args.count !== undefined ? { gpuCount: args.count } : {}),
        ...(args['max-price'] !== undefined ? { maxPricePerGpuHour: args['max-price'] } : {}),
        ...(args.country ? { country: args.country } : {}),
        ...(args['min-cuda'] !== undefined ? { minCudaVersion: args['min-cuda'] } : {}),
        ...(args.tier ? { tier: args.tier } : {}),
        ...(near ? { near } : {}),
        signal: ctx.signal,
      })
      .finally(() => busy.stop());
    // The SDK's one ranking: `lium up --gpu` rents row 1 of this same order.
    const { rankExecutors } = await import('@lium/sdk');
    const ranked = rankExecutors(found, { sort: args.sort });
    const shown = args.limit !== undefined ? ranked.slice(0, Math.max(0, args.limit)) : ranked;
    // Remember exactly the rows on screen, so `lium up 2` means row 2 of this table.
    await lium.rememberExecutors(shown.map((row) => row.executor));

    const hidden = ranked.length - shown.length;
    ctx.out.result(
      shown.map((row, i) => ({ ...row, index: i + 1 })),
      {
        json: ({ executor, index, pareto }) => executorRow(executor, index, pareto),
        columns: [
          { header: '#', align: 'right', cell: ({ index }) => String(index) },
          { header: 'HUID', cell: ({ executor }, c) => c.cyan(executor.huid) },
          { header: 'GPU', cell: ({ executor }) => executor.gpuType },
          { header: 'N', align: 'right', cell: ({ executor }) => String(executor.gpuCount) },
          {
            header: '$/GPU·h',
            align: 'right',
            cell: ({ executor }) => formatUsd(executor.pricePerGpuHour),
          },
          {
            header: '$/h',
            align: 'right',
            cell: ({ executor }, c) => c.bold(formatUsd(executor.pricePerHour)),
          },
          { header: 'LOC', cell: ({ executor }) => locationOf(executor) || '—' },
          {
            header: 'VRAM',
            align: 'right',
            cell: ({ executor }) => formatNumber(executor.specs.vramGb, 'G'),
          },
          {
            header: 'RAM',
            align: 'right',
            cell: ({ executor }) => formatNumber(executor.specs.ramGb, 'G'),
          },
          {
            header: 'DISK',
            align: 'right',
            cell: ({ executor }) => formatNumber(executor.specs.diskGb, 'G'),
          },
          {
            header: 'NET ↓/↑ Mbps',
            align: 'right',
            cell: ({ executor: e }) =>
              `${formatNumber(e.downloadMbps)}/${formatNumber(e.uploadMbps)}`,
          },
          { header: '★', cell: ({ pareto }, c) => (pareto ? c.yellow('★') : '') },
        ],
        empty: {
          message: 'No machines match.',
          hint: 'Try fewer filters, or another GPU type (`lium ls` lists all).',
          warn: true,
        },
        footer: `${shown.length} machine${shown.length === 1 ? '' : 's'}${hidden > 0 ? ` (${hidden} more; raise --limit)` : ''}. Rent one with \`lium up <#>\`.`,
      },
    );
  },
});
