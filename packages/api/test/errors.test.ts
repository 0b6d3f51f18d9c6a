import { isLiumError } from '@lium/errors';
import {
  json,
  malformedJson,
  reset,
  stall,
  startHttpServer,
  text,
} from '@lium/test-support/http-server';
import { describe, expect, it } from 'vitest';
import {
  LiumAbortError,
  LiumApiError,
  LiumAuthenticationError,
  LiumBadRequestError,
  LiumConflictError,
  LiumConnectionError,
  LiumInsufficientBalanceError,
  LiumInvalidArgumentError,
  LiumNotFoundError,
  LiumPermissionDeniedError,
  LiumRateLimitError,
  LiumResponseShapeError,
  LiumServerError,
  LiumTimeoutError,
  LiumValidationError,
} from '../src/index.ts';
import { EXECUTOR_ID, pod } from './fixtures.ts';
import { API_KEY, useTestServer } from './setup.ts';

const t = useTestServer();

async function failure(promise: Promise<unknown>): Promise<LiumApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LiumApiError);
  expect(isLiumError(error)).toBe(true);
  const apiError = error as LiumApiError;
  expect(apiError.message).not.toContain(API_KEY);
  return apiError;
}

describe('status → error class', () => {
  it.each([
    [
      400,
      { message: 'Backup configuration already exists' },
      LiumBadRequestError,
      'bad_request',
      'Backup configuration already exists',
    ],
    [
      401,
      { detail: 'Invalid API key' },
      LiumAuthenticationError,
      'unauthenticated',
      'Invalid API key',
    ],
    [
      403,
      { detail: 'Not your pod' },
      LiumPermissionDeniedError,
      'permission_denied',
      'Not your pod',
    ],
    [
      404,
      'Pod container not deployed yet',
      LiumNotFoundError,
      'not_found',
      'Pod container not deployed yet',
    ],
    [
      409,
      { detail: { message: 'A restore is running', active_operation_id: 'op-1' } },
      LiumConflictError,
      'conflict',
      'A restore is running',
    ],
    [
      422,
      { detail: [{ loc: ['body', 'pod_name'], msg: 'field required', type: 'missing' }] },
      LiumValidationError,
      'validation_failed',
      'body.pod_name: field required',
    ],
    [410, { message: 'Gone' }, LiumBadRequestError, 'bad_request', 'Gone'],
  ] as const)('%i → %s', async (status, body, ErrorClass, code, message) => {
    t.server.route(
      'GET /api/pods/:id',
      typeof body === 'string'
        ? text(status, body)
        : json(status, body, { 'x-request-id': 'req-42' }),
    );
    const error = await failure(t.client().getPod('p1'));
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toMatchObject({ code, status, method: 'GET', path: '/pods/p1' });
    expect(error.message).toContain(message);
    expect(error.message).toContain(`GET /pods/p1 returned ${status}`);
    expect(error.hint === undefined || typeof error.hint === 'string').toBe(true);
    if (typeof body !== 'string') expect(error.requestId).toBe('req-42');
    if (error instanceof LiumConflictError) expect(error.activeOperationId).toBe('op-1');
    if (error instanceof LiumValidationError) {
      expect(error.details).toEqual([{ field: 'body.pod_name', message: 'field required' }]);
    }
  });

  it('5xx → LiumServerError (after the retries), with the request id', async () => {
    t.server.route('GET /api/pods', json(502, { detail: 'upstream' }, { 'x-request-id': 'r-5' }));
    const error = await failure(t.client({ maxRetries: 0 }).getPods());
    expect(error).toBeInstanceOf(LiumServerError);
    expect(error).toMatchObject({ code: 'server_error', status: 502, requestId: 'r-5' });
    expect(error.hint).toMatch(/try again/i);
  });

  it('429 → LiumRateLimitError with retryAfterMs', async () => {
    t.server.route('GET /api/pods', json(429, { detail: 'slow down' }, { 'retry-after': '120' }));
    const error = await failure(t.client().getPods());
    expect(error).toBeInstanceOf(LiumRateLimitError);
    expect(error).toMatchObject({ code: 'rate_limited', status: 429, retryAfterMs: 120_000 });
    // 120 s is above the 60 s we are willing to wait: fail fast, no retry.
    expect(t.server.requests).toHaveLength(1);
    // ...and say how long the server asked for, not "in a moment" (issue #11 item 11).
    expect(error.hint).toBe('Slow down and try again in 2 minutes.');
  });

  it('429 without Retry-After says "in a moment"', async () => {
    t.server.route('GET /api/pods', json(429, { detail: 'slow down' }));
    const error = await failure(t.client({ maxRetries: 0 }).getPods());
    expect(error.hint).toBe('Slow down and try again in a moment.');
  });

  it('403 insufficient balance → amounts parsed from the wording', async () => {
    t.server.route(
      'POST /api/executors/:id/rent',
      json(403, {
        detail:
          'Insufficient balance. This node costs $2.50/hour, so renting it requires at least $1.25 (30 minutes of runtime). Your balance is $0.40.',
      }),
    );
    const error = await failure(
      t.client().rentPod(EXECUTOR_ID, { podName: 'p', templateId: 't', userPublicKeys: ['k'] }),
    );
    expect(error).toBeInstanceOf(LiumInsufficientBalanceError);
    expect(error).toBeInstanceOf(LiumPermissionDeniedError);
    expect(error).toMatchObject({
      code: 'insufficient_balance',
      status: 403,
      hourlyUsd: 2.5,
      requiredUsd: 1.25,
      availableUsd: 0.4,
    });
    expect(t.server.requests).toHaveLength(1);
  });

  it('403 insufficient balance from the newest error envelope, with its hint and request id', async () => {
    t.server.route(
      'GET /api/pods',
      json(403, {
        error: {
          code: 'insufficient_balance',
          message: 'Insufficient balance',
          hint: 'Top up at lium.io',
          request_id: 'env-7',
        },
      }),
    );
    const error = await failure(t.client().getPods());
    expect(error).toBeInstanceOf(LiumInsufficientBalanceError);
    expect(error).toMatchObject({
      requestId: 'env-7',
      hint: 'Top up at lium.io',
      requiredUsd: undefined,
    });
  });

  it('reads a message + validation_errors body', async () => {
    t.server.route(
      'POST /api/templates',
      json(422, {
        message: 'Invalid template',
        validation_errors: [
          { field: 'docker_image', message: 'is required' },
          { field: 'internal_ports', msg: 'must be a list' },
        ],
      }),
    );
    const error = await failure(t.client().createTemplate({ name: 'x', dockerImage: '' }));
    expect(error).toBeInstanceOf(LiumValidationError);
    expect(error.message).toContain(
      'Invalid template (docker_image: is required; internal_ports: must be a list)',
    );
  });
});

