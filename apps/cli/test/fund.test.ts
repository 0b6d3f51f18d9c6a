import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VECTOR_PASSWORD, writeWallet } from '@lium/test-support/bittensor-wallets';
import { type SubstrateChain, startSubstrateChain } from '@lium/test-support/substrate-chain';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from './built-cli.ts';
import { useEmulatorWorld } from './helpers.ts';

const TAO = 1_000_000_000n;
const COMPANY = '5FqACMtcegZxxopgu1g7TgyrnyD8skurr9QDPLPhxNQzsThe';
const cliDir = fileURLToPath(new URL('..', import.meta.url));
const bin = join(cliDir, 'bin', 'lium.js');

/** The built `lium`, as a user runs it (async, so the in-process chain keeps answering). */
function liumBin(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('lium fund', () => {
  const world = useEmulatorWorld({ executors: 10, readyDelayMs: 100, balance: 10 });
  let chain: SubstrateChain;
  let walletsDir: string;
  let plainAddress: string;
  let credit = true;

  beforeAll(async () => {
    ensureBuilt();
    walletsDir = join(world.sandbox.home, '.bittensor', 'wallets');
    mkdirSync(walletsDir, { recursive: true });
    plainAddress = (await writeWallet(walletsDir, 'default', { coldkey: 'plain', seedByte: 31 }))
      .address;
    const locked = await writeWallet(walletsDir, 'locked', { coldkey: 'nacl' });
    chain = await startSubstrateChain({
      balances: { [plainAddress]: 5n * TAO, [locked.address]: 5n * TAO },
      onTransfer: async (transfer) => {
        if (!credit) return;
        await fetch(`${world.emulator.controlUrl}/tao-deposits`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            to: transfer.to,
            amount_rao: String(transfer.amount),
            extrinsic_hash: transfer.extrinsicHash,
          }),
        });
      },
    });
  }, 180_000);
  afterAll(() => chain?.close());
  afterEach(() => {
    chain.behaviour = 'normal';
    credit = true;
  });

  const env = () => ({
    ...world.env,
    LIUM_PAY_API_KEY: 'pay-test-key',
    LIUM_PAY_URL: world.emulator.payBaseUrl,
  });

  it('sends TAO with --json: stable fields on stdout, nothing else', async () => {
    const result = await world.lium(
      ['fund', '--tao', '0.25', '--network', chain.url, '-y', '--json'],
      { env: env() },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const body = JSON.parse(result.stdout);
    expect(Object.keys(body).sort()).toEqual(
      [
        'amount_tao',
        'amount_usd',
        'balance_after',
        'balance_before',
        'block_hash',
        'block_number',
        'extrinsic_hash',
        'fee_tao',
        'from',
        'linked',
        'network',
        'to',
        'wallet',
      ].sort(),
    );
    expect(body).toMatchObject({
      wallet: 'default',
      from: plainAddress,
      to: COMPANY,
      amount_tao: '0.25',
      amount_usd: 100,
      linked: true,
    });
    expect(body.extrinsic_hash).toBe(chain.submissions.at(-1)?.hash);
    expect(chain.submissions.at(-1)).toMatchObject({
      dest: COMPANY,
      amount: TAO / 4n,
      signatureValid: true,
    });
    expect(body.balance_after - body.balance_before).toBeCloseTo(100, 1);
  });

  it('refuses to send without -y when nobody can confirm (exit 1, nothing sent)', async () => {
    const sent = chain.submissions.length;
    const result = await world.lium(['fund', '--tao', '0.1', '--network', chain.url], {
      env: env(),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Amount   0.1 TAO (≈ $40.00), fee 0.000125 TAO');
    expect(result.stderr).toContain('Refusing to send TAO without confirmation');
    expect(chain.submissions.length).toBe(sent);
  });

  it('says what to do for a missing pay key, a bad amount and a missing wallet, in one line', async () => {
    const noKey = await world.lium(['fund', '--tao', '1', '--network', chain.url, '-y']);
    expect(noKey.code).toBe(1);
    expect(noKey.stderr.trim()).toBe(
      '✘ Funding needs the Lium pay API key → Set LIUM_PAY_API_KEY, or run `lium config set pay.api_key KEY`.',
    );
    const bad = await world.lium(['fund', '--tao', '1.0000000001', '--network', chain.url, '-y'], {
      env: env(),
    });
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain('more than 9 decimals');
    const missing = await world.lium(
      ['fund', '-w', 'ghost', '--tao', '1', '--network', chain.url, '-y'],
      { env: env() },
    );
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(
      `${join(walletsDir, 'ghost', 'coldkeypub.txt')} does not exist`,
    );
    expect(missing.stderr).not.toMatch(/\n\s+at /);
  });

  it('reports insufficient balance, an unreachable chain and a rejected transfer with exit 1', async () => {
    const poor = await world.lium(['fund', '--tao', '100', '--network', chain.url, '-y'], {
      env: env(),
    });
    expect(poor.code).toBe(1);
    expect(poor.stderr).toContain('cannot send 100 TAO');
    // The wallet's own hint, not the account balance's (`lium topup`).
    expect(poor.stderr).not.toContain('lium topup');
    const down = await world.lium(['fund', '--tao', '0.1', '--network', 'ws://127.0.0.1:1', '-y'], {
      env: env(),
    });
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('Cannot reach the subtensor endpoint ws://127.0.0.1:1');
    chain.behaviour = 'reject-rpc';
    const sent = chain.submissions.length;
    const rejected = await world.lium(['fund', '--tao', '0.1', '--network', chain.url, '-y'], {
      env: env(),
    });
    expect(rejected.code).toBe(1);
    expect(rejected.stderr).toContain('The chain rejected the transfer: Invalid Transaction');
    expect(chain.submissions.length - sent).toBe(1);
  });

  it('decrypts a btcli $NACL coldkey with LIUM_WALLET_PASSWORD, through the built binary', {
    timeout: 300_000,
  }, async () => {
    const result = await liumBin(
      ['fund', '-w', 'locked', '--tao', '0.5', '--network', chain.url, '-y'],
      {
        ...env(),
        LIUM_WALLET_PASSWORD: VECTOR_PASSWORD,
      },
    );
    expect(result.stderr).toContain('Decrypting the coldkey');
    expect(result.stderr).toMatch(/In block \d+ 0x[0-9a-f]{64} \(extrinsic 0x[0-9a-f]{64}\)/);
    expect(result.stderr).toContain('Funded: $');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).not.toContain(VECTOR_PASSWORD);
    expect(chain.submissions.at(-1)).toMatchObject({
      signer: '5EEm6M79PzHiRNYx6i9kNu9H86259CPfnkqH9ctsgWW5kgxe',
      signatureValid: true,
    });
  });

  it('refuses a wrong password in one line, sending nothing', { timeout: 300_000 }, async () => {
    const sent = chain.submissions.length;
    const result = await liumBin(
      ['fund', '-w', 'locked', '--tao', '0.5', '--network', chain.url, '-y'],
      {
        ...env(),
        LIUM_WALLET_PASSWORD: 'not the password',
      },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `✘ Wrong password for ${join(walletsDir, 'locked', 'coldkey')}`,
    );
    expect(result.stderr).not.toContain('not the password');
    expect(chain.submissions.length).toBe(sent);
  });
});
