import type { App } from '../app.ts';
import { badRequest, HttpError, notFound } from '../http/errors.ts';
import type { Validator } from '../http/validate.ts';
import type { Executor } from '../market/executor.ts';
import { DEFAULT_PYTORCH_TEMPLATE_ID } from '../state/initial.ts';
import type { PodRecord, Template } from '../state/types.ts';
import { requireTemplate } from './lookup.ts';

const MAX_DOCKERFILE_BYTES = 64 * 1024;
const PUBLIC_KEY_RE =
  /^(ssh-(ed25519|rsa|dss)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com) [A-Za-z0-9+/=]+( .*)?$/;

/** The rental fields shared by `POST /executors/{id}/rent` and `POST /executors/rent-by-spec` (§2.2.5). */
export interface RentalFields {
  podName: string;
  templateId: string | undefined;
  dockerfile: string | undefined;
  volumeId: string | undefined;
  keys: string[];
  portCount: number | undefined;
  encryption: boolean | undefined;
  backupLogId: string | undefined;
  restorePath: string | undefined;
}

/**
 * Reads and checks the rental fields into `v` (the caller calls `v.done()`), as §7 asks:
 * a non-empty list of OpenSSH keys, `template_id` XOR `dockerfile_content` (unless
 * `defaultTemplate`, where neither means the default PyTorch template), a Dockerfile of at most
 * 64 KiB, `backup_log_id` together with `restore_path`.
 */
export function readRentalFields(
  v: Validator,
  options: { defaultTemplate?: boolean } = {},
): RentalFields {
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
  const both = v.has('template_id') && v.has('dockerfile_content');
  const neither = !v.has('template_id') && !v.has('dockerfile_content');
  if (both || (neither && options.defaultTemplate !== true)) {
    v.fail(null, 'exactly one of template_id or dockerfile_content is required');
  }
  if (dockerfile !== undefined && Buffer.byteLength(dockerfile) > MAX_DOCKERFILE_BYTES) {
    v.fail('dockerfile_content', 'dockerfile_content must be at most 64 KiB');
  }
  if (v.has('backup_log_id') !== v.has('restore_path')) {
    v.fail(null, 'backup_log_id and restore_path must be given together');
  }
  return {
    podName: podName ?? '',
    templateId:
      templateId ??
      (neither && options.defaultTemplate === true ? DEFAULT_PYTORCH_TEMPLATE_ID : undefined),
    dockerfile,
    volumeId,
    keys: (keys ?? []).map((k) => k.trim()),
    portCount,
    encryption,
    backupLogId,
    restorePath,
  };
}

/** Why this executor cannot take this rental, as the HTTP error the real route answers. */
export function rentalProblem(
  app: App,
  executor: Executor,
  fields: RentalFields,
): HttpError | undefined {
  if (app.store.rentedExecutorIds.has(executor.id)) {
    return badRequest(
      'Executor is not available: it is already rented',
      'Pick another executor from GET /executors.',
    );
  }
  const wantedPorts = fields.portCount ?? chosenTemplate(app, fields)?.internal_ports.length ?? 1;
  if (wantedPorts > executor.available_port_count) {
    return badRequest(
      `Requested ${wantedPorts} ports but this executor has only ${executor.available_port_count} available`,
      'Ask for fewer ports or pick an executor with a larger available_port_count.',
    );
  }
  return balanceProblem(app, executor.price_per_hour);
}

/** Checks everything, then rents: the store changes only when the whole rental is valid. */
export function commitRental(app: App, executor: Executor, fields: RentalFields): PodRecord {
  const chosen = chosenTemplate(app, fields);
  if (chosen?.status === 'VERIFY_FAILED') {
    throw badRequest(
      'Template verification failed; it cannot be used to rent a pod',
      'Fix the image and update the template.',
    );
  }
  if (fields.volumeId !== undefined && !app.store.volumes.has(fields.volumeId))
    throw notFound('Volume');
  const backup =
    fields.backupLogId === undefined ? undefined : app.store.backupLogs.get(fields.backupLogId);
  if (fields.backupLogId !== undefined && (backup === undefined || backup.deleted))
    throw notFound('Backup log');
  const problem = rentalProblem(app, executor, fields);
  if (problem !== undefined) throw problem;
  const template = chosen ?? dockerfileTemplate(app, fields.dockerfile ?? '');
  const pod = app.fleet.rent({
    executor,
    podName: fields.podName,
    template,
    userPublicKeys: fields.keys,
    volumeId: fields.volumeId ?? null,
    initialPortCount: fields.portCount ?? null,
    enableVolumeEncryption: fields.encryption ?? true,
  });
  if (backup !== undefined && fields.restorePath !== undefined) {
    const log = app.backups.restore(pod, backup, fields.restorePath);
    // The copy starts once the pod is up.
    log.timing.startMs = pod.ready_at;
  }
  return pod;
}

function chosenTemplate(app: App, fields: RentalFields): Template | undefined {
  return fields.templateId === undefined
    ? undefined
    : requireTemplate(app, fields.templateId).template;
}

/** The 403 the newest client parses (reference §1.4, [N] `_REQUIRED_RE`/`_AVAILABLE_RE`). */
function balanceProblem(app: App, hourly: number): HttpError | undefined {
  const minutes = app.config.minimumRuntimeMinutes;
  const required = (hourly * minutes) / 60;
  const balance = app.store.balance;
  if (balance >= required) return undefined;
  return new HttpError(
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