describe('failures without an answer', () => {
  it('a refused connection → LiumConnectionError naming the cause', async () => {
    const gone = await startHttpServer();
    await gone.close();
    const client = t.client({ baseUrl: `${gone.url}/api`, maxRetries: 0 });
    const error = await failure(client.getPods());
    expect(error).toBeInstanceOf(LiumConnectionError);
    expect(error).not.toBeInstanceOf(LiumTimeoutError);
    expect(error).toMatchObject({ code: 'connection_failed', status: undefined, path: '/pods' });
    expect(error.message).toMatch(/ECONNREFUSED/);
  });

  it('a reset connection → LiumConnectionError', async () => {
    t.server.route('DELETE /api/pods/:id', reset());
    const error = await failure(t.client().deletePod('p1'));
    expect(error).toBeInstanceOf(LiumConnectionError);
    expect(t.server.requests).toHaveLength(1);
  });

  it('no answer in time → LiumTimeoutError', async () => {
    t.server.route('DELETE /api/pods/:id', stall());
    const error = await failure(t.client({ timeoutMs: 100 }).deletePod('p1'));
    expect(error).toBeInstanceOf(LiumTimeoutError);
    expect(error).toMatchObject({ code: 'timeout', method: 'DELETE' });
    expect(error.message).toContain('timed out after 100 ms');
  });

  it('the caller aborting → LiumAbortError', async () => {
    t.server.route('GET /api/pods', stall());
    const controller = new AbortController();
    const pending = t.client().getPods({ signal: controller.signal });
    setTimeout(() => controller.abort(), 30);
    const error = await failure(pending);
    expect(error).toBeInstanceOf(LiumAbortError);
    expect(error.code).toBe('aborted');
    expect(t.server.requests).toHaveLength(1);
  });

  it('an already aborted signal sends nothing', async () => {
    const error = await failure(t.client().getPods({ signal: AbortSignal.abort() }));
    expect(error).toBeInstanceOf(LiumAbortError);
    expect(t.server.requests).toHaveLength(0);
  });

  it("the client's own signal aborts its calls", async () => {
    t.server.route('GET /api/pods', stall());
    const controller = new AbortController();
    const pending = t.client({ signal: controller.signal }).getPods();
    setTimeout(() => controller.abort(), 30);
    expect(await failure(pending)).toBeInstanceOf(LiumAbortError);
  });
});

describe('bodies that break the contract', () => {
  it('names the path of the bad field', async () => {
    t.server.route('GET /api/pods', json(200, [pod(), pod(), pod(), pod({ id: 42 })]));
    const error = await failure(t.client().getPods());
    expect(error).toBeInstanceOf(LiumResponseShapeError);
    expect(error.code).toBe('invalid_response');
    expect((error as LiumResponseShapeError).issues[0]?.path).toBe('pods[3].id');
    expect(error.message).toContain('pods[3].id');
  });

  it('names nested paths', async () => {
    t.server.route('GET /api/pods/:id', json(200, pod({ executor: { id: 7 } })));
    const error = await failure(t.client().getPod('p'));
    expect((error as LiumResponseShapeError).issues.map((i) => i.path)).toEqual([
      'pod.executor.id',
    ]);
  });

  it('malformed JSON on a 2xx is a shape error', async () => {
    t.server.route('GET /api/users/me', malformedJson());
    const error = await failure(t.client().getMe());
    expect(error).toBeInstanceOf(LiumResponseShapeError);
    expect(error.message).toContain('not valid JSON');
    expect(t.server.requests).toHaveLength(1);
  });

  it('a list endpoint answering an object is a shape error', async () => {
    t.server.route('GET /api/executors', json(200, { executors: [] }));
    const error = await failure(t.client().getExecutors());
    expect((error as LiumResponseShapeError).issues[0]?.path).toBe('executors');
  });
});

describe('secrets', () => {
  it('never repeats the API key, even when the server echoes it', async () => {
    t.server.route('GET /api/users/me', json(401, { detail: `Invalid API key ${API_KEY}` }));
    const error = await failure(t.client().getMe());
    expect(error.message).toContain('Invalid API key [redacted]');
    expect(JSON.stringify(error.body)).not.toContain(API_KEY);
  });

  it('refuses an API key with a line break without quoting it', () => {
    const make = () => t.client({ apiKey: 'secret-key-123\n' });
    expect(make).toThrow(LiumInvalidArgumentError);
    expect(make).toThrow(/line breaks/);
    try {
      make();
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('secret-key-123');
    }
  });
});
