import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WalletVerificationInput } from '@lium/api';
import type { LiumError } from '@lium/errors';
import { type TestWallet, writeWallet } from '@lium/test-support/bittensor-wallets';
import { type SubstrateChain, startSubstrateChain } from '@lium/test-support/substrate-chain';
import { signatureVerify } from '@polkadot/util-crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createFundingApi,
  type FundEvent,
  type FundingApi,
  fund,
  type Lium,
} from '../src/index.ts';
import { type Harness, startHarness } from './harness.ts';

const TAO = 1_000_000_000n;
const COMPANY = '5FqACMtcegZxxopgu1g7TgyrnyD8skurr9QDPLPhxNQzsThe';

let harness: Harness;
let chain: SubstrateChain;
let lium: Lium;
let api: FundingApi;
let wallet: TestWallet;
let creditDeposits = true;
const verified: WalletVerificationInput[] = [];
const root = mkdtempSync(join(tmpdir(), 'lium-fund-'));

beforeAll(async () => {
  harness = await startHarness({ balance: 20 });
  lium = harness.newLium();
  wallet = await writeWallet(root, 'miner', { coldkey: 'plain', seedByte: 21 });
  await writeWallet(root, 'poor', { coldkey: 'plain', seedByte: 22 });
  chain = await startSubstrateChain({
    balances: { [wallet.address]: 3n * TAO },
    fee: 125_000n,
    // The chain tells the emulator's pay side that the deposit landed, as the real one watches.
    onTransfer: async (transfer) => {
      if (!creditDeposits) return;
      await fetch(`${harness.emu.controlUrl}/tao-deposits`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          from: transfer.from,
          to: transfer.to,
          amount_rao: String(transfer.amount),
          extrinsic_hash: transfer.extrinsicHash,
        }),
      });
    },
  });
  const real = createFundingApi({
    api: await lium.getApiClient(),
    payApiKey: 'pay-test-key',
    payBaseUrl: harness.emu.payBaseUrl,
  });
  // Pass-through that keeps what was sent for verification, to check the signature below.
  api = {
    ...real,
    verifyWallet: (input, signal) => {
      verified.push(input);
      return real.verifyWallet(input, signal);
    },
  };
}, 120_000);
afterAll(async () => {
  await chain?.close();
  await harness?.close();
  rmSync(root, { recursive: true, force: true });
});
afterEach(() => {
  chain.behaviour = 'normal';
  creditDeposits = true;
});

const fast = { balancePollIntervalMs: 100, linkPollIntervalMs: 50, chainTimeoutMs: 5_000 };

/** fund() from the miner wallet over the loopback chain with fast polls; `options` win. */
const fundMiner = (options: Partial<Parameters<typeof fund>[0]> = {}) =>
  fund({ api, wallet: { name: 'miner', path: root }, network: chain.url, ...fast, ...options });

/** The error {@link fundMiner} fails with (a test fails if it succeeds). */
const fundError = (options: Partial<Parameters<typeof fund>[0]>) =>
  fundMiner(options).then(
    () => {
      throw new Error('fund() succeeded');
    },
    (error: LiumError) => error,
  );

