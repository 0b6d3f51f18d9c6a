import { randomUUID } from 'node:crypto';
import type { App } from '../app.ts';
import { notFound } from '../http/errors.ts';
import type { Route } from '../http/types.ts';
import { Validator } from '../http/validate.ts';
import type { DockerCredential } from '../state/types.ts';
import { required } from './lookup.ts';
import { EMULATOR_APP_ID } from './pay.ts';
import { RENT_BY_SPEC } from './rent-by-spec.ts';

/** Users, account events, payments stubs, docker credentials, CLI login and `/version`. */
export function accountRoutes(app: App): Route[] {
  const cliSessions = new Set<string>();
  return [
    {
      method: 'GET',
      pattern: '/users/me',
      auth: 'required',
      handler: () => ({ body: { ...app.store.user, balance: roundCents(app.store.balance) } }),
    },
    {
      method: 'GET',
      pattern: '/users/me/events',
      auth: 'required',
      handler: (ctx) => {
        const v = new Validator('query', Object.fromEntries(ctx.query));
        const limit = v.int('limit', { min: 1, max: 1000 }) ?? 200;
        v.done();
        const podId = ctx.query.get('pod_id');
        const events = [...app.store.pods.values()]
          .flatMap((p) => p.events)
          .filter((e) => podId === null || e.pod_id === podId)
          .sort((a, b) => b.created_at.localeCompare(a.created_at))
          .slice(0, limit)
          .map((e) => ({ ...e, actor: null }));
        return { body: events };
      },
    },
    {
      method: 'GET',
      pattern: '/version',
      auth: 'public',
      handler: () => ({ body: { version: 'emulator', features: [RENT_BY_SPEC] } }),
    },
    {
      method: 'POST',
      pattern: '/cli-auth/init',
      auth: 'public',
      handler: () => {
        const sessionId = randomUUID();
        cliSessions.add(sessionId);
        return {
          body: {
            browser_url: `http://${app.config.advertisedHost}/cli-auth/${sessionId}`,
            session_id: sessionId,
          },
        };
      },
    },
    {
      // The emulator approves a login at once and hands out its first API key.
      method: 'GET',
      pattern: '/cli-auth/poll/{session_id}',
      auth: 'public',
      handler: (ctx) => {
        if (!cliSessions.has(ctx.params.session_id ?? '')) return { body: { status: 'pending' } };
        return { body: { status: 'approved', api_key: app.config.apiKeys[0] } };
      },
    },
    {
      method: 'POST',
      pattern: '/tao/create-transfer',
      auth: 'required',
      handler: (ctx) => {
        const v = new Validator('body', ctx.body);
        v.number('amount', { required: true, min: 0 });
        v.done();
        return {
          body: {
            url: `https://emulator.lium.local/transfer?app_id=${EMULATOR_APP_ID}&customer_id=${app.store.user.stripe_customer_id}`,
          },
        };
      },
    },
    {
      method: 'GET',
      pattern: '/tmc-pay/currencies',
      auth: 'required',
      handler: () => ({
        body: {
          currencies: [
            { code: 'USDT', network: 'tron', decimals: 6, display_decimals: 2 },
            { code: 'USDC', network: 'ethereum', decimals: 6, display_decimals: 2 },
            { code: 'BTC', network: 'bitcoin', decimals: 8, display_decimals: 8 },
          ],
        },
      }),
    },
    {
      method: 'POST',
      pattern: '/tmc-pay/create-invoice',
      auth: 'required',
      handler: (ctx) => {
        const v = new Validator('body', ctx.body);
        const amount = v.number('amount', { required: true, min: 1 });
        const currency = v.string('crypto_currency', { required: true });
        const network = v.string('crypto_network', { required: true });
        v.done();
        const id = randomUUID();
        return {
          body: {
            invoice_id: id,
            deposit_address: `T${id.replace(/-/g, '').slice(0, 33)}`,
            crypto_amount: String(amount),
            crypto_currency: currency,
            crypto_network: network,
            exchange_rate: '1.0',
            expires_at: new Date(Date.now() + 3_600_000).toISOString(),
            fiat_amount: amount,
            fiat_currency: 'USD',
            hosted_invoice_url: `https://emulator.lium.local/invoice/${id}`,
          },
        };
      },
    },
    ...dockerCredentialRoutes(app),
  ];
}

function dockerCredentialRoutes(app: App): Route[] {
  const list = () => ({ body: [...app.store.dockerCredentials.values()] });
  return [
    { method: 'GET', pattern: '/docker-credentials', auth: 'required', handler: list },
    {
      // With no body the server generates a credential ([S]); with a body it stores the given one.
      method: 'POST',
      pattern: '/docker-credentials',
      auth: 'required',
      handler: (ctx) => {
        const v = new Validator('body', ctx.body ?? {});
        const username = v.string('docker_username');
        const password = v.string('docker_password');
        v.done();
        const iso = new Date().toISOString();
        const credential: DockerCredential = {
          id: randomUUID(),
          user_id: app.store.user.id,
          username: username ?? `lium-${randomUUID().slice(0, 8)}`,
          password: password ?? randomUUID(),
          created_at: iso,
          updated_at: iso,
        };
        app.store.dockerCredentials.set(credential.id, credential);
        app.store.changed();
        return { body: credential };
      },
    },
    {
      method: 'PUT',
      pattern: '/docker-credentials/{credential_id}',
      auth: 'required',
      handler: (ctx) => {
        const credential = required(
          app.store.dockerCredentials.get(ctx.params.credential_id ?? ''),
          'Docker credential',
        );
        const v = new Validator('body', ctx.body);
        const username = v.string('docker_username');
        const password = v.string('docker_password');
        v.done();
        if (username !== undefined) credential.username = username;
        if (password !== undefined) credential.password = password;
        credential.updated_at = new Date().toISOString();
        app.store.changed();
        return { body: credential };
      },
    },
    {
      method: 'DELETE',
      pattern: '/docker-credentials/{credential_id}',
      auth: 'required',
      handler: (ctx) => {
        if (!app.store.dockerCredentials.delete(ctx.params.credential_id ?? ''))
          throw notFound('Docker credential');
        app.store.changed();
        return { body: { success: true } };
      },
    },
  ];
}

function roundCents(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
