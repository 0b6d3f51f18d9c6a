import type { ExecutorInfo, ExecutorSortKey } from '@lium/sdk';
import { defineCommand } from '../define-command.ts';
import { formatNumber, formatUsd } from '../output/format.ts';
import { renderTable } from '../output/table.ts';
import { executorRow } from '../rows.ts';
import { checkNumbers } from './numeric-options.ts';

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

export default defineCommand({
  builder: (yargs) =>
    yargs
      .positional('gpu', { type: 'string', describe: 'GPU type, e.g. H100, A100, RTX4090' })
      .option('sort', {
        choices: SORTS,
        default: 'price' as ExecutorSortKey,
        describe: 'Order (best-value ★ machines first)',
      })
      .option('limit', { type: 'number', describe: 'Show at most N machines' })
      .option('max-price', { type: 'number', describe: 'Highest $ per GPU-hour' })
      .option('country', { type: 'string', describe: 'Country code, e.g. US' })
      .option('count', { type: 'number', describe: 'Exact number of GPUs' })
      .option('min-cuda', {
        type: 'number',
        describe: 'Lowest CUDA version the driver supports, e.g. 12.4',
      })
      .option('tier', { choices: ['spot', 'secure'] as const, describe: 'Only this tier' })
      .check(
        checkNumbers({
          limit: 'whole-positive',
          'max-price': 'positive',
          count: 'whole-positive',
          'min-cuda': 'positive',
        }),
      )
      .example('lium ls H100 --limit 5', 'the five best H100 machines')
      .example('lium ls --max-price 1.5 --sort gpus', 'cheap machines, most GPUs first'),
  async handler(args, ctx) {
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
        signal: ctx.signal,
      })
      .finally(() => busy.stop());
    // The SDK's one ranking: `lium up --gpu` rents row 1 of this same order.
    const { rankExecutors } = await import('@lium/sdk');
    const ranked = rankExecutors(found, { sort: args.sort });
    const shown = args.limit !== undefined ? ranked.slice(0, Math.max(0, args.limit)) : ranked;
    // Remember exactly the rows on screen, so `lium up 2` means row 2 of this table.
    await lium.rememberExecutors(shown.map((row) => row.executor));

    const { out } = ctx;
    if (out.json) {
      out.printJson(shown.map((row, i) => executorRow(row.executor, i + 1, row.pareto)));
      return;
    }
    if (shown.length === 0) {
      out.warn('No machines match.');
      out.info(out.c.dim('Try fewer filters, or another GPU type (`lium ls` lists all).'));
      return;
    }
    const c = out.data;
    out.print(
      renderTable(
        [
          { header: '#', align: 'right' },
          { header: 'HUID' },
          { header: 'GPU' },
          { header: 'N', align: 'right' },
          { header: '$/GPU·h', align: 'right' },
          { header: '$/h', align: 'right' },
          { header: 'LOC' },
          { header: 'VRAM', align: 'right' },
          { header: 'RAM', align: 'right' },
          { header: 'DISK', align: 'right' },
          { header: 'NET ↓/↑ Mbps', align: 'right' },
          { header: '★' },
        ],
        shown.map(({ executor: e, pareto: star }, i) => [
          String(i + 1),
          c.cyan(e.huid),
          e.gpuType,
          String(e.gpuCount),
          formatUsd(e.pricePerGpuHour),
          c.bold(formatUsd(e.pricePerHour)),
          locationOf(e) || '—',
          formatNumber(e.specs.vramGb, 'G'),
          formatNumber(e.specs.ramGb, 'G'),
          formatNumber(e.specs.diskGb, 'G'),
          `${formatNumber(e.downloadMbps)}/${formatNumber(e.uploadMbps)}`,
          star ? c.yellow('★') : '',
        ]),
        c,
      ),
    );
    const hidden = ranked.length - shown.length;
    out.info(
      out.c.dim(
        `${shown.length} machine${shown.length === 1 ? '' : 's'}${hidden > 0 ? ` (${hidden} more; raise --limit)` : ''}. Rent one with \`lium up <#>\`.`,
      ),
    );
  },
});
