import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeWallet } from '@lium/test-support/bittensor-wallets';
import { type SubstrateChain, startSubstrateChain } from '@lium/test-support/substrate-chain';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type ColdkeySigner,
  LiumChainError,
  openWallet,
  SubtensorClient,
  unlockColdkey,
} from '../src/index.ts';

const TAO = 1_000_000_000n;
const DEST = '5FqACMtcegZxxopgu1g7TgyrnyD8skurr9QDPLPhxNQzsThe';
const root = mkdtempSync(join(tmpdir(), 'lium-subtensor-'));
let signer: ColdkeySigner;
let chain: SubstrateChain;
let client: SubtensorClient;

beforeAll(async () => {
  await writeWallet(root, 'alice', { coldkey: 'plain', seedByte: 11 });
  signer = await unlockColdkey(await openWallet({ name: 'alice', path: root }));
  chain = await startSubstrateChain({ balances: { [signer.address]: 10n * TAO }, fee: 200_000n });
  client = await SubtensorClient.connect(chain.url, { timeoutMs: 5_000 });
});
afterAll(async () => {
  client?.close();
  await chain?.close();
  rmSync(root, { recursive: true, force: true });
});
afterEach(() => {
  chain.behaviour = 'normal';
});

describe('SubtensorClient against a loopback node with real metadata', () => {
  it('reads the free balance, the existential deposit and the fee', async () => {
    expect(await client.getFreeBalance(signer.address)).toBe(10n * TAO);
    expect(await client.getFreeBalance(DEST)).toBe(0n);
    expect(client.existentialDeposit).toBe(chain.existentialDeposit);
    expect(await client.estimateTransferFee(signer.address, DEST, TAO)).toBe(200_000n);
    // The fee query must not submit anything.
    expect(chain.submissions).toHaveLength(0);
  });

  it('submits one signed transfer_keep_alive and waits for its block', async () => {
    const statuses: string[] = [];
    const receipt = await client.transferKeepAlive(signer, DEST, 2n * TAO, {
      onStatus: (status) => statuses.push(status.type),
    });
    expect(chain.submissions).toHaveLength(1);
    const [submission] = chain.submissions;
    expect(submission).toMatchObject({
      section: 'balances',
      method: 'transferKeepAlive',
      signer: signer.address,
      dest: DEST,
      amount: 2n * TAO,
      nonce: 0,
      signatureValid: true,
      verdict: 'accepted',
    });
    expect(receipt.extrinsicHash).toBe(submission?.hash);
    expect(receipt.blockHash).toBe(chain.transfers[0]?.blockHash);
    expect(receipt.blockNumber).toBe(chain.transfers[0]?.blockNumber);
    expect(statuses).toEqual(expect.arrayContaining(['submitted', 'ready', 'in_block']));
    expect(chain.freeBalance(DEST)).toBe(2n * TAO);
    expect(await client.getFreeBalance(signer.address)).toBe(8n * TAO - 200_000n);
  });

  it('uses the next nonce for a second transfer', async () => {
    await client.transferKeepAlive(signer, DEST, TAO);
    expect(chain.submissions.at(-1)).toMatchObject({ nonce: 1, verdict: 'accepted' });
  });

  it('reports a node refusal as transfer_rejected, sent once', async () => {
    chain.behaviour = 'reject-rpc';
    const before = chain.submissions.length;
    const error = await client.transferKeepAlive(signer, DEST, TAO).catch((e) => e);
    expect(error).toBeInstanceOf(LiumChainError);
    expect(error.code).toBe('transfer_rejected');
    expect(error.message).toContain('Invalid Transaction');
    expect(chain.submissions.length - before).toBe(1);
  });

  it('reports an invalid status as transfer_rejected', async () => {
    chain.behaviour = 'invalid';
    const error = await client.transferKeepAlive(signer, DEST, TAO).catch((e) => e);
    expect(error.code).toBe('transfer_rejected');
  });

  it('reads ExtrinsicFailed from the block events as transfer_failed', async () => {
    chain.behaviour = 'fail';
    const error = await client.transferKeepAlive(signer, DEST, TAO).catch((e) => e);
    expect(error.code).toBe('transfer_failed');
    expect(error.message).toContain('balances.InsufficientBalance');
  });

  it('gives up on a transfer never included as transfer_outcome_unknown', async () => {
    chain.behaviour = 'never-include';
    const error = await client
      .transferKeepAlive(signer, DEST, TAO, { inclusionTimeoutMs: 300 })
      .catch((e) => e);
    expect(error.code).toBe('transfer_outcome_unknown');
    expect(error.extrinsicHash).toBe(chain.submissions.at(-1)?.hash);
  });

  it('says the chain is unreachable for a closed port', async () => {
    const error = await SubtensorClient.connect('ws://127.0.0.1:1', { timeoutMs: 2_000 }).catch(
      (e) => e,
    );
    expect(error.code).toBe('chain_unreachable');
    expect(error.message).toMatch(
      /^Cannot reach the subtensor endpoint ws:\/\/127\.0\.0\.1:1: ECONNREFUSED$/,
    );
  });
});
