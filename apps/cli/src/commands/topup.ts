import type { TopupCurrency, TopupInvoiceInfo } from '@lium/sdk';
import type { Argv, InferredOptionTypes } from 'yargs';
import type { CommandContext, GlobalArgs } from '../context.ts';
import { defineCommand } from '../define-command.ts';
import { CliInterruptedError, CliUsageError } from '../errors.ts';
import { flag, number, options, text } from '../options.ts';
import { formatDuration, formatUsd } from '../output/format.ts';

/** A currency as `--json` shows it. */
export function currencyJson(currency: TopupCurrency): Record<string, unknown> {
  return {
    code: currency.code,
    network: currency.network,
    decimals: currency.decimals ?? null,
    display_decimals: currency.displayDecimals ?? null,
  };
}

/** An invoice as `--json` shows it. */
export function invoiceJson(invoice: TopupInvoiceInfo): Record<string, unknown> {
  return {
    id: invoice.id,
    address: invoice.address ?? null,
    crypto_amount: invoice.cryptoAmount ?? null,
    currency: invoice.currency ?? null,
    network: invoice.network ?? null,
    amount_usd: invoice.amountUsd ?? null,
    exchange_rate: invoice.exchangeRate ?? null,
    expires_at: invoice.expiresAt ?? null,
    url: invoice.url ?? null,
  };
}

async function listCurrencies(ctx: CommandContext, refresh: boolean): Promise<void> {
  const { listTopupCurrencies, topupDepsOf } = await import('@lium/sdk');
  const lium = await ctx.lium();
  const currencies = await listTopupCurrencies(await topupDepsOf(lium), {
    refresh,
    signal: ctx.signal,
  });
  ctx.out.result(currencies, {
    json: currencyJson,
    columns: [
      { header: 'CURRENCY', cell: (c) => c.code },
      { header: 'NETWORK', cell: (c) => c.network },
    ],
    empty: { message: 'No currencies are offered for top-ups right now.', warn: true },
    footer:
      'Create an invoice with `lium topup create --amount 25 --currency USDT --network tron`.',
  });
}

/** `in 59m` for an ISO time in the future, `expired` for one past, nothing when unreadable. */
function expiresIn(iso: string | undefined, now = Date.now()): string {
  const at = iso ? Date.parse(iso) : Number.NaN;
  if (Number.isNaN(at)) return '';
  return at <= now ? ' (expired)' : ` (in ${formatDuration(at - now)})`;
}

function printInvoice(ctx: CommandContext, invoice: TopupInvoiceInfo): void {
  const { out } = ctx;
  const what = [invoice.cryptoAmount, invoice.currency].filter(Boolean).join(' ');
  out.success(
    `Invoice ${invoice.id} for ${formatUsd(invoice.amountUsd)}: send exactly ${what} on ${invoice.network ?? '?'}`,
  );
  // The invoice itself is the data of this command: stdout, one field a line.
  out.print(`Address:  ${invoice.address ?? '—'}`);
  out.print(
    `Amount:   ${what || '—'}${invoice.exchangeRate ? ` (rate ${invoice.exchangeRate})` : ''}`,
  );
  out.print(`Expires:  ${invoice.expiresAt ?? '—'}${expiresIn(invoice.expiresAt)}`);
  if (invoice.url) out.print(`Pay page: ${invoice.url}`);
  out.info(
    out.c.dim('The balance grows once the payment is confirmed; check with `lium balance`.'),
  );
}

const TOPUP_OPTIONS = options({
  refresh: flag('With currencies: ask the server for a fresh list (bypass its cache)'),
  amount: number('positive', 'With create: USD to add (at least 1)'),
  currency: text('With create: the crypto currency to pay in (USDT, USDC, …)'),
  network: text('With create: its network (tron, ethereum, …; optional when it has one)'),
});

type TopupArgs = GlobalArgs & InferredOptionTypes<typeof TOPUP_OPTIONS>;

function subcommands(yargs: Argv<TopupArgs>, ctx: CommandContext): Argv<TopupArgs> {
  return yargs
    .command(
      'currencies',
      'The crypto currencies and networks a top-up accepts',
      (y) => y.example('lium topup currencies --refresh', 'the list, fresh from the server'),
      (args) => listCurrencies(ctx, args.refresh),
    )
    .command(
      'create',
      'Create an invoice to pay (--amount USD --currency CODE --network NET)',
      (y) =>
        y.example(
          'lium topup create --amount 25 --currency USDT --network tron',
          'an invoice for $25 paid in USDT on Tron',
        ),
      async (args) => {
        if (args.amount === undefined || args.currency === undefined) {
          throw new CliUsageError(
            'lium topup create needs --amount and --currency',
            'e.g. `lium topup create --amount 25 --currency USDT --network tron` (see `lium topup currencies`).',
          );
        }
        const { createTopupInvoice, topupDepsOf } = await import('@lium/sdk');
        const lium = await ctx.lium();
        const spinner = ctx.out.busy('Creating the invoice');
        const invoice = await createTopupInvoice(await topupDepsOf(lium), {
          amountUsd: args.amount,
          currency: args.currency,
          network: args.network,
          signal: ctx.signal,
        })
          .catch((error: unknown) => {
            if (!ctx.interrupted) throw error;
            throw new CliInterruptedError(
              'Interrupted while creating the invoice',
              'Nothing was paid or charged; an invoice the server may have made expires unpaid. Run the command again for one to pay.',
            );
          })
          .finally(() => spinner.stop());
        if (ctx.out.json) ctx.out.printJson(invoiceJson(invoice));
        else printInvoice(ctx, invoice);
      },
    );
}

export default defineCommand({
  builder: (yargs, ctx) =>
    // Declared here, not on each subcommand, so completion and `--help` of `topup` show them.
    subcommands(yargs.options(TOPUP_OPTIONS), ctx)
      .example('lium topup', 'the currencies you can pay in')
      .example('lium topup create --amount 25 --currency USDT --network tron', 'an invoice'),
  async handler(args, ctx) {
    // `lium topup` alone lists the currencies, like `lium topup currencies`.
    await listCurrencies(ctx, args.refresh);
  },
});
