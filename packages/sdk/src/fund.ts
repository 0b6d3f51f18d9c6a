/**
 * Funding the Lium account with TAO from a local Bittensor wallet (lium-api.md §2.9): link the
 * coldkey to the account if needed, quote, send `Balances.transfer_keep_alive` to the company
 * wallet the pay API names, wait for the block, then for the Lium balance to rise.
 *
 * `@lium/bittensor` (polkadot-js, Argon2, NaCl) is imported only when `fund` runs, so SDK users
 * who never fund never load it; it is an optional peer dependency.
 */
import {
  type FetchLike,
  type LiumAPIClient,
  LiumPayClient,
  sleep,
  type WalletVerificationInput,
} from '@lium/api';
import type { ColdkeySigner, TransferReceipt } from '@lium/bittensor';
import { LiumError } from '@lium/errors';
import { nodeHttpFetch } from './http-fetch.ts';

type Bittensor = typeof import('@lium/bittensor');

/** Why funding stopped (besides wallet, amount and chain errors from `@lium/bittensor`). */
export type LiumFundErrorCode =
  | 'bittensor_missing'
  | 'pay_api_key_missing'
  | 'account_not_ready'
  | 'wallet_link_failed'
  | 'company_wallet_invalid'
  | 'amount_required'
  | 'fund_cancelled'
  | 'balance_not_updated';

