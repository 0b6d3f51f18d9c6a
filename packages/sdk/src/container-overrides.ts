/**
 * What the CLI's up flags for env, entrypoint, cmd and internal ports change about a pod's container. The rent
 * call takes a template, not these fields, so they become a private one-time template: the
 * chosen template with the overrides laid over it (reference §2.4.3, "docker-run" mode).
 */
import { createHash } from 'node:crypto';
import type { LiumAPIClient, Template } from '@lium/api';
import { LiumUsageError } from './errors.ts';
import { type TemplateInfo, toTemplateInfo } from './models.ts';

/** Changes to a pod's container on top of its template (the CLI's up `--env`, `--entrypoint`, `--cmd`, ports). */
export interface ContainerOverrides {
  /** Container environment, laid over the template's. Values are secrets: never logged. */
  env?: Readonly<Record<string, string>> | undefined;
  /** Replaces the image's entrypoint. */
  entrypoint?: string | undefined;
  /** The command the container runs at start (the template's startup commands). */
  cmd?: string | undefined;
  /** Ports inside the container to expose; 22 is always added. */
  internalPorts?: readonly number[] | undefined;
}

/** The REST calls {@link createOverriddenTemplate} makes. */
export type OverrideDeps = Pick<LiumAPIClient, 'getTemplate' | 'createTemplate'>;

/** True when `overrides` changes anything (an empty env changes nothing). Pure. */
export function hasContainerOverrides(overrides: ContainerOverrides | undefined): boolean {
  if (!overrides) return false;
  return (
    Object.keys(overrides.env ?? {}).length > 0 ||
    overrides.entrypoint !== undefined ||
    overrides.cmd !== undefined ||
    overrides.internalPorts !== undefined
  );
}

/** `22,8000` → `[22, 8000]`; 22 first and always there; a usage error naming a bad port. Pure. */
export function parseInternalPorts(text: string): number[] {
  const ports = text.split(',').map((part) => {
    const port = /^\s*\d+\s*$/.test(part) ? Number(part) : Number.NaN;
    if (!Number.isInteger(port) || port < 1 || port > 65_535) {
      throw new LiumUsageError(`Invalid internal port "${part.trim()}"`, {
        code: 'usage_error',
        hint: 'Give ports inside the container as a comma list, e.g. --internal-ports 22,8000.',
      });
    }
    return port;
  });
  return [...new Set([22, ...ports])];
}

/**
 * The one-time template's name: `ephemeral-` and 8 hex digits of an MD5 over the image and the
 * overrides, as the official client names it (values hashed, never shown). Pure.
 */
export function ephemeralTemplateName(image: string, overrides: ContainerOverrides): string {
  const env = Object.entries(overrides.env ?? {}).sort(([a], [b]) => a.localeCompare(b));
  const digest = createHash('md5')
    .update(
      JSON.stringify([
        image,
        env,
        overrides.entrypoint ?? '',
        overrides.cmd ?? '',
        overrides.internalPorts ?? [],
      ]),
    )
    .digest('hex');
  return `ephemeral-${digest.slice(0, 8)}`;
}

/** The input of the one-time template: `base` with `overrides` laid over it. Pure. */
export function overriddenTemplateBody(
  base: Template,
  overrides: ContainerOverrides,
): Parameters<LiumAPIClient['createTemplate']>[0] {
  const image = `${base.docker_image}:${base.docker_image_tag ?? 'latest'}`;
  const name = ephemeralTemplateName(image, overrides);
  const wire = base as Template & Record<string, unknown>;
  const baseEnv =
    wire.environment && typeof wire.environment === 'object'
      ? (wire.environment as Record<string, string>)
      : {};
  const basePorts = Array.isArray(wire.internal_ports) ? (wire.internal_ports as number[]) : [22];
  return {
    name,
    dockerImage: base.docker_image,
    dockerImageTag: base.docker_image_tag ?? 'latest',
    dockerImageDigest: typeof wire.docker_image_digest === 'string' ? wire.docker_image_digest : '',
    internalPorts: [...(overrides.internalPorts ?? basePorts)],
    startupCommands:
      overrides.cmd ?? (typeof wire.startup_commands === 'string' ? wire.startup_commands : ''),
    category: typeof wire.category === 'string' ? wire.category : 'UBUNTU',
    containerStartImmediately: true,
    description: `${image} with container overrides`,
    entrypoint:
      overrides.entrypoint ?? (typeof wire.entrypoint === 'string' ? wire.entrypoint : ''),
    environment: { ...baseEnv, ...overrides.env },
    isPrivate: true,
    oneTimeTemplate: true,
    // Not temporary: the platform hides temporary templates (switch-template copies) from rent.
    isTemporary: false,
    readme: name,
    volumes: Array.isArray(wire.volumes) ? (wire.volumes as string[]) : ['/workspace'],
    ...(typeof wire.docker_credential_id === 'string'
      ? { dockerCredentialId: wire.docker_credential_id }
      : {}),
  };
}

/**
 * Creates the one-time template that runs `baseTemplateId`'s image with `overrides`; the pod
 * is rented with its id (the server deletes it with the pod).
 */
export async function createOverriddenTemplate(
  deps: OverrideDeps,
  baseTemplateId: string,
  overrides: ContainerOverrides,
  options: { signal?: AbortSignal | undefined } = {},
): Promise<TemplateInfo> {
  const call = { signal: options.signal };
  const base = await deps.getTemplate(baseTemplateId, call);
  return toTemplateInfo(await deps.createTemplate(overriddenTemplateBody(base, overrides), call));
}
