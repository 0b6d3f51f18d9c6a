import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../src/index.ts';
import {
  type ApiClient,
  apiClient,
  type ExecutorRow,
  newKeyPair,
  type PodRow,
  startTestEmulator,
  waitForPod,
} from './helpers.ts';

describe('rent by spec', () => {
  let emulator: Emulator;
  let api: ApiClient;
  let all: ExecutorRow[];
  const keys = newKeyPair();
  beforeAll(async () => {
    emulator = await startTestEmulator({ executors: 300 });
    api = apiClient(emulator);
    all = (await api<ExecutorRow[]>('GET', '/executors')).body;
  });
  afterAll(() => emulator.close());

  interface SpecAnswer {
    selected_executor: ExecutorRow;
    pod_id: string | null;
    template_id: string;
    candidates: number;
    alternatives_considered: { id: string; price_per_gpu: number }[];
    dry_run: boolean;
  }

  it('is announced by /version', async () => {
    expect((await api('GET', '/version')).body).toMatchObject({ features: ['rent_by_spec'] });
  });

  it('picks the cheapest matching node per GPU-hour; dry_run rents nothing', async () => {
    const spec = {
      gpu_type: 'H100',
      gpu_count: 1,
      pod_name: 'by-spec',
      user_public_key: [keys.publicKey],
      dry_run: true,
    };
    const dry = await api<SpecAnswer>('POST', '/executors/rent-by-spec', spec);
    expect(dry.status).toBe(200);
    const matching = all.filter((e) => /H100/.test(e.machine_name) && e.gpu_count === 1);
    const cheapest = Math.min(...matching.map((e) => e.price_per_gpu));
    expect(dry.body).toMatchObject({ pod_id: null, dry_run: true, candidates: matching.length });
    expect(dry.body.selected_executor.price_per_gpu).toBe(cheapest);
    expect(dry.body.template_id).toBe('1948937e-5049-47ad-8e26-bcf1a4549d70');
    expect((await api<PodRow[]>('GET', '/pods')).body).toEqual([]);

    const real = await api<SpecAnswer>('POST', '/executors/rent-by-spec', {
      ...spec,
      dry_run: false,
    });
    expect(real.body.pod_id).toEqual(expect.any(String));
    const pod = await waitForPod(api, real.body.pod_id as string);
    expect(pod.executor.id).toBe(real.body.selected_executor.id);
  });

  it('explains which constraint nothing satisfies', async () => {
    const response = await api<{ detail: string }>('POST', '/executors/rent-by-spec', {
      gpu_type: 'RTX4090',
      min_cpus: 100_000,
      pod_name: 'x',
      user_public_key: [keys.publicKey],
    });
    expect(response.status).toBe(404);
    expect(response.body.detail).toMatch(
      /^min_cpus=100000: none of the \d+ node\(s\) matching the earlier constraints satisfies it; the best on offer is \d+$/,
    );
  });
});

describe('pay API stub', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startTestEmulator({ executors: 5 });
  });
  afterAll(() => emulator.close());

  it('registers a wallet through token generate/verify and converts USD', async () => {
    const pay = async <T>(
      method: string,
      path: string,
      body?: unknown,
    ): Promise<{ status: number; body: T }> => {
      const response = await fetch(`${emulator.payBaseUrl}${path}`, {
        method,
        headers: {
          'X-API-KEY': 'the-shared-pay-key',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, body: (await response.json()) as T };
    };
    const me = (await apiClient(emulator)<{ stripe_customer_id: string }>('GET', '/users/me')).body;
    const { access_key } = (await pay<{ access_key: string }>('GET', '/token/generate')).body;
    const verified = await pay('POST', '/token/verify', {
      coldkey_address: '5Fcoldkey',
      access_key,
      signature: 'ab',
      stripe_customer_id: me.stripe_customer_id,
      application_id: 'app_emulator',
    });
    expect(verified.body).toEqual({ status: 'ok' });
    const wallets = await pay<{ wallet_hash: string }[]>(
      'GET',
      `/wallet/available-wallets/${me.stripe_customer_id}`,
    );
    expect(wallets.body.map((w) => w.wallet_hash)).toEqual(['5Fcoldkey']);
    expect((await pay('GET', '/balance/convert/alpha?amount=10')).body).toMatchObject({
      original: 10,
      converted: 4,
      netuid: expect.any(Number),
    });
    expect((await pay('GET', '/wallet/company/?app_id=app_emulator')).body).toMatchObject({
      application_id: 'app_emulator',
    });
    expect((await pay('GET', '/wallet/company/?app_id=other')).status).toBe(404);
  });
});
