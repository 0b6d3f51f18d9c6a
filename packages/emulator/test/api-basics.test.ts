import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../src/index.ts';
import { type ApiClient, apiClient, startTestEmulator } from './helpers.ts';

describe('auth, errors and headers', () => {
  let emulator: Emulator;
  let api: ApiClient;
  beforeAll(async () => {
    emulator = await startTestEmulator({ apiKeys: ['key-one', 'key-two'] });
    api = apiClient(emulator);
  });
  afterAll(() => emulator.close());

  it('serves under /api and gives the first key', () => {
    expect(emulator.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api$/);
    expect(emulator.apiKey).toBe('key-one');
  });

  it('accepts every configured key in any header casing', async () => {
    for (const header of ['X-API-KEY', 'x-api-key', 'X-Api-Key']) {
      for (const key of ['key-one', 'key-two']) {
        const response = await apiClient(emulator, null)('GET', '/users/me', undefined, {
          [header]: key,
        });
        expect(response.status).toBe(200);
      }
    }
  });

  it('answers 401 {"detail": …} without a key or with an unknown one', async () => {
    const missing = await apiClient(emulator, null)('GET', '/pods');
    expect(missing.status).toBe(401);
    expect(missing.body).toMatchObject({
      detail: 'Not authenticated',
      error: { code: 'unauthenticated' },
    });
    const wrong = await apiClient(emulator, 'nope')('GET', '/pods');
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ detail: 'Invalid API key' });
    // The unknown key is refused even on the public listing.
    expect((await apiClient(emulator, 'nope')('GET', '/executors')).status).toBe(401);
  });

  it('lets anyone list executors and machines without a key', async () => {
    const anonymous = apiClient(emulator, null);
    expect((await anonymous('GET', '/executors?size=2')).status).toBe(200);
    expect((await anonymous('GET', '/machines')).status).toBe(200);
  });

  it('adds x-request-id to every answer and repeats it in the error envelope', async () => {
    const ok = await api('GET', '/users/me');
    expect(ok.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{24}$/);
    const missing = await api<{ error: { request_id: string } }>(
      'GET',
      '/pods/0b7e6b0e-0000-4000-8000-000000000000',
    );
    expect(missing.status).toBe(404);
    expect(missing.body.error.request_id).toBe(missing.headers.get('x-request-id'));
  });

  it('answers 404 JSON for unknown ids and unknown routes, 405 for wrong methods', async () => {
    const pod = await api('GET', '/pods/0b7e6b0e-0000-4000-8000-000000000000');
    expect(pod.body).toMatchObject({ detail: 'Pod not found' });
    const route = await api('GET', '/no-such-route');
    expect(route.status).toBe(404);
    expect(route.body).toMatchObject({ detail: 'Not Found' });
    const method = await api('PATCH', '/pods');
    expect(method.status).toBe(405);
    expect((await fetch(emulator.baseUrl.replace('/api', '/elsewhere'))).status).toBe(404);
  });

  it('answers 422 with FastAPI-style details for bad bodies and queries', async () => {
    const notJson = await api('POST', '/ssh-keys', '{"name": ');
    expect(notJson.status).toBe(422);
    expect(notJson.body).toMatchObject({
      detail: [{ type: 'json_invalid', loc: ['body', expect.any(Number)] }],
    });
    const missing = await api('POST', '/ssh-keys', { name: 'k' });
    expect(missing.body).toMatchObject({
      detail: [{ loc: ['body', 'public_key'], msg: 'Field required', type: 'missing' }],
    });
    const badQuery = await api('GET', '/executors?gpu_count_gte=many');
    expect(badQuery.status).toBe(422);
    expect(badQuery.body).toMatchObject({
      detail: [{ loc: ['query', 'gpu_count_gte'], type: 'int_parsing' }],
      error: { code: 'validation_failed' },
    });
  });

  it('merges repeated slashes, as the 2025 client’s //api/users/me needed', async () => {
    const response = await fetch(`${emulator.baseUrl.replace('/api', '//api')}//users/me`, {
      headers: { 'X-API-KEY': 'key-one' },
    });
    expect(response.status).toBe(200);
  });

  it('answers /users/me with the account and its balance', async () => {
    const me = await api<{
      id: string;
      balance: number;
      stripe_customer_id: string;
      email: string;
    }>('GET', '/users/me');
    expect(me.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(me.body.balance).toBe(10_000);
    expect(me.body.stripe_customer_id).toMatch(/^cus_/);
  });

  it('stubs the funding endpoints with the reference shapes', async () => {
    const transfer = await api<{ url: string }>('POST', '/tao/create-transfer', { amount: 10 });
    expect(transfer.body.url).toContain('app_id=');
    expect(transfer.body.url).toContain('customer_id=cus_');
    const currencies = await api<{ currencies: { code: string; network: string }[] }>(
      'GET',
      '/tmc-pay/currencies?refresh=true',
    );
    expect(currencies.body.currencies[0]).toMatchObject({ code: 'USDT', network: 'tron' });
    const invoice = await api('POST', '/tmc-pay/create-invoice', {
      amount: 25,
      crypto_currency: 'USDT',
      crypto_network: 'tron',
    });
    expect(invoice.body).toMatchObject({
      fiat_amount: 25,
      fiat_currency: 'USD',
      crypto_currency: 'USDT',
    });
  });

  it('approves a CLI browser login with the emulator key', async () => {
    const anonymous = apiClient(emulator, null);
    const init = await anonymous<{ session_id: string; browser_url: string }>(
      'POST',
      '/cli-auth/init',
    );
    const poll = await anonymous('GET', `/cli-auth/poll/${init.body.session_id}`);
    expect(poll.body).toEqual({ status: 'approved', api_key: 'key-one' });
  });
});

describe('session login and key management', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startTestEmulator({ executors: 5 });
  });
  afterAll(() => emulator.close());

  it('logs in with the emulator user, lists keys and mints a new accepted key', async () => {
    const anonymous = apiClient(emulator, null);
    const me = (await apiClient(emulator)<{ email: string }>('GET', '/users/me')).body;
    expect(
      (await anonymous('POST', '/users/login', { email: 'someone@else', password: 'x' })).status,
    ).toBe(401);
    const login = await anonymous<{ token: string }>('POST', '/users/login', {
      email: me.email,
      password: 'anything',
    });
    const bearer = { Authorization: `Bearer ${login.body.token}` };
    expect((await anonymous('GET', '/keys')).status).toBe(401);
    const keys = await anonymous<{ key: string }[]>('GET', '/keys', undefined, bearer);
    expect(keys.body.map((k) => k.key)).toEqual(['test-key']);
    const minted = await anonymous<{ key: string }>(
      'POST',
      '/keys',
      { name: 'first-api-key' },
      bearer,
    );
    expect((await apiClient(emulator, minted.body.key)('GET', '/users/me')).status).toBe(200);
  });
});
