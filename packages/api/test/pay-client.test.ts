import { json } from '@lium/test-support/http-server';
import { describe, expect, it } from 'vitest';
import { LiumPayClient } from '../src/index.ts';
import { useTestServer } from './setup.ts';

const t = useTestServer();

describe('LiumPayClient', () => {
  it('sends only the pay key, and converts USD to TAO on the pay API', async () => {
    t.server.route('GET /pay/balance/convert', json(200, { converted: 0.5, rate: 400 }));
    const pay = new LiumPayClient({ payApiKey: 'pay-key-xyz', payBaseUrl: `${t.server.url}/pay/` });
    expect(await pay.convertUsdToTao({ amount: 200 })).toEqual({ converted: 0.5, rate: 400 });
    const [request] = t.server.requests;
    expect(request?.query).toEqual({ amount: '200' });
    expect(request?.headers['x-api-key']).toBe('pay-key-xyz');
    expect(request?.headers['x-source']).toBeUndefined();
  });

  it('cannot be built without a pay key (a type error, not a run-time surprise)', () => {
    // @ts-expect-error payApiKey is required
    const build = () => new LiumPayClient({});
    expect(build).toThrow();
  });
});
