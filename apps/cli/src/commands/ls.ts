import type { ExecutorInfo, ExecutorSortKey } from '@lium/sdk';
import { defineCommand } from '../define-command.ts';
import { CliUsageError } from '../errors.ts';
import { nearestGpuNames } from '../gpu-suggestions.ts';
import { number, oneOf, options, text } from '../options.ts';
import { formatCuda, formatNumber, formatUsd } from '../output/format.ts';
import { paintTier } from '../output/tier.ts';
import { executorRow } from '../rows.ts';

/**
 * The SDK's `EXECUTOR_SORT_KEYS`, spelt out so `--help` does not load the SDK; the compiler
 * checks each is a key the SDK ranks by.
 */
const SORTS = [
  'best',
  'price',
  'price-total',
  'gpus',
  'download',
  'upload',
  'vram',
  'location',
  'id',
] as const satisfies readonly ExecutorSortKey[];

/**
 * The SDK's `BEST_DEFINITION`, word for word (a test holds them together), for `--help` without
 * loading the SDK.
 */
export const BEST_HELP =
  'Best = the cheapest per GPU-hour among the ★ machines: those no other listed machine beats on price and on download, upload, VRAM, RAM and disk at once (below 100 Mbps download never ★).';

/** How many machines `lium ls` shows on a terminal without --limit (a screenful, not 300). */
export const TERMINAL_ROWS = 20;

const ORDER: Record<(typeof SORTS)[number], string> = {
  best: '★ first, each by $/GPU·h',
  price: 'by $/GPU·h',
  'price-total': 'by $/h',
  gpus: 'most GPUs first',
  download: 'fastest download first',
  upload: 'fastest upload first',
  vram: 'most VRAM first',
  location: 'by country',
  id: 'by id',
};

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

/** Under the table: how many, in what order (★ first says so), how to see more, what next. */
function lsFooter(shown: number, total: number, sort: (typeof SORTS)[number]): string {
  const count =
    shown < total ? `${shown} of ${total} machines` : `${total} machine${total === 1 ? '' : 's'}`;
  const more = shown < total ? `; \`--limit ${total}\` shows all` : '';
  return `${count}, ${ORDER[sort]}${more}.\nRent one with \`lium up <#>\`.`;
}

export default defineCommand({
  builder: (yargs) =>
    yargs
      .positional('gpu', { type: 'string', describe: 'GPU type, e.g. H100, A100, RTX4090' })
      .options(
        options({
          sort: oneOf(
            SORTS,
            "Order: best is ★ first, each by $/GPU·h; price is $/GPU·h only; the official CLI's price_gpu and price_total work too",
            { default: 'best', aliases: { price_gpu: 'price', price_total: 'price-total' } },
          ),
          limit: number(
            'whole-positive',
            `Show at most N machines (on a terminal the default is ${TERMINAL_ROWS}; piped, all)`,
          ),
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
      .example('lium ls --sort price', 'every machine, cheapest per GPU-hour first')
      .example('lium ls --max-price 1.5 --sort gpus', 'cheap machines, most GPUs first')
      .epilog(`${BEST_HELP} \`lium up --gpu GPU\` rents the best of that GPU.`),
  async handler(args, ctx) {
    const near = nearOf(args.lat, args.lon, args['max-distance']);
    const lium = await ctx.lium();
    const busy = ctx.out.busy('Finding machines…');
    const found = await lium
      .listExecutors({
        gpuType: args.gpu || undefined,
        gpuCount: args.count,
        maxPricePerGpuHour: args['max-price'],
        country: args.country || undefined,
        minCudaVersion: args['min-cuda'],
        tier: args.tier || undefined,
        near,
        signal: ctx.signal,
      })
      .finally(() => busy.stop());
    // The SDK's one ranking: `lium up --gpu` rents row 1 of this same order.
    const { extractGpuModel, rankExecutors } = await import('@lium/sdk');
    if (found.length === 0 && args.gpu && !ctx.out.json) {
      const names = (await lium.listMachineNames({ signal: ctx.signal })).map(extractGpuModel);
      const near = nearestGpuNames(args.gpu, names);
      if (
        near.length > 0 &&
        !names.some((name) => name.toUpperCase() === args.gpu?.toUpperCase())
      ) {
        ctx.out.warn(`No ${args.gpu} machines. Did you mean ${near.join(', ')}?`);
        ctx.out.info(
          ctx.out.c.dim(`e.g. \`lium ls ${near[0]}\`; \`lium ls\` lists every GPU type.`),
        );
        return;
      }
    }
    const ranked = rankExecutors(found, { sort: args.sort });
    // A person at a terminal gets a screenful; a pipe or file gets every row.
    const limit = args.limit ?? (ctx.out.toTerminal ? TERMINAL_ROWS : undefined);
    const shown = limit !== undefined ? ranked.slice(0, limit) : ranked;
    // Remember exactly the rows on screen, so `lium up 2` means row 2 of this table.
    await lium.rememberExecutors(shown.map((row) => row.executor));

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
          { header: 'TIER', drop: 2, cell: ({ executor }, c) => paintTier(executor.tier, c) },
          {
            header: 'CUDA',
            align: 'right',
            drop: 3,
            cell: ({ executor }) => formatCuda(executor.maxCudaVersion),
          },
          {
            header: 'VRAM',
            align: 'right',
            drop: 4,
            cell: ({ executor }) => formatNumber(executor.specs.vramGb, 'G'),
          },
          { header: 'LOC', drop: 5, cell: ({ executor }) => locationOf(executor) || '—' },
          {
            header: '↓Mbps',
            align: 'right',
            drop: 6,
            cell: ({ executor: e }) => formatNumber(e.downloadMbps),
          },
          {
            header: 'RAM',
            align: 'right',
            drop: 7,
            cell: ({ executor }) => formatNumber(executor.specs.ramGb, 'G'),
          },
          {
            header: 'DISK',
            align: 'right',
            drop: 8,
            cell: ({ executor }) => formatNumber(executor.specs.diskGb, 'G'),
          },
          {
            header: '↑Mbps',
            align: 'right',
            drop: 9,
            cell: ({ executor: e }) => formatNumber(e.uploadMbps),
          },
          { header: '★', cell: ({ pareto }, c) => (pareto ? c.yellow('★') : '') },
        ],
        empty: {
          message: 'No machines match.',
          hint: 'Try fewer filters, or another GPU type (`lium ls` lists all).',
          warn: true,
        },
        footer: lsFooter(shown.length, ranked.length, args.sort),
      },
    );
  },
});
