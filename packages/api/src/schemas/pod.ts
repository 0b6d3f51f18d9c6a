import * as v from 'valibot';
import { opt, optBoolean, optNumber, optString, PortsMapping } from './common.ts';
import { executorEntries } from './executor.ts';
import { PodTemplateSchema } from './template.ts';

/**
 * The host executor as embedded in a pod row: an executor's fields, of which only `id` is sure,
 * plus `active`; `price_per_gpu` is null there (lium-api.md §2.3.1).
 */
export const PodExecutorSchema = v.looseObject({
  ...executorEntries,
  machine_name: optString(),
  active: optBoolean(),
});
/**
 * What {@link PodExecutorSchema} validates: the host executor as embedded in a pod row;
 * `price_per_gpu` is null there (lium-api.md §2.3.1).
 */
export type PodExecutor = v.InferOutput<typeof PodExecutorSchema>;

/** A row of `GET /pods`, or `GET /pods/{id}` (lium-api.md §2.3.1–2). */
export const PodSchema = v.looseObject({
  id: v.string(),
  pod_name: v.string(),
  /** `PENDING`, `RUNNING`, `STOPPED`, `FAILED`, `CREATION_FAILED`, … (lium-api.md §3.1). */
  status: v.string(),
  /** Exactly `ssh <user>@<host> -p <port>` once ready; undefined or '' before. */
  ssh_connect_cmd: optString(),
  /** Internal port (as a string) → external port; `{}` until ready. */
  ports_mapping: v.optional(PortsMapping, () => ({})),
  created_at: optString(),
  updated_at: optString(),
  /** Total $/h billed for the pod. */
  price: optNumber(),
  gpu_name: optString(),
  /** GPUs billed for the pod (the server sends a numeric string). */
  gpu_count: optNumber(),
  cpu_name: optString(),
  /** KiB. */
  ram_total: optNumber(),
  is_favorite: optBoolean(),
  template: opt(PodTemplateSchema),
  executor: opt(PodExecutorSchema),
  removal_scheduled_at: optString(),
  jupyter_installation_status: optString(),
  jupyter_url: optString(),
  enable_volume_encryption: optBoolean(),
  volume_encryption_status: optString(),
  estimated_ready_seconds: optNumber(),
  eta_basis: optString(),
  phase: optString(),
  workspace_id: optString(),
  /** The persistent volume attached at rent or reboot (`volume_id` of the rent body). */
  volume_id: optString(),
});
/**
 * What {@link PodSchema} validates: a row of `GET /pods`, or `GET /pods/{id}` (lium-api.md
 * §2.3.1–2).
 */
export type Pod = v.InferOutput<typeof PodSchema>;

/**
 * What reboot and switch-template answer: a pod-like object whose fields are all optional
 * (switch-template sends `executor_id`/`template_id` instead of nested objects; §2.3.4, §2.3.6).
 */
export const PodUpdateSchema = v.looseObject({
  id: optString(),
  pod_name: optString(),
  status: optString(),
  ssh_connect_cmd: optString(),
  ports_mapping: v.optional(PortsMapping, () => ({})),
  created_at: optString(),
  updated_at: optString(),
  executor_id: optString(),
  template_id: optString(),
  gpu_name: optString(),
  gpu_count: optNumber(),
  enable_volume_encryption: optBoolean(),
  volume_encryption_status: optString(),
});
/** What {@link PodUpdateSchema} validates: what reboot and switch-template answer. */
export type PodUpdate = v.InferOutput<typeof PodUpdateSchema>;
