import type { RecordedRequest, Reply } from '@lium/test-support/http-server';
import { json, reset, stall } from '@lium/test-support/http-server';
import { describe, expect, it } from 'vitest';
import {
  LiumAbortError,
  LiumConnectionError,
  LiumInvalidArgumentError,
  LiumResponseShapeError,
  LiumServerError,
  type RentPodInput,
} from '../src/index.ts';
import { EXECUTOR_ID, pod, TEMPLATE_ID } from './fixtures.ts';
import { useTestServer } from './setup.ts';

const t = useTestServer();

const input: RentPodInput = {
  podName: 'noble-matrix-a3',
  templateId: TEMPLATE_ID,
  userPublicKeys: ['ssh-ed25519 AAAA me@host'],
};

type Answer = 'ok' | 'reset' | 'reset-before' | '503' | 'stall' | 'no-id';

/**
 * A tiny Lium that really creates pods: each POST's answer is scripted (`answers`), and
 * `reset`/`503`/`stall` after creating simulate an answer lost after the server committed,
 * while `reset-before` drops the connection without creating anything.
 */
function fakeLium(answers: Answer[], options: { honourIdempotencyKey?: boolean } = {}) {
  const pods: ReturnType<typeof pod>[] = [];
  const byKey = new Map<string, ReturnType<typeof pod>>();
  let posts = 0;
  t.server.route('POST /api/executors/:id/rent', (req: RecordedRequest): Reply => {
    const answer = answers[Math.min(posts, answers.length - 1)] ?? 'ok';
    posts++;
    if (answer === 'reset-before') return reset();
    const key = String(req.headers['idempotency-key']);
    let created = options.honourIdempotencyKey ? byKey.get(key) : undefined;
    if (!created) {
      const body = req.json as { pod_name: string };
      created = pod({
        id: `pod-${pods.length + 1}`,
        pod_name: body.pod_name,
        status: 'PENDING',
        executor: { id: req.params.id, price_per_gpu: null },
      });
      pods.push(created);
      byKey.set(key, created);
    }
    if (answer === 'reset') return reset();
    if (answer === '503') return json(503, { detail: 'gateway' });
    if (answer === 'stall') return stall();
    if (answer === 'no-id') return json(200, { success: true });
    return json(200, { success: true, pod_id: created.id });
  });
  t.server.route('GET /api/pods', () => json(200, pods));
  return { pods };
}

function rentPosts() {
  return t.server.requestsTo('POST /api/executors/:id/rent');
}

