import type { TopupCurrencies, TopupInvoice } from '@lium/api';
import { LiumUsageError } from './errors.ts';
import type { Lium } from './lium.ts';

/** A crypto currency the account can be topped up with, on one network. */
export interface TopupCurrency {
  /** The currency code (`USDT`, `USDC`, …). */
  code: string;
  /** The network it is sent on (`tron`, `ethereum`, …). */
  network: string;
  /** Decimal places of the currency on that network, when the server says. */
  decimals: number | undefined;
  /** Decimal places to show amounts with, when the server says. */
  displayDecimals: number | undefined;
}

/** An invoice to pay: send `cryptoAmount` of `currency` on `network` to `address` before `expiresAt`. */
export interface TopupInvoiceInfo {
  /** The invoice's id. */
  id: string;
  /** The address to send to, when the server gave one. */
  address: string | undefined;
  /** How much to send, in the currency, as a decimal string. */
  cryptoAmount: string | undefined;
  /** The currency code. */
  currency: string | undefined;
  /** The network to send on. */
  network: string | undefined;
  /** USD the account gets once it is paid. */
  amountUsd: number | undefined;
  /** The exchange rate used, as the server gave it. */
  exchangeRate: string | undefined;
  /** When the invoice expires, as the server gave it. */
  expiresAt: string | undefined;
  /** A payment page for the invoice, when the server gave one. */
  url: string | undefined;
  /** The server's answer, unchanged. */
  raw: TopupInvoice;
}

/** The API calls the top-up functions use; {@link topupDepsOf} builds them from a `Lium`. */
export interface TopupDeps {
  /** `GET /tmc-pay/currencies` (`LiumAPIClient.getTopupCurrencies`). */
  getTopupCurrencies(
    query: { refresh?: boolean | undefined },
    options: { signal?: AbortSignal | undefined },
  ): Promise<TopupCurrencies>;
  /** `POST /tmc-pay/create-invoice` (`LiumAPIClient.createTopupInvoice`). */
  createTopupInvoice(
    params: { amount: number; cryptoCurrency: string; cryptoNetwork: string },
    options: { signal?: AbortSignal | undefined },
  ): Promise<TopupInvoice>;
}

/** {@link TopupDeps} over a `Lium`'s API client. */
export async function topupDepsOf(lium: Lium): Promise<TopupDeps> {
  const api = await lium.getApiClient();
  return {
    getTopupCurrencies: (query, options) => api.getTopupCurrencies(query, options),
    createTopupInvoice: (params, options) => api.createTopupInvoice(params, options),
  };
}

/** The currencies and networks a top-up accepts (`refresh` bypasses the server's cache). */
export async function listTopupCurrencies(
  deps: Pick<TopupDeps, 'getTopupCurrencies'>,
  options: { refresh?: boolean; signal?: AbortSignal | undefined } = {},
): Promise<TopupCurrency[]> {
  const answer = await deps.getTopupCurrencies(
    { refresh: options.refresh },
    { signal: options.signal },
  );
  return answer.currencies.map((c) => ({
    code: c.code,
    network: c.network,
    decimals: c.decimals ?? undefined,
    displayDecimals: c.display_decimals ?? undefined,
  }));
}

/**
 * Names people use for a network other than the server's (`TRC20` for `tron`, as exchanges and
 * wallets label them): each group is one network, the server's name among them.
 */
const NETWORK_NAMES: readonly (readonly string[])[] = [
  ['tron', 'trx', 'trc20', 'trc-20'],
  ['ethereum', 'eth', 'erc20', 'erc-20'],
  ['bsc', 'bnb', 'bep20', 'bep-20', 'binance'],
  ['solana', 'sol', 'spl'],
  ['polygon', 'matic', 'pol'],
  ['arbitrum', 'arb'],
  ['bitcoin', 'btc'],
];

/** Whether `given` (lower case) names the server's `offered` network, exactly or by another name. */
function sameNetwork(given: string, offered: string): boolean {
  const server = offered.toLowerCase();
  if (given === server) return true;
  return NETWORK_NAMES.some((names) => names.includes(given) && names.includes(server));
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;

/** Options of {@link createTopupInvoice}. */
export interface CreateTopupOptions {
  /** USD to add (at least 1, as the server requires). */
  amountUsd: number;
  /** `USDT`, `USDC`, … (case-insensitive). */
  currency: string;
  /**
   * `tron`, `ethereum`, … or the token standard (`TRC20`, `ERC20`, `BEP20`); may be left out
   * when the currency has only one network.
   */
  network?: string | undefined | undefined;
  /** Aborts the call; the error has code `aborted`. */
  signal?: AbortSignal | undefined | undefined;
}

/**
 * Creates a top-up invoice after checking the amount and that the currency/network pair is one
 * the server offers (a usage error lists the pairs otherwise, before anything is created).
 */
export async function createTopupInvoice(
  deps: TopupDeps,
  options: CreateTopupOptions,
): Promise<TopupInvoiceInfo> {
  if (!Number.isFinite(options.amountUsd) || options.amountUsd < 1) {
    throw new LiumUsageError(`Invalid top-up amount ${String(options.amountUsd)}`, {
      code: 'usage_error',
      hint: 'Give the amount in USD, at least 1 (e.g. --amount 25).',
    });
  }
  const call = { signal: options.signal };
  const offered = await listTopupCurrencies(deps, call);
  const pairs = offered.map((c) => `${c.code}/${c.network}`).join(', ');
  const code = options.currency.trim().toUpperCase();
  const sameCode = offered.filter((c) => c.code.toUpperCase() === code);
  const network = options.network?.trim().toLowerCase();
  const match =
    network === undefined
      ? sameCode.length === 1
        ? sameCode[0]
        : undefined
      : (sameCode.find((c) => c.network.toLowerCase() === network) ??
        sameCode.find((c) => sameNetwork(network, c.network)));
  if (match === undefined) {
    const why =
      sameCode.length === 0
        ? `${options.currency} is not offered`
        : network === undefined
          ? `${code} is offered on several networks`
          : `${code} is not offered on ${options.network}`;
    throw new LiumUsageError(`Cannot top up with ${options.currency}: ${why}`, {
      code: 'usage_error',
      hint: `Pick one of: ${pairs || 'none offered right now'} (e.g. --currency USDT --network tron).`,
    });
  }
  const raw = await deps.createTopupInvoice(
    { amount: options.amountUsd, cryptoCurrency: match.code, cryptoNetwork: match.network },
    call,
  );
  return {
    id: raw.invoice_id,
    address: text(raw.deposit_address),
    cryptoAmount: text(raw.crypto_amount),
    currency: text(raw.crypto_currency),
    network: text(raw.crypto_network),
    amountUsd: typeof raw.fiat_amount === 'number' ? raw.fiat_amount : undefined,
    exchangeRate: text(raw.exchange_rate),
    expiresAt: text(raw.expires_at),
    url: text(raw.hosted_invoice_url),
    raw,
  };
}