describe('fund() against the emulator and a loopback chain', () => {
  it('links the coldkey, sends one verified transfer to the company wallet and sees the balance rise', async () => {
    const events: FundEvent['type'][] = [];
    const result = await fundMiner({ amount: '0.5', onEvent: (event) => events.push(event.type) });
    // The link: one signature by the coldkey over the access key, as hex.
    expect(verified).toHaveLength(1);
    const [link] = verified;
    expect(link?.coldkeyAddress).toBe(wallet.address);
    expect(
      signatureVerify(link?.accessKey ?? '', `0x${link?.signature}`, wallet.address).isValid,
    ).toBe(true);
    expect(link?.applicationId).toBe('app_emulator');
    // The transfer: decoded and verified by the chain.
    expect(chain.submissions).toHaveLength(1);
    expect(chain.submissions[0]).toMatchObject({
      method: 'transferKeepAlive',
      signer: wallet.address,
      dest: COMPANY,
      amount: TAO / 2n,
      signatureValid: true,
      verdict: 'accepted',
    });
    expect(result).toMatchObject({
      wallet: 'miner',
      from: wallet.address,
      to: COMPANY,
      amountTao: '0.5',
      feeTao: '0.000125',
      amountUsd: 200,
      linked: true,
      extrinsicHash: chain.submissions[0]?.hash,
      blockHash: chain.transfers[0]?.blockHash,
    });
    expect(result.balanceAfter - result.balanceBefore).toBeCloseTo(200, 1);
    expect(events).toEqual([
      'wallet',
      'linking',
      'unlocking',
      'linked',
      'connected',
      'submitted',
      'included',
      'waiting_balance',
    ]);
  });

  it('does not link an already linked wallet again', async () => {
    const before = harness.emu.control.requests({
      method: 'GET',
      path: '/pay/token/generate',
    }).length;
    const result = await fundMiner({ amount: '0.1' });
    expect(result.linked).toBe(false);
    expect(
      harness.emu.control.requests({ method: 'GET', path: '/pay/token/generate' }).length,
    ).toBe(before);
    expect(verified).toHaveLength(1);
    expect(chain.submissions.at(-1)).toMatchObject({ nonce: 1, verdict: 'accepted' });
  });

  it('refuses more than the free balance minus fee and existential deposit, sending nothing', async () => {
    const sent = chain.submissions.length;
    const error = await fundError({ amount: '50' });
    expect(error.code).toBe('insufficient_balance');
    expect(error.message).toMatch(
      /^Wallet "miner" has [\d.]+ TAO free: it cannot send 50 TAO plus the 0\.000125 TAO fee and keep 0\.333333333 TAO$/,
    );
    expect(error.hint).toMatch(/^Send at most [\d.]+ TAO\.$/);
    expect(chain.submissions.length).toBe(sent);
  });

  it('checks the amount before anything is asked or sent', async () => {
    const calls = chain.calls.length;
    for (const amount of ['0', '-1', '1.0000000001', 'lots']) {
      const error = await fundError({ amount });
      expect(error.code).toBe('amount_invalid');
    }
    expect(chain.calls.length).toBe(calls);
  });

  it('names the missing wallet file', async () => {
    const error = await fundError({ wallet: { name: 'ghost', path: root }, amount: '1' });
    expect(error.code).toBe('wallet_not_found');
    expect(error.message).toContain(join(root, 'ghost', 'coldkeypub.txt'));
  });

  it('says the chain is unreachable, sending nothing', async () => {
    const error = await fundError({ amount: '0.1', network: 'ws://127.0.0.1:1' });
    expect(error.code).toBe('chain_unreachable');
  });

  it('reports a rejected extrinsic once, without sending it again', async () => {
    chain.behaviour = 'reject-rpc';
    const sent = chain.submissions.length;
    const error = await fundError({ amount: '0.1' });
    expect(error.code).toBe('transfer_rejected');
    expect(chain.submissions.length - sent).toBe(1);
  });

  it('gives up waiting for the balance with the block and extrinsic to check later', async () => {
    creditDeposits = false;
    const sent = chain.submissions.length;
    const error = await fundError({ amount: '0.1', balanceTimeoutMs: 600 });
    expect(error.code).toBe('balance_not_updated');
    expect(error.message).toContain(chain.transfers.at(-1)?.blockHash);
    expect(error.message).toContain(chain.submissions.at(-1)?.hash);
    expect(error.hint).toContain('Do not send it again');
    expect(chain.submissions.length - sent).toBe(1);
  });

  it('stops before signing when the confirmation says no', async () => {
    const sent = chain.submissions.length;
    const error = await fundError({
      amount: '0.1',
      confirm: async (quote) => {
        expect(quote).toMatchObject({
          amountTao: '0.1',
          to: COMPANY,
          feeTao: '0.000125',
          amountUsd: 40,
        });
        return false;
      },
    });
    expect(error.code).toBe('fund_cancelled');
    expect(chain.submissions.length).toBe(sent);
  });

  it('asks for the amount when none is given, telling the most it can send', async () => {
    const error = await fundError({
      wallet: { name: 'poor', path: root },
      chooseAmount: async (choice) => {
        expect(choice).toMatchObject({ freeTao: '0', maxTao: '0', feeTao: '0.000125' });
        return '1';
      },
    });
    expect(error.code).toBe('insufficient_balance');
    expect(error.hint).toBe('Add TAO to this coldkey first.');
  });
});
