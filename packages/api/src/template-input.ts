/**
 * The input of `POST /templates` and `PUT /templates/{id}` (lium-api.md §2.4), camelCase as every
 * endpoint input is (see client.ts), and its conversion to the snake_case body the server takes.
 */

/** What `createTemplate` / `updateTemplate` send (the server wants the whole template on PUT). */
export interface TemplateInput {
  /** The template's name. */
  name: string;
  /** Image repository, without the tag (`pytorch/pytorch`). */
  dockerImage: string;
  /** Image tag (`latest`). */
  dockerImageTag?: string | undefined;
  /** `sha256:…` of the image, or empty. */
  dockerImageDigest?: string | undefined;
  /** Free text shown with the template. */
  description?: string | undefined;
  /** `DOCKER`, `PYTORCH`, `NVIDIA`, `TENSOR_FLOW`, `OPEN_AI`, `UBUNTU`. */
  category?: string | undefined;
  /** Volume paths; the first is the pod's volume path. */
  volumes?: string[] | undefined;
  /** Environment of the container. */
  environment?: Record<string, string> | undefined;
  /** Entrypoint override, or empty. */
  entrypoint?: string | undefined;
  /** Container ports to map (22 for SSH). */
  internalPorts?: number[] | undefined;
  /** Only the owner sees it. */
  isPrivate?: boolean | undefined;
  /** Markdown shown with the template. */
  readme?: string | undefined;
  /** Commands run when the container starts. */
  startupCommands?: string | undefined;
  /** Start the container without waiting for a volume. */
  containerStartImmediately?: boolean | undefined;
  /** Registry login (`GET /docker-credentials`) for a private image; null to clear it. */
  dockerCredentialId?: string | null | undefined;
  /** Delete the template when its pod is removed. */
  oneTimeTemplate?: boolean | undefined;
  /** A switch-template copy; the platform hides these from rent. */
  isTemporary?: boolean | undefined;
  /** Further wire fields, sent as given (snake_case), for fields this type does not name. */
  extra?: Record<string, unknown> | undefined;
}

const WIRE_NAMES = {
  name: 'name',
  dockerImage: 'docker_image',
  dockerImageTag: 'docker_image_tag',
  dockerImageDigest: 'docker_image_digest',
  description: 'description',
  category: 'category',
  volumes: 'volumes',
  environment: 'environment',
  entrypoint: 'entrypoint',
  internalPorts: 'internal_ports',
  isPrivate: 'is_private',
  readme: 'readme',
  startupCommands: 'startup_commands',
  containerStartImmediately: 'container_start_immediately',
  dockerCredentialId: 'docker_credential_id',
  oneTimeTemplate: 'one_time_template',
  isTemporary: 'is_temporary',
} as const satisfies Record<Exclude<keyof TemplateInput, 'extra'>, string>;

/** The snake_case request body: the fields that are set, then `extra` as given. */
export function templateBody(input: TemplateInput): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [key, wire] of Object.entries(WIRE_NAMES)) {
    const value = input[key as keyof typeof WIRE_NAMES];
    if (value !== undefined) body[wire] = value;
  }
  return { ...body, ...input.extra };
}
