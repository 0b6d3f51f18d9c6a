import type { App } from '../app.ts';
import { badRequest, HttpError, notFound } from '../http/errors.ts';
import type { RequestContext, Route } from '../http/types.ts';
import { isUuid, Validator } from '../http/validate.ts';
import { parseExecutorQuery } from '../market/filter.ts';
import type { Template } from '../state/types.ts';
import { podRow } from '../views.ts';
import { requireTemplate } from './lookup.ts';

const MAX_DOCKERFILE_BYTES = 64 * 1024;
const PUBLIC_KEY_RE =
  /^(ssh-(ed25519|rsa|dss)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com) [A-Za-z0-9+/=]+( .*)?$/;

export function executorRoutes(app: App): Route[] {
  return [
    {
      method: 'GET',
      pattern: '/executors',
      // The listing is public (reference §1.2: [C0] called it without a key).
      auth: 'public',
      handler: (ctx) => ({
        body: app.market.list(parseExecutorQuery(ctx.query), app.store.rentedExecutorIds),
      }),
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
  const podName = v.string('pod_name', { required: true, minLength: 1, maxLength: 255 });
  const templateId = v.uuid('template_id');
  const dockerfile = v.string('dockerfile_content');
  const volumeId = v.uuid('volume_id');
  const keys = v.stringList('user_public_key', { required: true, minItems: 1 });
  const portCount = v.int('initial_port_count', { min: 1, max: 65535 });
  const encryption = v.bool('enable_volume_encryption');
  const backupLogId = v.uuid('backup_log_id');
  const restorePath = v.string('restore_path');
  keys?.forEach((key, index) => {
    if (!PUBLIC_KEY_RE.test(key.trim())) {
      v.issues.push({
        loc: ['body', 'user_public_key', index],
        msg: 'Value error, not an OpenSSH public key line',
        type: 'value_error',
        input: key,
      });
    }
  });
  if (v.has('template_id') === v.has('dockerfile_content')) {
    v.fail(null, 'exactly one of template_id or dockerfile_content is required');
  }
  if (dockerfile !== undefined && Buffer.byteLength(dockerfile) > MAX_DOCKERFILE_BYTES) {
    v.fail('dockerfile_content', 'dockerfile_content must be at most 64 KiB');
  }
  if (v.has('backup_log_id') !== v.has('restore_path')) {
    v.fail(null, 'backup_log_id and restore_path must be given together');
  }
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
  if (app.store.rentedExecutorIds.has(executor.id)) {
    throw badRequest(
      'Executor is not available: it is already rented',
      'Pick another executor from GET /executors.',
    );
  }
  const chosen = templateId !== undefined ? requireTemplate(app, templateId).template : undefined;
  if (chosen?.status === 'VERIFY_FAILED') {
    throw badRequest(
      'Template verification failed; it cannot be used to rent a pod',
      'Fix the image and update the template.',
    );
  }
  if (volumeId !== undefined && !app.store.volumes.has(volumeId)) throw notFound('Volume');
  if (backupLogId !== undefined && !app.store.backupLogs.has(backupLogId))
    throw notFound('Backup log');
  const wantedPorts = portCount ?? chosen?.internal_ports.length ?? 1;
  if (wantedPorts > executor.available_port_count) {
    throw badRequest(
      `Requested ${wantedPorts} ports but this executor has only ${executor.available_port_count} available`,
      'Ask for fewer ports or pick an executor with a larger available_port_count.',
    );
  }
  requireBalance(app, executor.price_per_hour);
  const template = chosen ?? dockerfileTemplate(app, dockerfile ?? '');

  const pod = app.fleet.rent({
    executor,
    podName: podName as string,
    template,
    userPublicKeys: (keys as string[]).map((k) => k.trim()),
    volumeId: volumeId ?? null,
    initialPortCount: portCount ?? null,
    enableVolumeEncryption: encryption ?? true,
  });
  if (backupLogId !== undefined && restorePath !== undefined) {
    const backup = app.store.backupLogs.get(backupLogId);
    if (backup !== undefined) {
      const log = app.backups.restore(pod, backup, restorePath);
      // Starts once the pod is up: the copy happens after the pod's readiness delay.
      log.timing.startMs = pod.ready_at;
    }
  }
  if (idempotencyKey !== undefined)
    app.store.idempotency.set(idempotencyKey, { podId: pod.id, fingerprint });
  app.store.changed();
  // A pod object with `id` for [L] clients and `success` + `pod_id` for [N] ones (reference §7).
  return { body: { ...podRow(app, pod), success: true, pod_id: pod.id } };
}

/** The 403 the newest client parses (reference §1.4, [N] `_REQUIRED_RE`/`_AVAILABLE_RE`). */
function requireBalance(app: App, hourly: number): void {
  const minutes = app.config.minimumRuntimeMinutes;
  const required = (hourly * minutes) / 60;
  const balance = app.store.balance;
  if (balance >= required) return;
  throw new HttpError(
    403,
    'insufficient_balance',
    `Insufficient balance. This node costs $${hourly.toFixed(2)}/hour, so renting it requires at least $${required.toFixed(2)} (${minutes} minutes of runtime). Your balance is $${balance.toFixed(2)}.`,
    { hint: 'Top up the balance (or start the emulator with a larger --balance).' },
  );
}

/** A Dockerfile rental runs on a private one-time template named after its base image. */
function dockerfileTemplate(app: App, dockerfile: string): Template {
  const from = /^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)/im.exec(dockerfile)?.[1] ?? 'ubuntu:22.04';
  const [image, tag] = splitImage(from);
  return app.templates.create({
    user_id: app.store.user.id,
    name: `dockerfile-${image.split('/').pop()}`,
    description: 'Built from dockerfile_content',
    docker_image: image,
    docker_image_tag: tag,
    docker_image_digest: '',
    docker_image_size: null,
    category: 'DOCKER',
    volumes: ['/workspace'],
    environment: {},
    entrypoint: '',
    internal_ports: [22],
    is_private: true,
    readme: '',
    startup_commands: '',
    docker_credential_id: null,
    container_start_immediately: true,
    one_time_template: true,
    is_temporary: true,
  });
}

function splitImage(reference: string): [string, string] {
  const slash = reference.lastIndexOf('/');
  const colon = reference.lastIndexOf(':');
  return colon > slash
    ? [reference.slice(0, colon), reference.slice(colon + 1)]
    : [reference, 'latest'];
}

function headerString(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? undefined : first;
}
