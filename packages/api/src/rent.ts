/**
 * The idempotent rent (`POST /executors/{id}/rent`, lium-api.md §2.2.5, §1.5, §6.5):
 *   1. POST once with an `Idempotency-Key` (never retried blindly; only a 429 is retried, which the
 *      server refused unprocessed);
 *   2. if the answer is lost (connection error, timeout, 5xx), look for the pod in `GET /pods`:
 *      our pod with that name ON THAT EXECUTOR (a rented executor hosts only one pod of ours);
 *   3. only if it is not there, POST once more with the same key, and look again if that answer
 *      is lost too. At most two POSTs, both with one key, so a flaky network never rents twice.
 */
import * as v from 'valibot';
import {
  LiumAbortError,
  LiumApiError,
  LiumConflictError,
  LiumConnectionError,
  LiumInvalidArgumentError,
  LiumResponseShapeError,
  LiumServerError,
} from './errors.ts';
import { path } from './path.ts';
import { type Pod, PodSchema } from './schemas/pod.ts';
import type { ApiRequest, ApiResponse } from './transport.ts';

/** What to rent on a machine: the pod's name, its image and keys (`POST /executors/{id}/rent`). */
export interface RentPodInput {
  /** The new pod's name. */
  podName: string;
  /** The template (image) to start, by id (XOR with `dockerfileContent`). */
  templateId?: string | undefined;
  /** A Dockerfile built on the node instead of a template (XOR with `templateId`). */
  dockerfileContent?: string | undefined;
  /** A volume to attach, by id. */
  volumeId?: string | undefined;
  /** OpenSSH public-key lines to authorise on the pod. */
  userPublicKeys: string[];
  /** How many ports to map from the start. */
  initialPortCount?: number | undefined;
  /** Encrypt the attached volume. */
  enableVolumeEncryption?: boolean | undefined;
  /** Restore this backup log into `restorePath` after start. */
  backupLogId?: string | undefined;
  /** Where on the pod to restore `backupLogId`. */
  restorePath?: string | undefined;
  /** Reuse a key to make a repeated call idempotent too; a fresh UUID by default. */
  idempotencyKey?: string | undefined;
}

/** A rent of one executor, as this module passes it around. */
interface RentTarget extends RentPodInput {
  /** The executor (machine) to rent, by id: the path of the POST. */
  executorId: string;
}

/** A rent the server accepted. */
export interface RentResult {
  /** The new pod's id. */
  podId: string;
  /** The pod, when the server answered with one (or it was found after a lost answer). */
  pod: Pod | undefined;
}

/**
 * The body the current official client sends: every key it knows, `null` when unset ([L] `up`).
 * The newest keys ([N]) are sent only when set, so older servers never see them as `null`.
 */
export function rentBody(input: RentPodInput): Record<string, unknown> {
  if (input.templateId !== undefined && input.dockerfileContent !== undefined) {
    throw new LiumInvalidArgumentError(
      'rentPod takes either templateId or dockerfileContent, not both',
      'Drop one of them.',
    );
  }
  if (input.userPublicKeys.length === 0) {
    throw new LiumInvalidArgumentError(
      'rentPod needs at least one public key in userPublicKeys',
      'Pass the OpenSSH public key line(s) that may log in to the pod.',
    );
  }
  return {
    pod_name: input.podName,
    template_id: input.templateId ?? null,
    dockerfile_content: input.dockerfileContent ?? null,
    volume_id: input.volumeId ?? null,
    user_public_key: input.userPublicKeys,
    initial_port_count: input.initialPortCount ?? null,
    ...(input.enableVolumeEncryption === undefined
      ? {}
      : { enable_volume_encryption: input.enableVolumeEncryption }),
    ...(input.backupLogId === undefined ? {} : { backup_log_id: input.backupLogId }),
    ...(input.restorePath === undefined ? {} : { restore_path: input.restorePath }),
  };
}

/**
 * Reads the rent answer: a pod object with `id` ([L]) or `{"success": true, "pod_id": ...}` ([N]).
 * Undefined when it carries neither (the caller then looks the pod up by name).
 */