describe('rentPod', () => {
  it('sends a fresh UUID Idempotency-Key and reads {success, pod_id}', async () => {
    const { pods } = fakeLium(['ok']);
    const result = await t.client().rentPod(EXECUTOR_ID, input);
    expect(result).toEqual({ podId: 'pod-1', pod: undefined });
    expect(pods).toHaveLength(1);
    const key = rentPosts()[0]?.headers['idempotency-key'];
    expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    await t.client().rentPod(EXECUTOR_ID, input);
    expect(rentPosts()[1]?.headers['idempotency-key']).not.toBe(key);
  });

  it('reads a pod answer, normalising its quirks', async () => {
    t.server.route(
      'POST /api/executors/:id/rent',
      json(200, pod({ ports_mapping: '{"22": 2222}' })),
    );
    const { podId, pod: rented } = await t.client().rentPod(EXECUTOR_ID, input);
    expect(podId).toBe(pod().id);
    expect(rented).toMatchObject({ gpu_count: 8, ports_mapping: { '22': 2222 } });
  });

  it('sends the newest optional fields only when set', async () => {
    fakeLium(['ok']);
    await t.client().rentPod(EXECUTOR_ID, {
      ...input,
      templateId: undefined,
      dockerfileContent: 'FROM ubuntu',
      volumeId: 'v1',
      initialPortCount: 3,
      enableVolumeEncryption: false,
      backupLogId: 'b1',
      restorePath: '/root/restored',
      idempotencyKey: 'my-key',
    });
    const [post] = rentPosts();
    expect(post?.json).toEqual({
      pod_name: 'noble-matrix-a3',
      template_id: null,
      dockerfile_content: 'FROM ubuntu',
      volume_id: 'v1',
      user_public_key: ['ssh-ed25519 AAAA me@host'],
      initial_port_count: 3,
      enable_volume_encryption: false,
      backup_log_id: 'b1',
      restore_path: '/root/restored',
    });
    expect(post?.headers['idempotency-key']).toBe('my-key');
  });

  it('refuses a template and a Dockerfile together, or no keys, before sending', async () => {
    await expect(
      t.client().rentPod(EXECUTOR_ID, { ...input, dockerfileContent: 'FROM x' }),
    ).rejects.toBeInstanceOf(LiumInvalidArgumentError);
    await expect(
      t.client().rentPod(EXECUTOR_ID, { ...input, userPublicKeys: [] }),
    ).rejects.toBeInstanceOf(LiumInvalidArgumentError);
    expect(t.server.requests).toHaveLength(0);
  });

  describe('when the answer is lost', () => {
    it.each([
      ['the connection drops', 'reset'],
      ['a gateway answers 503', '503'],
      ['the answer times out', 'stall'],
    ] as const)(
      'after the server created the pod (%s): finds it, one POST, one pod',
      async (_, answer) => {
        const { pods } = fakeLium([answer]);
        const result = await t.client({ timeoutMs: 200 }).rentPod(EXECUTOR_ID, input);
        expect(pods).toHaveLength(1);
        expect(result.podId).toBe('pod-1');
        expect(result.pod).toMatchObject({
          pod_name: input.podName,
          executor: { id: EXECUTOR_ID },
        });
        expect(rentPosts()).toHaveLength(1);
        expect(t.server.requestsTo('GET /api/pods')).toHaveLength(1);
      },
    );

    it('before the server created it: one re-POST with the same key, one pod', async () => {
      const { pods } = fakeLium(['reset-before', 'ok']);
      const result = await t.client().rentPod(EXECUTOR_ID, input);
      expect(result.podId).toBe('pod-1');
      expect(pods).toHaveLength(1);
      const posts = rentPosts();
      expect(posts).toHaveLength(2);
      expect(posts[1]?.headers['idempotency-key']).toBe(posts[0]?.headers['idempotency-key']);
      expect(posts[1]?.body).toBe(posts[0]?.body);
      expect(t.server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
        `POST /api/executors/${EXECUTOR_ID}/rent`,
        'GET /api/pods',
        `POST /api/executors/${EXECUTOR_ID}/rent`,
      ]);
    });

    it('ignores a pod with the same name on another executor', async () => {
      const { pods } = fakeLium(['reset-before', 'ok']);
      pods.push(pod({ id: 'old', pod_name: input.podName, executor: { id: 'other-executor' } }));
      const result = await t.client().rentPod(EXECUTOR_ID, input);
      expect(result.podId).toBe('pod-2');
      expect(rentPosts()).toHaveLength(2);
    });

    it('never POSTs a third time: both answers lost → looks once more, then fails', async () => {
      const { pods } = fakeLium(['reset-before', 'reset-before']);
      const error = await t
        .client()
        .rentPod(EXECUTOR_ID, input)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LiumConnectionError);
      expect(pods).toHaveLength(0);
      expect(rentPosts()).toHaveLength(2);
      expect(t.server.requestsTo('GET /api/pods')).toHaveLength(2);
    });

    it('the second answer lost after creating: found by the second look', async () => {
      const { pods } = fakeLium(['reset-before', 'reset']);
      const result = await t.client().rentPod(EXECUTOR_ID, input);
      expect(result.podId).toBe('pod-1');
      expect(pods).toHaveLength(1);
      expect(rentPosts()).toHaveLength(2);
    });

    it('the lookup is itself retried like any read', async () => {
      const { pods } = fakeLium(['reset']);
      let listCalls = 0;
      t.server.route('GET /api/pods', () => (++listCalls === 1 ? json(503, {}) : json(200, pods)));
      const result = await t.client().rentPod(EXECUTOR_ID, input);
      expect(result.podId).toBe('pod-1');
      expect(pods).toHaveLength(1);
      expect(rentPosts()).toHaveLength(1);
    });

    it('a pod not listed yet: the re-POST carries the same key, so the server returns the same pod', async () => {
      const { pods } = fakeLium(['reset', 'ok'], { honourIdempotencyKey: true });
      t.server.route('GET /api/pods', json(200, [])); // the list lags behind the rent
      const result = await t.client().rentPod(EXECUTOR_ID, input);
      expect(result.podId).toBe('pod-1');
      expect(pods).toHaveLength(1);
      const posts = rentPosts();
      expect(posts).toHaveLength(2);
      expect(posts[1]?.headers['idempotency-key']).toBe(posts[0]?.headers['idempotency-key']);
    });

    it('when the pod list cannot be read either, fails without a second POST', async () => {
      fakeLium(['reset']);
      t.server.route('GET /api/pods', json(500, {}));
      const error = (await t
        .client({ maxRetries: 1 })
        .rentPod(EXECUTOR_ID, input)
        .catch((e: unknown) => e)) as LiumConnectionError;
      expect(error).toBeInstanceOf(LiumConnectionError);
      expect(error.message).toContain('may have succeeded');
      expect(error.hint).toContain(input.podName);
      expect(error.cause).toBeInstanceOf(LiumServerError);
      expect(rentPosts()).toHaveLength(1);
    });
  });

  it('a refusal (4xx) is final: no lookup, no re-POST', async () => {
    t.server.route('POST /api/executors/:id/rent', json(400, { detail: 'Executor not available' }));
    await expect(t.client().rentPod(EXECUTOR_ID, input)).rejects.toMatchObject({
      code: 'bad_request',
      message: expect.stringContaining('Executor not available'),
    });
    expect(t.server.requests).toHaveLength(1);
  });

  it('an answer with no id: finds the pod by name on the executor, never re-POSTs', async () => {
    fakeLium(['no-id']);
    const result = await t.client().rentPod(EXECUTOR_ID, input);
    expect(result.podId).toBe('pod-1');
    expect(rentPosts()).toHaveLength(1);
  });

  it('an answer with no id and no such pod is a shape error', async () => {
    t.server.route('POST /api/executors/:id/rent', json(200, { success: true }));
    t.server.route('GET /api/pods', json(200, []));
    const error = await t
      .client()
      .rentPod(EXECUTOR_ID, input)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LiumResponseShapeError);
    expect((error as LiumResponseShapeError).issues[0]?.path).toBe('rent.pod_id');
    expect(rentPosts()).toHaveLength(1);
  });

  it('the caller aborting is final: no lookup, no re-POST', async () => {
    fakeLium(['stall']);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await expect(
      t.client().rentPod(EXECUTOR_ID, input, { signal: controller.signal }),
    ).rejects.toBeInstanceOf(LiumAbortError);
    expect(t.server.requests).toHaveLength(1);
  });
});
