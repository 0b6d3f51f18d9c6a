import * as v from 'valibot';
import { NumberLike, opt, optBoolean, optNumber, optString, StringLike } from './common.ts';

const templateEntries = {
  id: v.string(),
  /** Owner; undefined for official templates. */
  user_id: optString(),
  name: v.string(),
  description: optString(),
  docker_image: v.string(),
  docker_image_tag: optString(),
  docker_image_digest: optString(),
  /** Bytes. */
  docker_image_size: optNumber(),
  /** `DOCKER`, `PYTORCH`, `NVIDIA`, `TENSOR_FLOW`, `OPEN_AI`, `UBUNTU`. */
  category: optString(),
  /** The first entry is the pod's volume path. */
  volumes: opt(v.array(v.string())),
  environment: opt(v.record(v.string(), StringLike)),
  entrypoint: optString(),
  internal_ports: opt(v.array(NumberLike)),
  is_private: optBoolean(),
  readme: optString(),
  startup_commands: optString(),
  /** `CREATED`, `UPDATED`, `VERIFY_PENDING`, `VERIFY_FAILED`, `VERIFY_SUCCESS`. */
  status: optString(),
  docker_credential_id: optString(),
  verification_logs: optString(),
  container_start_immediately: optBoolean(),
  created_at: optString(),
  updated_at: optString(),
};

/** `GET /templates`, `GET /templates/{id}` (lium-api.md §2.4.1). */
export const TemplateSchema = v.looseObject(templateEntries);
/**
 * What {@link TemplateSchema} validates: `GET /templates`, `GET /templates/{id}` (lium-api.md
 * §2.4.1).
 */
export type Template = v.InferOutput<typeof TemplateSchema>;

/** The template as embedded in a pod row: the same fields, none of them guaranteed. */
export const PodTemplateSchema = v.partial(TemplateSchema);
/** What {@link PodTemplateSchema} validates: the template as embedded in a pod row. */
export type PodTemplate = v.InferOutput<typeof PodTemplateSchema>;

/** Body of `POST /templates` / `PUT /templates/{id}` (snake_case, as the server takes it). */
export interface TemplateInput {
  name: string;
  docker_image: string;
  docker_image_tag?: string;
  docker_image_digest?: string;
  description?: string;
  category?: string;
  volumes?: string[];
  environment?: Record<string, string>;
  entrypoint?: string;
  internal_ports?: number[];
  is_private?: boolean;
  readme?: string;
  startup_commands?: string;
  container_start_immediately?: boolean;
  docker_credential_id?: string | null | undefined;
  /** Delete the template when its pod is removed. */
  one_time_template?: boolean;
  is_temporary?: boolean;
  [field: string]: unknown;
}