/** A funding step that failed on the Lium side, or a refusal to go on. */
export class LiumFundError extends LiumError {
  declare readonly code: LiumFundErrorCode;
  constructor(
    message: string,
    options: { code: LiumFundErrorCode; hint?: string; cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The Lium calls funding makes, narrowed to what it reads. {@link createFundingApi} builds one
 * from the REST clients; tests and other hosts may pass their own.
 */
export interface FundingApi {
  /** `GET /users/me`: balance in USD and the Stripe customer id. */
  getAccount(signal?: AbortSignal): Promise<{
    /** The account's balance, USD. */
    balance: number;
    /** Its Stripe customer id; absent when the account has none yet. */
    stripeCustomerId: string | undefined;
  }>;
  /** `POST /tao/create-transfer`: the app id in its redirect URL. */
  getApplicationId(signal?: AbortSignal): Promise<string>;
  /** Pay API `GET /wallet/available-wallets/{customer}`: linked coldkey addresses. */
  listLinkedWallets(stripeCustomerId: string, signal?: AbortSignal): Promise<string[]>;
  /** Pay API `GET /token/generate`: an access key to sign. */
  generateAccessKey(signal?: AbortSignal): Promise<string>;
  /** Pay API `POST /token/verify`: the status it answers (`ok` when linked). */
  verifyWallet(input: WalletVerificationInput, signal?: AbortSignal): Promise<string>;
  /** Pay API `GET /wallet/company/?app_id=`: the address funds go to. */
  getCompanyWallet(applicationId: string, signal?: AbortSignal): Promise<string>;
  /** Pay API `GET /balance/convert`: USD per TAO, when the pay API has a price. */
  getUsdPerTao(signal?: AbortSignal): Promise<number | undefined>;
}

/** What {@link createFundingApi} needs: the main client and the pay API's key and URL. */
export interface FundingApiOptions {
  /** The user's main-API client (`await lium.getApiClient()`). */
  api: LiumAPIClient;
  /** The pay API's shared key (`LIUM_PAY_API_KEY`); never the user's key. */
  payApiKey: string;
  /** Default `https://pay-api.lium.io` (`LIUM_PAY_URL`). */
  payBaseUrl?: string | undefined;
  /** The fetch for pay-API calls; default the SDK's `node:http` transport. */
  fetch?: FetchLike | undefined;
}

/** The {@link FundingApi} over the real REST clients. */
export function createFundingApi(options: FundingApiOptions): FundingApi {
  const { api } = options;
  const pay = new LiumPayClient({
    payApiKey: options.payApiKey,
    payBaseUrl: options.payBaseUrl,
    fetch: options.fetch ?? nodeHttpFetch,
  });
  const opts = (signal?: AbortSignal) => ({ signal });
  return {
    async getAccount(signal) {
      const me = await api.getMe(opts(signal));
      return { balance: me.balance ?? 0, stripeCustomerId: me.stripe_customer_id ?? undefined };
    },
    async getApplicationId(signal) {
      // The official client asks for a transfer of 10 to learn the app id ([L]
      // `_create_transfer_app_credentials`); the amount is not binding.
      const { url } = await api.createTaoTransfer({ amount: 10 }, opts(signal));
      const appId = URL.canParse(url) ? new URL(url).searchParams.get('app_id') : null;
      if (!appId) {
        throw new LiumFundError('The Lium API gave no application id for TAO transfers', {
          code: 'account_not_ready',
          hint: 'Try again later, or fund from the Lium website.',
        });
      }
      return appId;
    },
    async listLinkedWallets(customer, signal) {
      return (await pay.getAvailableWallets(customer, opts(signal))).map((w) => w.wallet_hash);
    },
    async generateAccessKey(signal) {
      return (await pay.generateWalletToken(opts(signal))).access_key;
    },
    async verifyWallet(input, signal) {
      // A write: never retried, so a wallet is never linked twice behind the caller's back.
      return (await pay.verifyWalletToken(input, { ...opts(signal), maxRetries: 0 })).status;
    },
    async getCompanyWallet(applicationId, signal) {
      return (await pay.getCompanyWallet({ appId: applicationId }, opts(signal))).wallet_hash;
    },
    async getUsdPerTao(signal) {
      const conversion = await pay.convertUsdToTao({ amount: 1 }, opts(signal));
      return conversion.rate ?? undefined;
    },
  };
}

/** What the user is asked to confirm: everything is known before anything is signed. */
export interface FundQuote {
  /** The wallet's directory name. */
  wallet: string;
  /** The coldkey address TAO leaves from. */
  from: string;
  /** The company wallet, from the pay API. */
  to: string;
  /** Subtensor endpoint URL. */
  network: string;
  /** The amount to send, in rao (1 TAO = 10⁹ rao). */
  amountRao: bigint;
  /** The same amount in TAO, as a decimal string. */
  amountTao: string;
  /** The chain's estimated transfer fee, in rao. */
  feeRao: bigint;
  /** The fee in TAO, as a decimal string. */
  feeTao: string;
  /** The coldkey's free balance now, in rao. */
  freeRao: bigint;
  /** The free balance in TAO, as a decimal string. */
  freeTao: string;
  /** USD per TAO from the pay API, when it has a price. */
  usdPerTao: number | undefined;
  /** `amountTao × usdPerTao`, rounded to cents. */
  amountUsd: number | undefined;
  /** The Lium balance now, USD. */
  balanceUsd: number;
}

/** What {@link FundOptions.chooseAmount} is told when no amount was given. */
export interface AmountChoice {
  /** The coldkey's free balance, TAO as a decimal string. */
  freeTao: string;
  /** The most that can be sent: free balance − fee − existential deposit. */
  maxTao: string;
  /** The estimated transfer fee, TAO as a decimal string. */
  feeTao: string;
  /** USD per TAO from the pay API; absent when it has no price. */
  usdPerTao: number | undefined;
}

/** Progress of {@link fund}, in order. */
export type FundEvent =
  | {
      /** The wallet was found. */
      type: 'wallet';
      /** Its directory name. */
      wallet: string;
      /** Its coldkey's SS58 address. */
      address: string;
    }
  | {
      /** The coldkey is being read; a password is asked for when `encrypted`. */
      type: 'unlocking';
      /** The wallet's directory name. */
      wallet: string;
      /** True when the keyfile needs a password. */
      encrypted: boolean;
    }
  | {
      /** The coldkey is not linked to the account yet; linking it now. */
      type: 'linking';
      /** The coldkey's SS58 address. */
      address: string;
    }
  | {
      /** The coldkey is linked to the account. */
      type: 'linked';
      /** The coldkey's SS58 address. */
      address: string;
    }
  | {
      /** Connected to the chain. */
      type: 'connected';
      /** The subtensor endpoint URL. */
      network: string;
    }
  | {
      /** The transfer was sent to the chain. */
      type: 'submitted';
      /** Its extrinsic hash (hex). */
      extrinsicHash: string;
    }
  | {
      /** The transfer is in a block. */
      type: 'included';
      /** The including block's hash (hex). */
      blockHash: string;
      /** Its number, when the chain reported it. */
      blockNumber: number | undefined;
      /** The transfer's extrinsic hash (hex). */
      extrinsicHash: string;
    }
  | {
      /** Waiting for the Lium balance to rise. */
      type: 'waiting_balance';
      /** The balance before the transfer, USD. */
      balanceUsd: number;
      /** How long it waits, ms. */
      timeoutMs: number;
    };

/**
 * Which Bittensor wallet to fund from. The same shape as `@lium/bittensor`'s `WalletLocation`,
 * declared here so the SDK's published types need no optional package (test/fund-types.test.ts
 * keeps the two equal).
 */
export interface FundWalletLocation {
  /** The wallet's directory name; default `default`. */
  name?: string | undefined;
  /** The directory holding the wallets; default `~/.bittensor/wallets`. `~` is expanded. */
  path?: string | undefined;
  /** Home directory for the default path and `~`; default `os.homedir()`. */
  home?: string | undefined;
}

/**
 * The coldkey's password, or a callback asked for it (`attempt` counts from 1). The same as
 * `@lium/bittensor`'s `PasswordSource`, declared here for the same reason as
 * {@link FundWalletLocation}.
 */
export type FundPasswordSource = string | ((attempt: number) => Promise<string>);

/** Options of {@link fund}. */
export interface FundOptions {
  /** The Lium calls funding makes; build it with {@link createFundingApi}. */
  api: FundingApi;
  /** Which wallet: name (default `default`), wallets directory (default `~/.bittensor/wallets`). */
  wallet?: FundWalletLocation | undefined;
  /** TAO to send, as typed (`0.5`); without it `chooseAmount` is asked. */
  amount?: string | undefined;
  /** `finney` (default), `test`, or a `ws://`/`wss://` URL. */
  network?: string | undefined;
  /** The coldkey password, or a callback asked for it (a hidden prompt). Never a flag. */
  password?: FundPasswordSource | undefined;
  /** Asked for the amount when `amount` is not given; without it `amount_required` is thrown. */
  chooseAmount?: ((choice: AmountChoice) => Promise<string>) | undefined;
  /** Asked before signing; `false` stops with `fund_cancelled`, nothing sent. Default: go on. */
  confirm?: ((quote: FundQuote) => Promise<boolean>) | undefined;
  /** Called with each step's progress, in order; default none. */
  onEvent?: ((event: FundEvent) => void) | undefined;
  /** Aborts the run; nothing is sent once aborted before signing. */
  signal?: AbortSignal | undefined;
  /** Lium balance polls after the transfer: every 5 000 ms, for 300 000 ms by default. */
  balancePollIntervalMs?: number | undefined;
  /** How long to wait for the balance to rise after inclusion, ms; default 300 000. */
  balanceTimeoutMs?: number | undefined;
  /** `available-wallets` polls after linking: 5 tries, 2 000 ms apart by default. */
  linkPollIntervalMs?: number | undefined;
  /** How many `available-wallets` polls after linking; default 5. */
  linkPollAttempts?: number | undefined;
  /** Chain connection and call timeout (default 30 000 ms) and inclusion wait (120 000 ms). */
  chainTimeoutMs?: number | undefined;
  /** How long to wait for the transfer to be in a block, ms; default 120 000. */
  inclusionTimeoutMs?: number | undefined;
}

/** A completed funding: the transfer's block and the balance it produced. */
export interface FundResult {
  /** The wallet's directory name. */
  wallet: string;
  /** The coldkey address TAO left from. */
  from: string;
  /** The company wallet it went to. */
  to: string;
  /** The subtensor endpoint URL. */
  network: string;
  /** TAO sent, as a decimal string. */
  amountTao: string;
  /** The estimated fee, TAO as a decimal string. */
  feeTao: string;
  /** `amountTao × usdPerTao`, rounded to cents; absent without a price. */
  amountUsd: number | undefined;
  /** True when this run linked the wallet to the account. */
  linked: boolean;
  /** The including block's hash (hex). */
  blockHash: string;
  /** Its number, when the chain reported it. */
  blockNumber: number | undefined;
  /** The transfer's extrinsic hash (hex). */
  extrinsicHash: string;
  /** The Lium balance before, USD. */
  balanceBefore: number;
  /** The Lium balance after the credit was seen, USD. */
  balanceAfter: number;
}

/** The first bytes of a keyfile (enough to tell its format), or none when it is missing. */
async function readHead(path: string): Promise<Uint8Array> {
  const { open } = await import('node:fs/promises');
  const file = await open(path, 'r').catch(() => undefined);
  if (!file) return new Uint8Array();
  try {
    const buffer = new Uint8Array(16);
    const { bytesRead } = await file.read(buffer, 0, 16, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

async function loadBittensor(): Promise<Bittensor> {
  try {
    return await import('@lium/bittensor');
  } catch (error) {
    throw new LiumFundError('Funding with TAO needs the @lium/bittensor package', {
      code: 'bittensor_missing',
      hint: 'Install it next to @lium/sdk: npm install @lium/bittensor',
      cause: error,
    });
  }
}

/**
 * Funds the Lium account with TAO. Validates the amount (positive, ≤ 9 decimals, at most the
 * free balance minus fee and existential deposit) before signing; the transfer and the wallet
 * link are each sent at most once. The coldkey is decrypted only to sign and wiped after.
 */
export async function fund(options: FundOptions): Promise<FundResult> {
  const { api, signal } = options;
  const bt = await loadBittensor();
  // Amount and network first: bad input fails before anything is asked or sent.
  let amountRao = options.amount === undefined ? undefined : bt.parseTao(options.amount);
  const network = bt.resolveNetwork(options.network);
  const wallet = await bt.openWallet(options.wallet ?? {});
  options.onEvent?.({ type: 'wallet', wallet: wallet.name, address: wallet.address });

  let signer: ColdkeySigner | undefined;
  const unlock = async () => {
    if (!signer) {
      const head = await readHead(wallet.coldkeyPath);
      options.onEvent?.({
        type: 'unlocking',
        wallet: wallet.name,
        encrypted: bt.keyfileEncryption(head) !== 'none',
      });
      signer = await bt.unlockColdkey(wallet, { password: options.password });
    }
    return signer;
  };
  try {
    const account = await api.getAccount(signal);
    if (!account.stripeCustomerId) {
      throw new LiumFundError('This Lium account has no billing customer yet', {
        code: 'account_not_ready',
        hint: 'Open the billing page on lium.io once, then try again.',
      });
    }
    const customer = account.stripeCustomerId;
    const applicationId = await api.getApplicationId(signal);

    // 1. Link the coldkey to the account (once).
    let linked = false;
    if (!(await api.listLinkedWallets(customer, signal)).includes(wallet.address)) {
      options.onEvent?.({ type: 'linking', address: wallet.address });
      const accessKey = await api.generateAccessKey(signal);
      const coldkey = await unlock();
      const signature = Buffer.from(coldkey.sign(accessKey)).toString('hex');
      const status = await api.verifyWallet(
        {
          coldkeyAddress: wallet.address,
          accessKey,
          signature,
          stripeCustomerId: customer,
          applicationId,
        },
        signal,
      );
      if (status.toLowerCase() !== 'ok') {
        throw new LiumFundError(
          `The pay API did not accept the wallet link (status "${status.slice(0, 40)}")`,
          {
            code: 'wallet_link_failed',
            hint: 'Nothing was sent. Try again; if it persists, link the wallet on lium.io.',
          },
        );
      }
      const attempts = options.linkPollAttempts ?? 5;
      for (let i = 0; ; i++) {
        if ((await api.listLinkedWallets(customer, signal)).includes(wallet.address)) break;
        if (i + 1 >= attempts) {
          throw new LiumFundError(`The pay API does not list ${wallet.address} after linking it`, {
            code: 'wallet_link_failed',
            hint: 'Nothing was sent. Wait a minute and fund again.',
          });
        }
        await sleep(options.linkPollIntervalMs ?? 2_000, signal);
      }
      linked = true;
      options.onEvent?.({ type: 'linked', address: wallet.address });
    }

    // 2. Where the TAO goes, and what it is worth.
    const to = await api.getCompanyWallet(applicationId, signal);
    const usdPerTao = await api.getUsdPerTao(signal).catch(() => undefined);

    // 3. Chain: balance, fee, amount.
    const chain = await bt.SubtensorClient.connect(network, {
      timeoutMs: options.chainTimeoutMs ?? 30_000,
      signal,
    });
    try {
      options.onEvent?.({ type: 'connected', network });
      if (!chain.isAddress(to)) {
        throw new LiumFundError(`The pay API gave an invalid company wallet "${to.slice(0, 60)}"`, {
          code: 'company_wallet_invalid',
          hint: 'Nothing was sent. Contact Lium support.',
        });
      }
      const free = await chain.getFreeBalance(wallet.address);
      const fee = await chain.estimateTransferFee(wallet.address, to, amountRao ?? bt.RAO_PER_TAO);
      const keep = chain.existentialDeposit;
      const max = free - fee - keep;
      if (amountRao === undefined) {
        if (!options.chooseAmount) {
          throw new LiumFundError('Say how much TAO to send', {
            code: 'amount_required',
            hint: `Pass --tao AMOUNT (at most ${bt.formatTao(max > 0n ? max : 0n)} TAO from this wallet).`,
          });
        }
        amountRao = bt.parseTao(
          await options.chooseAmount({
            freeTao: bt.formatTao(free),
            maxTao: bt.formatTao(max > 0n ? max : 0n),
            feeTao: bt.formatTao(fee),
            usdPerTao,
          }),
        );
      }
      if (amountRao > max) {
        throw new bt.LiumAmountError(
          `Wallet "${wallet.name}" has ${bt.formatTao(free)} TAO free: it cannot send ${bt.formatTao(amountRao)} TAO plus the ${bt.formatTao(fee)} TAO fee${keep > 0n ? ` and keep ${bt.formatTao(keep)} TAO` : ''}`,
          {
            code: 'insufficient_balance',
            hint:
              max > 0n
                ? `Send at most ${bt.formatTao(max)} TAO.`
                : 'Add TAO to this coldkey first.',
          },
        );
      }
      const amountTao = bt.formatTao(amountRao);
      const amountUsd =
        usdPerTao === undefined ? undefined : Math.round(Number(amountTao) * usdPerTao * 100) / 100;
      const quote: FundQuote = {
        wallet: wallet.name,
        from: wallet.address,
        to,
        network,
        amountRao,
        amountTao,
        feeRao: fee,
        feeTao: bt.formatTao(fee),
        freeRao: free,
        freeTao: bt.formatTao(free),
        usdPerTao,
        amountUsd,
        balanceUsd: account.balance,
      };
      if (options.confirm && !(await options.confirm(quote))) {
        throw new LiumFundError('Cancelled', { code: 'fund_cancelled', hint: 'Nothing was sent.' });
      }

      // 4. Sign and send, once.
      const coldkey = await unlock();
      const before = (await api.getAccount(signal)).balance;
      const receipt: TransferReceipt = await chain.transferKeepAlive(coldkey, to, amountRao, {
        inclusionTimeoutMs: options.inclusionTimeoutMs ?? 120_000,
        onStatus: (status) => {
          if (status.type === 'submitted')
            options.onEvent?.({ type: 'submitted', extrinsicHash: status.extrinsicHash });
        },
      });
      coldkey.dispose();
      options.onEvent?.({
        type: 'included',
        blockHash: receipt.blockHash,
        blockNumber: receipt.blockNumber,
        extrinsicHash: receipt.extrinsicHash,
      });

      // 5. Wait for Lium to credit it.
      const timeoutMs = options.balanceTimeoutMs ?? 300_000;
      options.onEvent?.({ type: 'waiting_balance', balanceUsd: before, timeoutMs });
      const deadline = Date.now() + timeoutMs;
      let after = before;
      while (after <= before) {
        if (Date.now() >= deadline) {
          throw new LiumFundError(
            `The transfer is in block ${receipt.blockHash} (extrinsic ${receipt.extrinsicHash}) but the Lium balance has not risen after ${Math.round(timeoutMs / 1000)} s`,
            {
              code: 'balance_not_updated',
              hint: 'Do not send it again: crediting can take longer. Check the account balance later, or contact support with the extrinsic hash.',
            },
          );
        }
        await sleep(
          Math.min(options.balancePollIntervalMs ?? 5_000, Math.max(0, deadline - Date.now())),
          signal,
        );
        after = (await api.getAccount(signal)).balance;
      }
      return {
        wallet: wallet.name,
        from: wallet.address,
        to,
        network,
        amountTao,
        feeTao: bt.formatTao(fee),
        amountUsd,
        linked,
        blockHash: receipt.blockHash,
        blockNumber: receipt.blockNumber,
        extrinsicHash: receipt.extrinsicHash,
        balanceBefore: before,
        balanceAfter: after,
      };
    } finally {
      chain.close();
    }
  } finally {
    signer?.dispose();
  }
}
