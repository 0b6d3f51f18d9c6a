import type { App } from '../app.ts';
import { HttpError, notFound } from '../http/errors.ts';
import { type JsonResult, JsonText, type RequestContext, type Route } from '../http/types.ts';
import { isUuid, Validator } from '../http/validate.ts';
import { parseExecutorQuery } from '../market/filter.ts';
import { podRow } from '../views.ts';
import { requireTemplate } from './lookup.ts';
import { commitRental, readRentalFields } from './rental.ts';

export function executorRoutes(app: App): Route[] {
  return [
    {
      method: 'GET',
      pattern: '/executors',
      // The listing is public (reference §1.2: [C0] called it without a key).
      auth: 'public',
      handler: executorListing(app),
    },
    {
      method: 'GET',
      pattern: '/machines',
      auth: 'public',
      handler: () => ({ body: app.market.machineNames().map((name) => ({ name })) }),
    },
    {
      method: 'GET',
      pattern: '/executors/default-docker-image',
      auth: 'required',
      handler: (ctx) => ({ body: defaultImages(ctx.query.get('driver_version') ?? '') }),
    },
    {
      method: 'GET',
      pattern: '/executors/deployment-estimate',
      auth: 'required',
      handler: (ctx) => deploymentEstimate(app, ctx),
    },
    {
      method: 'POST',
      pattern: '/executors/{executor_id}/rent',
      auth: 'required',
      handler: (ctx) => rent(app, ctx),
    },
    {
      // Legacy unrent by executor id (reference §2.2.7), replaced by DELETE /pods/{id}.
      method: 'DELETE',
      pattern: '/executors/{executor_id}/rent',
      auth: 'required',
      handler: (ctx) => {
        const id = ctx.params.executor_id ?? '';
        const pod = [...app.store.pods.values()].find((p) => p.executor_id === id || p.id === id);
        if (pod === undefined) throw notFound('Pod');
        app.fleet.delete(pod);
        return { body: { success: true, pod_id: pod.id } };
      },
    },
  ];
}

/**
 * `GET /executors`, serialised once per query, set of rented executors and market (the
 * executors never change once generated): a page of 1 000 is 2.5 MB of JSON, and stringifying
 * it on every call cost 16-55 ms of each `lium ls` (bench P6). One entry: clients repeat a query.
 */
function executorListing(app: App): (ctx: RequestContext) => JsonResult {
  let cached: { market: App['market']; key: string; body: JsonText } | undefined;
  return (ctx) => {
    const query = parseExecutorQuery(ctx.query);
    const key = `${JSON.stringify(query)}\n${[...app.store.rentedExecutorIds].join(',')}`;
    if (cached === undefined || cached.market !== app.market || cached.key !== key) {
      const executors = app.market.list(query, app.store.rentedExecutorIds);
      cached = { market: app.market, key, body: new JsonText(JSON.stringify(executors)) };
    }
    return { body: cached.body };
  };
}

/** Recommended images for a driver: newer drivers get the newer CUDA builds first. */
function defaultImages(
  driverVersion: string,
): { docker_image: string; docker_image_tag: string }[] {
  const major = Number.parseInt(driverVersion, 10);
  const modern = Number.isNaN(major) || major >= 550;
  const images = [
    {
      docker_image: 'daturaai/pytorch',
      docker_image_tag: '2.6.0-py3.11-cuda12.5.1-devel-ubuntu24.04',
    },
    {
      docker_image: 'daturaai/pytorch',
      docker_image_tag: '2.4.0-py3.11-cuda12.2.0-devel-ubuntu22.04',
    },
    { docker_image: 'daturaai/ubuntu', docker_image_tag: '22.04' },
  ];
  return modern ? images : [images[1], images[2]].filter((i) => i !== undefined);
}

function deploymentEstimate(app: App, ctx: RequestContext) {
  const v = new Validator('query', Object.fromEntries(ctx.query));
  const executorId = v.uuid('executor_id', { required: true });
  const templateId = v.uuid('template_id', { required: true });
  v.done();
  const executor = app.market.get(executorId as string);
  if (executor === undefined) throw notFound('Executor');
  const template = requireTemplate(app, templateId as string).template;
  const seconds = Math.max(1, Math.ceil(app.config.readyDelayMs / 1000));
  const slow = executor.effective_download_speed_mbps < 500;
  return {
    body: {
      estimated_seconds: slow ? seconds * 3 : seconds,
      is_slow_machine: slow,
      warning_message: slow
        ? 'This machine has a slow network; pulling the image may take several minutes.'
        : null,
      is_cached_template: template.user_id === null,
      docker_image_size: template.docker_image_size,
    },
  };
}

function rent(app: App, ctx: RequestContext) {
  const executorId = ctx.params.executor_id ?? '';
  const idempotencyKey = headerString(ctx.headers['idempotency-key']);
  const fingerprint = `${executorId}\n${JSON.stringify(ctx.body ?? null)}`;
  if (idempotencyKey !== undefined) {
    const previous = app.store.idempotency.get(idempotencyKey);
    if (previous !== undefined) {
      if (previous.fingerprint !== fingerprint) {
        throw new HttpError(
          409,
          'conflict',
          'Idempotency-Key was already used with a different request',
          {
            hint: 'Use a fresh Idempotency-Key for every new rental.',
          },
        );
      }
      const pod = app.store.pods.get(previous.podId);
      if (pod !== undefined)
        return { body: { ...podRow(app, pod), success: true, pod_id: pod.id } };
      return {
        body: { success: true, pod_id: previous.podId, id: previous.podId, status: 'DELETING' },
      };
    }
  }

  const v = new Validator('body', ctx.body);
  const fields = readRentalFields(v);
  if (!isUuid(executorId)) {
    v.issues.push({
      loc: ['path', 'executor_id'],
      msg: 'Input should be a valid UUID, invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-]',
      type: 'uuid_parsing',
      input: executorId,
    });
  }
  v.done();

  const executor = app.market.get(executorId);
  if (executor === undefined) throw notFound('Executor');
  const pod = commitRental(app, executor, fields);
  if (idempotencyKey !== undefined) {
    app.store.idempotency.set(idempotencyKey, { podId: pod.id, fingerprint });
    app.store.changed();
  }
  // A pod object with `id` for [L] clients and `success` + `pod_id` for [N] ones (reference §7).
  return { body: { ...podRow(app, pod), success: true, pod_id: pod.id } };
}

function headerString(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? undefined : first;
}
