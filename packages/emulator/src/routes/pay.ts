import { randomBytes } from 'node:crypto';
import { HttpError, notFound } from '../http/errors.ts';
import type { Route } from '../http/types.ts';
import { Validator } from '../http/validate.ts';

/** The company wallet funds are sent to ([L] `lium/cli/fund/actions.py`). */
export const COMPANY_WALLET = '5FqACMtcegZxxopgu1g7TgyrnyD8skurr9QDPLPhxNQzsThe';
export const EMULATOR_APP_ID = 'app_emulator';
export const USD_PER_TAO = 400;
const USD_PER_ALPHA = 2.5;

/**
 * A stub of the pay API (`https://pay-api.lium.io`, reference §2.9.2), served under
 * `/api/pay` so one emulator covers both base URLs. Its shared key is not checked (the real one
 * is a literal baked into the official SDK), and wallet signatures are accepted as given: the
 * emulator cannot verify sr25519 without a Substrate library, and no money moves.
 */
export function payRoutes(): Route[] {
  const wallets = new Map<string, Set<string>>();
  const tokens = new Set<string>();
  const route = (method: string, pattern: string, handler: Route['handler']): Route => ({
    method,
    pattern: `/pay${pattern}`,
    auth: 'none',
    handler,
  });
  const amountOf = (query: URLSearchParams): number => {
    const v = new Validator('query', Object.fromEntries(query));
    const amount = v.number('amount', { required: true, min: 0 });
    v.done();
    return amount as number;
  };
  return [
    route('GET', '/wallet/available-wallets/{customer_id}', (ctx) => ({
      body: [...(wallets.get(ctx.params.customer_id ?? '') ?? [])].map((wallet_hash) => ({
        wallet_hash,
        stripe_customer_id: ctx.params.customer_id,
      })),
    })),
    route('GET', '/token/generate', () => {
      const access_key = randomBytes(16).toString('hex');
      tokens.add(access_key);
      return { body: { access_key } };
    }),
    route('POST', '/token/verify', (ctx) => {
      const v = new Validator('body', ctx.body);
      const coldkey = v.string('coldkey_address', { required: true, minLength: 1 });
      const accessKey = v.string('access_key', { required: true });
      v.string('signature', { required: true });
      const customer = v.string('stripe_customer_id', { required: true });
      v.string('application_id');
      v.done();
      if (!tokens.delete(accessKey as string)) {
        throw new HttpError(400, 'bad_request', 'Unknown or used access key', {
          hint: 'GET /token/generate first.',
        });
      }
      const set = wallets.get(customer as string) ?? new Set<string>();
      set.add(coldkey as string);
      wallets.set(customer as string, set);
      return { body: { status: 'ok' } };
    }),
    route('GET', '/balance/convert/alpha', (ctx) => {
      const amount = amountOf(ctx.query);
      return {
        body: {
          original: amount,
          converted: amount / USD_PER_ALPHA,
          rate: USD_PER_ALPHA,
          netuid: 51,
        },
      };
    }),
    route('GET', '/balance/convert', (ctx) => {
      const amount = amountOf(ctx.query);
      return { body: { converted: amount / USD_PER_TAO, rate: USD_PER_TAO } };
    }),
    route('GET', '/wallet/company', (ctx) => {
      if (ctx.query.get('app_id') !== EMULATOR_APP_ID) throw notFound('Company wallet');
      return { body: { wallet_hash: COMPANY_WALLET, application_id: EMULATOR_APP_ID } };
    }),
    route('POST', '/wallet/potential-transfer', () => ({ body: { success: true } })),
  ];
}
