import type { DeploymentEstimate, LiumAPIClient, Template } from '@lium/api';
import { LiumError } from '@lium/errors';
import { throwIfAborted } from './abort.ts';
import { LiumUsageError } from './errors.ts';
import { type TemplateInfo, toTemplateInfo } from './models.ts';
import { pollUntil } from './poll.ts';

/** The API calls the template functions use (`LiumAPIClient` has them all). */
export type TemplateDeps = Pick<LiumAPIClient, 'createTemplate' | 'getTemplate' | 'deleteTemplate'>;

/** `repo/name:tag` → image and tag (`latest` when none); a digest or registry port is kept. Pure. */
export function parseImageRef(ref: string): {
  /** The image without its tag (`pytorch/pytorch`). */
  image: string;
  /** Its tag; `latest` when none was given. */
  tag: string;
} {
  const text = ref.trim();
  if (text === '' || /\s/.test(text)) {
    throw new LiumUsageError(`Invalid image "${ref}"`, {
      code: 'usage_error',
      hint: 'Give REPO:TAG, e.g. --image pytorch/pytorch:2.4.0-cuda12.1-cudnn9-runtime.',
    });
  }
  const colon = text.lastIndexOf(':');
  const hasTag = colon > text.lastIndexOf('/');
  const image = hasTag ? text.slice(0, colon) : text;
  const tag = hasTag ? text.slice(colon + 1) : 'latest';
  if (image === '' || tag === '') {
    throw new LiumUsageError(`Invalid image "${ref}"`, {
      code: 'usage_error',
      hint: 'Give REPO:TAG, e.g. --image ubuntu:24.04.',
    });
  }
  return { image, tag };
}

/** Options of {@link createTemplateAndVerify}. */
export interface NewTemplateOptions {
  /** `REPO[:TAG]`. */
  image: string;
  /** Default: the image's last path part and tag (`pytorch-2.4`). */
  name?: string | undefined;
  /** Ports inside the container to expose (default `[22, 8000]`; 22 is always added). */
  ports?: readonly number[] | undefined;
  /** Run at container start. */
  startup?: string | undefined;
  /** Aborts the call and any wait; the error has code `aborted`. */
  signal?: AbortSignal | undefined;
  /** Wait for verification (default true); `timeoutMs` default 600 000, `pollMs` 2 000. */
  wait?: boolean | undefined;
  /** How long `wait` waits, ms; default 600 000. */
  timeoutMs?: number | undefined;
  /** How often `wait` asks, ms; default 2 000. */
  pollMs?: number | undefined;
  /** Every status seen while verifying. */
  onStatus?: ((template: TemplateInfo) => void) | undefined;
}

/** The verifier's log of a template, from whichever field the server filled. */
export function verificationLog(template: Template): string | undefined {
  const raw = template as Record<string, unknown>;
  for (const key of ['verification_logs', 'verify_logs', 'logs', 'status_message']) {
    const value = raw[key];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
    if (Array.isArray(value) && value.length > 0) return value.map(String).join('\n');
  }
  return undefined;
}

/**
 * Creates a private template from an image (`lium templates new`) and waits until the platform
 * has verified it (pulled and started it). VERIFY_FAILED throws `template_verify_failed` with
 * the verifier's log in `details.log` and its last line in the message.
 */
