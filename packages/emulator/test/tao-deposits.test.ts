import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../src/index.ts';
import { COMPANY_WALLET } from '../src/routes/pay.ts';
import { startTestEmulator } from './helpers.ts';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startTestEmulator({ balance: 5 });
});
afterAll(() => emulator?.close());

const deposit = (body: unknown) =>
  fetch(`${emulator.controlUrl}/tao-deposits`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }).then(async (res) => ({
    status: res.status,
    body: (await res.json()) as Record<string, unknown>,
  }));

describe('TAO deposits landing (control API)', () => {
  it('credits a transfer to the company wallet at the pay API rate, once per extrinsic', async () => {
    const landed = { to: COMPANY_WALLET, amount_rao: '1500000000', extrinsic_hash: '0xabc' };
    expect((await deposit(landed)).body).toMatchObject({ credited_usd: 600 });
    expect(emulator.control.balance()).toBeCloseTo(605, 1);
    expect((await deposit(landed)).body).toMatchObject({ credited_usd: 0 });
    expect(emulator.control.balance()).toBeCloseTo(605, 1);
  });

  it('credits nothing for another destination and refuses a non-integer amount', async () => {
    const other = await deposit({
      to: '5EEm6M79PzHiRNYx6i9kNu9H86259CPfnkqH9ctsgWW5kgxe',
      amount_rao: '1',
      extrinsic_hash: '0x1',
    });
    expect(other.body).toMatchObject({ credited_usd: 0 });
    const bad = await deposit({ to: COMPANY_WALLET, amount_rao: '1.5', extrinsic_hash: '0x2' });
    expect(bad.status).toBe(400);
  });
});
