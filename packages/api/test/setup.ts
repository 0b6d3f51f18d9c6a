import { startHttpServer, type TestHttpServer } from '@lium/test-support/http-server';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { LiumAPIClient, type LiumAPIClientOptions } from '../src/index.ts';

export const API_KEY = 'sk-test-0123456789abcdef';

/**
 * One loopback server per test file, routes cleared before each test. `client()` builds a client
 * against it with tiny backoff delays so retry tests stay fast.
 */
export function useTestServer() {
  const context = {
    server: undefined as unknown as TestHttpServer,
    client(options: Partial<LiumAPIClientOptions> = {}): LiumAPIClient {
      return new LiumAPIClient({
        apiKey: API_KEY,
        baseUrl: `${context.server.url}/api`,
        retryBaseDelayMs: 5,
        timeoutMs: 2_000,
        ...options,
      });
    },
  };
  beforeAll(async () => {
    context.server = await startHttpServer();
  });
  afterAll(() => context.server.close());
  beforeEach(() => context.server.reset());
  return context;
}