export function readRentAnswer(body: unknown): RentResult | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  const nested = typeof record.pod === 'object' && record.pod !== null ? record.pod : undefined;
  for (const candidate of [record, nested]) {
    if (candidate && typeof (candidate as { id?: unknown }).id === 'string') {
      const parsed = v.safeParse(PodSchema, candidate);
      return {
        podId: (candidate as { id: string }).id,
        pod: parsed.success ? parsed.output : undefined,
      };
    }
  }
  if (typeof record.pod_id === 'string' && record.pod_id !== '') {
    return { podId: record.pod_id, pod: undefined };
  }
  return undefined;
}

/** Our pod named `podName` on `executorId`, if listed. */
export function findRentedPod(pods: Pod[], input: RentTarget): Pod | undefined {
  return pods.find(
    (pod) => pod.pod_name === input.podName && pod.executor?.id === input.executorId,
  );
}

/** True when the server may have rented although we did not get its answer. */
export function isLostAnswer(error: unknown): boolean {
  return error instanceof LiumConnectionError || error instanceof LiumServerError;
}

/** After the second POST, a conflict may mean "this key is being/was processed": look again. */
export function mayHaveRented(error: unknown): boolean {
  return isLostAnswer(error) || error instanceof LiumConflictError;
}

export interface RentTransport {
  /** Sends one rent POST (the transport retries it only after a 429). */
  post(request: ApiRequest): Promise<ApiResponse>;
  /** `GET /pods`, retried like any read. */
  listPods(): Promise<Pod[]>;
}

export async function rentIdempotently(
  transport: RentTransport,
  executorId: string,
  rent: RentPodInput,
): Promise<RentResult> {
  const input: RentTarget = { ...rent, executorId };
  const request: ApiRequest = {
    method: 'POST',
    path: path`/executors/${input.executorId}/rent`,
    body: rentBody(input),
    headers: { 'Idempotency-Key': input.idempotencyKey ?? crypto.randomUUID() },
  };
  let lost: unknown;
  try {
    return await postRent(transport, request, input);
  } catch (error) {
    if (!isLostAnswer(error)) throw error;
    lost = error;
  }
  const created = await lookUpRentedPod(transport, request, input, lost);
  if (created) return created;
  try {
    return await postRent(transport, request, input);
  } catch (error) {
    if (!mayHaveRented(error)) throw error;
    const found = await lookUpRentedPod(transport, request, input, error);
    if (found) return found;
    throw error;
  }
}

async function postRent(
  transport: RentTransport,
  request: ApiRequest,
  input: RentTarget,
): Promise<RentResult> {
  const response = await transport.post(request);
  const answer = response.isJson ? readRentAnswer(response.body) : undefined;
  if (answer) return answer;
  // Neither a pod nor a pod_id ([L] then polls by name): look, but never POST again for it.
  const found = findRentedPod(await transport.listPods(), input);
  if (found) return { podId: found.id, pod: found };
  throw new LiumResponseShapeError(
    `${request.method} ${request.path} returned ${response.status} without a pod id, and no pod named ${JSON.stringify(input.podName)} is listed on that executor`,
    {
      method: request.method,
      path: request.path,
      status: response.status,
      requestId: response.requestId,
      body: response.body,
      issues: [{ path: 'rent.pod_id', message: 'missing (and no `id` either)' }],
    },
  );
}

/** After a lost answer: our pod with that name on that executor, if the server made it. */
async function lookUpRentedPod(
  transport: RentTransport,
  request: ApiRequest,
  input: RentTarget,
  lost: unknown,
): Promise<RentResult | undefined> {
  let pods: Pod[];
  try {
    pods = await transport.listPods();
  } catch (error) {
    if (error instanceof LiumAbortError) throw error;
    // Without the list we cannot tell, and a blind re-POST is what this module exists to avoid.
    const original = lost instanceof LiumApiError ? lost : undefined;
    throw new LiumConnectionError(
      `Renting ${input.executorId} may have succeeded: its answer was lost and the pod list could not be read either`,
      {
        method: request.method,
        path: request.path,
        status: original?.status,
        requestId: original?.requestId,
        hint: `List your pods (GET /pods) and look for "${input.podName}" before renting again.`,
        cause: error,
      },
    );
  }
  const pod = findRentedPod(pods, input);
  return pod ? { podId: pod.id, pod } : undefined;
}
