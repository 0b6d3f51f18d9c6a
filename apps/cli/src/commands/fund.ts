import type { AmountChoice, FundEvent, FundQuote } from '@lium/sdk';
import type { CommandContext } from '../context.ts';
import { defineCommand } from '../define-command.ts';
import { CliError, CliInterruptedError } from '../errors.ts';
import { options, text } from '../options.ts';

/** A hidden prompt for the coldkey password; the answer is never echoed, logged or stored. */
function passwordPrompt(ctx: CommandContext, wallet: () => string) {
  return async (attempt: number): Promise<string> => {
    const { password, isCancel } = await import('@clack/prompts');
    const answer = await password({
      message:
        attempt > 1
          ? `Wrong password. Password of coldkey "${wallet()}" (try ${attempt} of 3)`
          : `Password of coldkey "${wallet()}"`,
      input: ctx.io.stdin as NodeJS.ReadStream,
      output: ctx.io.stderr as NodeJS.WriteStream,
      signal: ctx.signal,
    });
    if (isCancel(answer)) throw new CliInterruptedError('Cancelled', 'Nothing was sent.');
    return answer ?? '';
  };
}

async function amountPrompt(ctx: CommandContext, choice: AmountChoice): Promise<string> {
  const { text, isCancel } = await import('@clack/prompts');
  const price = choice.usdPerTao === undefined ? '' : ` (1 TAO ≈ $${choice.usdPerTao.toFixed(2)})`;
  const answer = await text({
    message: `TAO to send: at most ${choice.maxTao} of ${choice.freeTao} free${price}`,
    input: ctx.io.stdin as NodeJS.ReadStream,
    output: ctx.io.stderr as NodeJS.WriteStream,
    signal: ctx.signal,
  });
  if (isCancel(answer)) throw new CliInterruptedError('Cancelled', 'Nothing was sent.');
  return answer ?? '';
}

function quoteLines(quote: FundQuote): string[] {
  const usd = quote.amountUsd === undefined ? '' : ` (≈ $${quote.amountUsd.toFixed(2)})`;
  return [
    `From     wallet "${quote.wallet}" ${quote.from} (${quote.freeTao} TAO free)`,
    `To       ${quote.to} (Lium)`,
    `Amount   ${quote.amountTao} TAO${usd}, fee ${quote.feeTao} TAO`,
    `Network  ${quote.network}`,
    `Balance  $${quote.balanceUsd.toFixed(2)} on Lium now`,
  ];
}

function eventLine(ctx: CommandContext, event: FundEvent): void {
  const out = ctx.out;
  switch (event.type) {
    case 'wallet':
      out.step(`Wallet "${event.wallet}": ${event.address}`);
      break;
    case 'unlocking':
      if (event.encrypted) out.step('Decrypting the coldkey (Argon2, this takes a while)');
      break;
    case 'linking':
      out.step('Linking this coldkey to your Lium account');
      break;
    case 'linked':
      out.success('Coldkey linked');
      break;
    case 'submitted':
      out.step(`Sent transfer ${event.extrinsicHash}, waiting for a block`);
      break;
    case 'included':
      out.success(
        `In block ${event.blockNumber ?? '?'} ${event.blockHash} (extrinsic ${event.extrinsicHash})`,
      );
      break;
    case 'waiting_balance':
      out.step(
        `Waiting for Lium to credit it (balance $${event.balanceUsd.toFixed(2)}, up to ${Math.round(event.timeoutMs / 60_000)} min)`,
      );
      break;
    default:
      break;
  }
}

export default defineCommand({
  builder: (yargs) =>
    yargs
      .options(
        options({
          wallet: text(
            'Bittensor wallet (coldkey) name (default: funding.default_wallet, else "default")',
            { alias: 'w' },
          ),
          'wallet-path': text(
            'Directory of wallets (default: funding.wallet_path, else ~/.bittensor/wallets)',
          ),
          tao: text('TAO to send (at most 9 decimals); asked for when omitted on a terminal'),
          network: text('finney (default), test, or a ws:// / wss:// subtensor endpoint'),
        }),
      )
      .example('lium fund --tao 0.5', 'send 0.5 TAO from the "default" wallet')
      .example('lium fund -w miner --tao 2 -y', 'no questions (password from LIUM_WALLET_PASSWORD)')
      .epilog(
        'The coldkey password comes from a hidden prompt or LIUM_WALLET_PASSWORD, never a flag. ' +
          'The pay API key comes from LIUM_PAY_API_KEY or `lium config set pay.api_key KEY`. ' +
          'The TAO goes to the wallet the Lium pay API names; the first run links your coldkey to the account.',
      ),
  async handler(args, ctx) {
    const lium = await ctx.lium();
    const settings = await lium.getSettings();
    if (!settings.payApiKey) {
      throw new CliError('Funding needs the Lium pay API key', {
        code: 'pay_api_key_missing',
        hint: 'Set LIUM_PAY_API_KEY, or run `lium config set pay.api_key KEY`.',
      });
    }
    const { createFundingApi, fund } = await import('@lium/sdk');
    const api = createFundingApi({
      api: await lium.getApiClient(),
      payApiKey: settings.payApiKey,
      ...(settings.payBaseUrl ? { payBaseUrl: settings.payBaseUrl } : {}),
    });
    const walletName = args.wallet ?? settings.defaultWallet;
    const walletPath = args['wallet-path'] ?? settings.walletPath;
    const fromEnv = ctx.io.env.LIUM_WALLET_PASSWORD;
    const password =
      fromEnv !== undefined && fromEnv !== ''
        ? fromEnv
        : ctx.interactive
          ? passwordPrompt(ctx, () => walletName ?? 'default')
          : undefined;
    const result = await fund({
      api,
      wallet: {
        name: walletName,
        path: walletPath || undefined,
        home: ctx.io.env.HOME || undefined,
      },
      amount: args.tao,
      network: args.network,
      password,
      signal: ctx.signal,
      ...(ctx.interactive ? { chooseAmount: (choice) => amountPrompt(ctx, choice) } : {}),
      confirm: async (quote) => {
        if (!ctx.out.json) for (const line of quoteLines(quote)) ctx.out.info(line);
        await ctx.confirm(`Send ${quote.amountTao} TAO to Lium?`, 'send TAO');
        return true;
      },
      onEvent: (event) => {
        if (!ctx.out.json) eventLine(ctx, event);
      },
    });
    if (ctx.out.json) {
      ctx.out.printJson({
        wallet: result.wallet,
        from: result.from,
        to: result.to,
        network: result.network,
        amount_tao: result.amountTao,
        fee_tao: result.feeTao,
        amount_usd: result.amountUsd ?? null,
        linked: result.linked,
        block_hash: result.blockHash,
        block_number: result.blockNumber ?? null,
        extrinsic_hash: result.extrinsicHash,
        balance_before: result.balanceBefore,
        balance_after: result.balanceAfter,
      });
      return;
    }
    ctx.out.success(
      `Funded: $${result.balanceBefore.toFixed(2)} → $${result.balanceAfter.toFixed(2)} on Lium (${result.amountTao} TAO)`,
    );
  },
});