export async function createTemplateAndVerify(
  deps: TemplateDeps,
  options: NewTemplateOptions,
): Promise<TemplateInfo> {
  const { image, tag } = parseImageRef(options.image);
  const ports = [...new Set([22, ...(options.ports ?? [8000])])];
  for (const port of ports) {
    if (!Number.isInteger(port) || port < 1 || port > 65_535) {
      throw new LiumUsageError(`Invalid port ${String(port)}`, {
        code: 'usage_error',
        hint: 'Ports are numbers from 1 to 65535.',
      });
    }
  }
  const name = options.name?.trim() || `${image.split('/').at(-1)}-${tag}`.slice(0, 64);
  const call = { signal: options.signal };
  const created = await deps.createTemplate(
    {
      name,
      dockerImage: image,
      dockerImageTag: tag,
      dockerImageDigest: '',
      internalPorts: ports,
      startupCommands: options.startup ?? '',
      category: 'UBUNTU',
      containerStartImmediately: true,
      description: name,
      entrypoint: '',
      environment: {},
      isPrivate: true,
      oneTimeTemplate: false,
      isTemporary: false,
      readme: name,
      volumes: ['/workspace'],
    },
    call,
  );
  let template = toTemplateInfo(created);
  if (options.wait === false) return template;
  const pollMs = options.pollMs ?? 2_000;
  const verified = await pollUntil(
    async () => {
      const raw = await deps.getTemplate(template.id, call);
      template = toTemplateInfo(raw);
      options.onStatus?.(template);
      if (template.status === 'VERIFY_SUCCESS') return template;
      if (template.status === 'VERIFY_FAILED') {
        const log = verificationLog(raw);
        const last = log?.split('\n').filter(Boolean).at(-1);
        const error = new LiumError(
          `Template ${template.name} failed verification${last ? `: ${last}` : ''}`,
          {
            code: 'template_verify_failed',
            hint: 'Check that the image exists, is public (or credentials are set) and starts; then delete this template.',
          },
        );
        Object.assign(error, { templateId: template.id, log: log ?? '' });
        throw error;
      }
      return undefined;
    },
    {
      timeoutMs: options.timeoutMs ?? 600_000,
      intervalMs: pollMs,
      maxIntervalMs: pollMs,
      signal: options.signal,
    },
  );
  if (verified) return verified;
  throw new LiumError(`Template ${template.name} was not verified in time (${template.status})`, {
    code: 'template_not_verified',
    hint: 'Large images take minutes to verify; check the template again later.',
  });
}

/** Deletes a template of yours (`lium templates rm`); 404 becomes `target_not_found`. */
export async function deleteTemplate(
  deps: TemplateDeps,
  id: string,
  options: { signal?: AbortSignal } = {},
): Promise<void> {
  try {
    await deps.deleteTemplate(id, { signal: options.signal });
  } catch (error) {
    if ((error as LiumError).code === 'not_found') {
      throw new LiumError(`No template ${id}`, {
        code: 'target_not_found',
        hint: 'List your templates (GET /templates) to find it.',
        cause: error,
      });
    }
    throw error;
  }
}

/** What the confirmation of `lium up` shows from `GET /executors/deployment-estimate`. */
export interface DeploymentForecast {
  /** Expected seconds until the pod is ready; undefined when the server did not say. */
  seconds: number | undefined;
  /** True when the server flags the executor as slow to deploy. */
  slowMachine: boolean;
  /** The server's warning (slow machine, large image, …), when it gave one. */
  warning: string | undefined;
  /** True when the image is already cached on the executor. */
  cachedImage: boolean;
  /** The image's size in bytes, when the server said. */
  imageBytes: number | undefined;
}

/** The estimate in the shape a confirmation uses. Pure. */
export function toDeploymentForecast(estimate: DeploymentEstimate): DeploymentForecast {
  const seconds = estimate.estimated_seconds;
  return {
    seconds: typeof seconds === 'number' && seconds >= 0 ? seconds : undefined,
    slowMachine: estimate.is_slow_machine === true,
    warning: estimate.warning_message?.trim() || undefined,
    cachedImage: estimate.is_cached_template === true,
    imageBytes: estimate.docker_image_size ?? undefined,
  };
}

/**
 * The deployment estimate for renting `executorId` with `templateId`, or undefined when the
 * server has none or fails (the official client ignores its errors too; an abort still throws).
 */
export async function deploymentForecast(
  deps: Pick<LiumAPIClient, 'getDeploymentEstimate'>,
  executorId: string,
  templateId: string,
  options: { signal?: AbortSignal } = {},
): Promise<DeploymentForecast | undefined> {
  try {
    return toDeploymentForecast(
      await deps.getDeploymentEstimate(
        { executorId, templateId },
        { ...{ signal: options.signal }, maxRetries: 0 },
      ),
    );
  } catch (error) {
    throwIfAborted(options.signal);
    if ((error as LiumError).code === 'aborted') throw error;
    return undefined;
  }
}
