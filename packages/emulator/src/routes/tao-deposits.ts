import type { App } from '../app.ts';
import { HttpError } from '../http/errors.ts';
import type { Route } from '../http/types.ts';
import { Validator } from '../http/validate.ts';
import { COMPANY_WALLET, USD_PER_TAO } from './pay.ts';

const RAO_PER_TAO = 1_000_000_000n;

/**
 * Where a test's chain reports a TAO transfer that landed, so the account's balance rises as
 * the real pay API credits it: `POST /_emulator/tao-deposits` with `{to, amount_rao,
 * extrinsic_hash}` (amount as a decimal string of rao). Transfers to another address than the
 * company wallet credit nothing; the same extrinsic is credited once.
 */
export function taoDepositRoutes(app: App): Route[] {
  const credited = new Set<string>();
  return [
    {
      method: 'POST',
      pattern: '/tao-deposits',
      auth: 'public',
      handler: (ctx) => {
        const v = new Validator('body', ctx.body);
        const to = v.string('to', { required: true }) as string;
        const amount = v.string('amount_rao', { required: true }) as string;
        const hash = v.string('extrinsic_hash', { required: true }) as string;
        v.string('from');
        v.string('block_hash');
        v.done();
        if (!/^\d+$/.test(amount)) {
          throw new HttpError(400, 'bad_request', 'amount_rao must be a decimal string of rao');
        }
        let usd = 0;
        if (to === COMPANY_WALLET && !credited.has(hash)) {
          credited.add(hash);
          const rao = BigInt(amount);
          const tao = Number(rao / RAO_PER_TAO) + Number(rao % RAO_PER_TAO) / 1e9;
          usd = Math.round(tao * USD_PER_TAO * 100) / 100;
          app.fleet.settleBilling();
          app.store.balance += usd;
          app.store.changed();
        }
        return { body: { credited_usd: usd, balance: app.store.balance } };
      },
    },
  ];
}
