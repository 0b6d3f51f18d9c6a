/**
 * The Lium REST client (docs/lium-api.md §2): one method per endpoint.
 *
 * Input convention of every endpoint method, here and in `LiumPayClient` (pay-client.ts):
 *
 *     method(...pathIds, input?, options?)
 *
 * 1. The ids in the endpoint's path, as positional strings in path order
 *    (`getPod(podId)`, `updateSshKey(sshKeyId, …)`); nothing else is positional.
 * 2. Then everything else the request carries, query parameters and body fields alike, as ONE
 *    object with camelCase keys named after the wire fields (`backup_path` → `backupPath`),
 *    converted to snake_case here; left out when the request carries nothing, optional when
 *    every field is.
 * 3. Then `options?: RequestOptions` (`signal`, `timeoutMs`, `maxRetries`), always last and
 *    never mixed into the input object.
 *
 * `test/convention.test.ts` fails when a method drifts from it.
 */
import { DEFAULT_BASE_URL } from '@lium/errors';
import type * as v from 'valibot';
import { checkKey, requestOptions } from './client-common.ts';
import {
  LiumAbortError,
  LiumConnectionError,
  LiumInvalidArgumentError,
  LiumNotFoundError,
} from './errors.ts';
import { type FetchLike, globalFetch } from './fetch-like.ts';
import { parseLogLine, readLines } from './log-stream.ts';
import { path } from './path.ts';
import { LiumPayClient, type WalletVerificationInput } from './pay-client.ts';
import type { QueryValue } from './query.ts';
import { type RentPodInput, type RentResult, rentIdempotently } from './rent.ts';
import {
  type CliAuthPoll,
  type CliAuthSession,
  CliAuthSessionSchema,
  type PodEvent,
  PodEventSchema,
  ServerVersionSchema,
} from './schemas/account.ts';
import {
  type BackupConfig,
  BackupConfigSchema,
  type BackupLog,
  type BackupLogPage,
  BackupLogPageSchema,
  BackupLogSchema,
  type BackupStarted,
  BackupStartedSchema,
  type RestoreLog,
  RestoreLogSchema,
  type RestoreStarted,
  RestoreStartedSchema,
} from './schemas/backup.ts';
import { listOf } from './schemas/common.ts';
import { type DockerCredential, DockerCredentialSchema } from './schemas/docker-credential.ts';
import {
  type DeploymentEstimate,
  DeploymentEstimateSchema,
  type DockerImage,
  DockerImageSchema,
  type Executor,
  ExecutorSchema,
  type Machine,
  MachineSchema,
} from './schemas/executor.ts';
import {
  type AlphaConversion,
  type CompanyWallet,
  type TaoTransfer,
  TaoTransferSchema,
  type TopupCurrencies,
  TopupCurrenciesSchema,
  type TopupInvoice,
  TopupInvoiceSchema,
  type Wallet,
  type WalletToken,
  type WalletVerification,
} from './schemas/funding.ts';
import { type Pod, PodSchema, type PodUpdate, PodUpdateSchema } from './schemas/pod.ts';
import { type SshKey, SshKeySchema } from './schemas/ssh-key.ts';
import { type Template, TemplateSchema } from './schemas/template.ts';
import { type User, UserSchema } from './schemas/user.ts';
import { type Volume, VolumeSchema } from './schemas/volume.ts';
import { type TemplateInput, templateBody } from './template-input.ts';
import {
  type ApiRequest,
  type RequestEvent,
  type RequestOptions,
  type ResponseEvent,
  Transport,
} from './transport.ts';
import { validate } from './validate.ts';

export type { WalletVerificationInput } from './pay-client.ts';

import { CLIENT_VERSION } from './version.ts';

export { DEFAULT_BASE_URL } from '@lium/errors';
export { DEFAULT_PAY_BASE_URL } from './pay-client.ts';

/** How a {@link LiumAPIClient} connects: key, address, timeouts, retries, hooks. */
export interface LiumAPIClientOptions {
  /** The user's API key, sent as `X-API-KEY`. Never logged, never in error messages. */
  apiKey: string;
  /** Default `https://lium.io/api`. Endpoint paths are appended as written. */
  baseUrl?: string | undefined;
  /** Per-attempt timeout; default 30 000 ms. */
  timeoutMs?: number | undefined;
  /** Retries of idempotent requests (and of any request after a 429); default 2. */
  maxRetries?: number | undefined;
  /** First backoff delay, doubled per retry (capped at 8 s); default 500 ms. */
  retryBaseDelayMs?: number | undefined;
  /** Default: the global `fetch`. Any {@link FetchLike} will do (the SDK passes one over `node:http`). */
  fetch?: FetchLike | undefined;
  /** Aborts every call of this client. */
  signal?: AbortSignal | undefined;
  /** `X-Source`; default `sdk`. */
  source?: 'sdk' | 'cli' | undefined;
  /** `X-Lium-Client-Version`; default this package's version. */
  clientVersion?: string | undefined;
  /** Called before every attempt, with the API key redacted. */
  onRequest?: ((event: RequestEvent) => void) | undefined;
  /** Called after every attempt, with the API key redacted. */
  onResponse?: ((event: ResponseEvent) => void) | undefined;
  /** Key of the pay API (wallet calls); there is no default on purpose (lium-api.md §6.1). */
  payApiKey?: string | undefined;
  /** Default `https://pay-api.lium.io`. */
  payBaseUrl?: string | undefined;
}

/** Filters of `GET /executors` (lium-api.md §2.2.1). */
export interface ExecutorQuery {
  /** Page size; the official client always asks for 1000. */
  size?: number | undefined;
  /** Full machine names, e.g. `['NVIDIA H100 80GB HBM3']` (see `getMachines`). */
  machineNames?: string[] | undefined;
  /** At least this many GPUs (`gpu_count_gte`). */
  gpuCountGte?: number | undefined;
  /** At most this many GPUs (`gpu_count_lte`). */
  gpuCountLte?: number | undefined;
  /** Latitude of the point `maxDistanceMile` is measured from. */
  lat?: number | undefined;
  /** Longitude of the point `maxDistanceMile` is measured from. */
  lon?: number | undefined;
  /** Only machines within this many miles of `lat`/`lon` (`max_distance_mile`). */
  maxDistanceMile?: number | undefined;
  /** At least this price in USD per hour (`price_per_hour_gte`). */
  pricePerHourGte?: number | undefined;
  /** At most this price in USD per hour (`price_per_hour_lte`). */
  pricePerHourLte?: number | undefined;
  /** Only machines with (true) or without (false) NVLink. */
  nvlink?: boolean | undefined;
  /** At least this download speed, in Mbit/s. */
  minDownloadMbps?: number | undefined;
}

/** Query of `GET /pods/{id}/logs`. */
export interface PodLogQuery {
  /** Lines of history to start with (server default 100). */
  tail?: number | undefined;
  /** Keep the stream open for new lines until aborted. */
  follow?: boolean | undefined;
}

/**
 * The raw Lium REST client: one method per endpoint, results validated and normalised, wire
 * types in the server's snake_case. Runs wherever `fetch` runs.
 */
export class LiumAPIClient {
  /** The API's base URL, without a trailing slash. */
  readonly baseUrl: string;
  private readonly main: Transport;
  private readonly pay: LiumPayClient | undefined;

  constructor(options: LiumAPIClientOptions) {
    checkKey('API key', options.apiKey);
    if (options.payApiKey !== undefined) checkKey('pay API key', options.payApiKey);
    this.baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
    const fetchImpl = options.fetch ?? globalFetch;
    const secrets = [options.apiKey, options.payApiKey].filter(
      (secret): secret is string => secret !== undefined && secret.length >= 4,
    );
    const shared = {
      timeoutMs: options.timeoutMs ?? 30_000,
      maxRetries: options.maxRetries ?? 2,
      retryBaseDelayMs: options.retryBaseDelayMs ?? 500,
      fetch: fetchImpl,
      signal: options.signal,
      secrets,
      onRequest: options.onRequest,
      onResponse: options.onResponse,
    };
    this.main = new Transport({
      ...shared,
      baseUrl: this.baseUrl,
      headers: {
        ...(options.apiKey === '' ? {} : { 'X-API-KEY': options.apiKey }),
        'X-Source': options.source ?? 'sdk',
        'X-Lium-Client-Version': options.clientVersion ?? CLIENT_VERSION,
      },
    });
    this.pay =
      options.payApiKey === undefined
        ? undefined
        : new LiumPayClient({
            ...shared,
            payApiKey: options.payApiKey,
            payBaseUrl: options.payBaseUrl,
          });
  }

  // -------------------------------------------------------------------------------------------
  // Plumbing

  private async call<TSchema extends v.GenericSchema>(
    schema: TSchema,
    root: string,
    request: ApiRequest,
    options: RequestOptions,
  ): Promise<v.InferOutput<TSchema>> {
    const response = await this.main.request(request, requestOptions(options));
    return validate(schema, response, root);
  }

  /** For endpoints whose answer no client reads (deletes, acks): only the status matters. */
  private async send(request: ApiRequest, options: RequestOptions): Promise<void> {
    await this.main.request(request, requestOptions(options));
  }

  private payClient(): LiumPayClient {
    if (!this.pay) {
      throw new LiumInvalidArgumentError(
        'This call goes to the Lium pay API, which needs its own key',
        'Pass `payApiKey` (and `payBaseUrl` if needed) to new LiumAPIClient(...).',
      );
    }
    return this.pay;
  }

  // -------------------------------------------------------------------------------------------
  // Users (§2.1)

  /** `GET /users/me`: id, balance (USD), Stripe customer id, … */
  async getMe(options: RequestOptions = {}): Promise<User> {
    return this.call(UserSchema, 'user', { method: 'GET', path: '/users/me' }, options);
  }

  /**
   * `GET /version` ([N] only): the server's optional features, e.g. `rent_by_spec`. As in the
   * newest official client, any failure (old server, network) means "no features"; only an
   * abort is thrown.
   */
  async getFeatures(options: RequestOptions = {}): Promise<string[]> {
    try {
      const version = await this.call(
        ServerVersionSchema,
        'version',
        { method: 'GET', path: '/version' },
        options,
      );
      return version.features;
    } catch (error) {
      if (error instanceof LiumAbortError) throw error;
      return [];
    }
  }

  /**
   * `POST /cli-auth/init`, without an API key: starts a browser login. Open `browser_url`, then
   * poll `pollCliAuth(session_id)`. (The official CLI always calls https://lium.io/api here;
   * this client uses `baseUrl`, so an emulator can serve it too.)
   */
  async initCliAuth(options: RequestOptions = {}): Promise<CliAuthSession> {
    return this.call(
      CliAuthSessionSchema,
      'session',
      { method: 'POST', path: '/cli-auth/init', anonymous: true },
      options,
    );
  }

  /**
   * `GET /cli-auth/poll/{session}`, without an API key: `{ status: 'approved', apiKey }` once the
   * user approved, else `{ status: 'pending' }` (the official CLI polls every 5 s). Error statuses
   * are thrown as usual.
   */
  async pollCliAuth(sessionId: string, options: RequestOptions = {}): Promise<CliAuthPoll> {
    const response = await this.main.request(
      { method: 'GET', path: path`/cli-auth/poll/${sessionId}`, anonymous: true },
      requestOptions(options),
    );
    const body = response.body as { status?: unknown; api_key?: unknown } | undefined;
    if (
      typeof body === 'object' &&
      body !== null &&
      body.status === 'approved' &&
      typeof body.api_key === 'string' &&
      body.api_key !== ''
    ) {
      return { status: 'approved', apiKey: body.api_key };
    }
    return { status: 'pending' };
  }

  // -------------------------------------------------------------------------------------------
  // Executors (§2.2)

  /** `GET /executors`: rentable nodes, filtered by the server. */
  async getExecutors(query: ExecutorQuery = {}, options: RequestOptions = {}): Promise<Executor[]> {
    const params: Record<string, QueryValue> = {
      size: query.size,
      machine_names: query.machineNames,
      gpu_count_gte: query.gpuCountGte,
      gpu_count_lte: query.gpuCountLte,
      lat: query.lat,
      lon: query.lon,
      max_distance_mile: query.maxDistanceMile,
      price_per_hour_gte: query.pricePerHourGte,
      price_per_hour_lte: query.pricePerHourLte,
      nvlink: query.nvlink,
      min_download_mbps: query.minDownloadMbps,
    };
    return this.call(
      listOf(ExecutorSchema),
      'executors',
      { method: 'GET', path: '/executors', query: params },
      options,
    );
  }

  /** `GET /machines`: full machine names, to expand `H100` into `machineNames`. */
  async getMachines(options: RequestOptions = {}): Promise<Machine[]> {
    return this.call(
      listOf(MachineSchema),
      'machines',
      { method: 'GET', path: '/machines' },
      options,
    );
  }

  /** `GET /executors/default-docker-image`: recommended images for a GPU model and driver. */
  async getDefaultDockerImages(
    query: { gpuModel?: string | undefined; driverVersion?: string | undefined } = {},
    options: RequestOptions = {},
  ): Promise<DockerImage[]> {
    return this.call(
      listOf(DockerImageSchema),
      'images',
      {
        method: 'GET',
        path: '/executors/default-docker-image',
        query: { gpu_model: query.gpuModel ?? '', driver_version: query.driverVersion ?? '' },
      },
      options,
    );
  }

  /** `GET /executors/deployment-estimate`: how long a template takes to start on a node. */
  async getDeploymentEstimate(
    params: { executorId: string; templateId: string },
    options: RequestOptions = {},
  ): Promise<DeploymentEstimate> {
    return this.call(
      DeploymentEstimateSchema,
      'estimate',
      {
        method: 'GET',
        path: '/executors/deployment-estimate',
        query: { executor_id: params.executorId, template_id: params.templateId },
      },
      options,
    );
  }

  /**
   * `POST /executors/{id}/rent`: creates a pod. Resolves `{ podId, pod }` whichever of its two
   * shapes the server answers with. Safe against lost answers, so a flaky network can never
   * rent twice: see rent.ts.
   */
  async rentPod(
    executorId: string,
    input: RentPodInput,
    options: RequestOptions = {},
  ): Promise<RentResult> {
    return rentIdempotently(
      {
        post: (request) => this.main.request(request, requestOptions(options)),
        listPods: () => this.getPods(options),
      },
      executorId,
      input,
    );
  }

  /** Legacy `DELETE /executors/{id}/rent` (replaced by `deletePod` in Nov 2025). */
  async unrentPod(executorId: string, options: RequestOptions = {}): Promise<void> {
    return this.send({ method: 'DELETE', path: path`/executors/${executorId}/rent` }, options);
  }

  // -------------------------------------------------------------------------------------------
  // Pods (§2.3)

  /** `GET /pods`: the caller's pods, in no fixed order. */
  async getPods(options: RequestOptions = {}): Promise<Pod[]> {
    return this.call(listOf(PodSchema), 'pods', { method: 'GET', path: '/pods' }, options);
  }

  /** `GET /pods/{id}`. */
  async getPod(podId: string, options: RequestOptions = {}): Promise<Pod> {
    return this.call(PodSchema, 'pod', { method: 'GET', path: path`/pods/${podId}` }, options);
  }

  /** `DELETE /pods/{id}`: terminates the pod. Not retried (a repeat would 404). */
  async deletePod(podId: string, options: RequestOptions = {}): Promise<void> {
    return this.send({ method: 'DELETE', path: path`/pods/${podId}` }, options);
  }

  /** `POST /pods/{id}/reboot`, optionally attaching a volume. The container and host key change. */
  async rebootPod(
    podId: string,
    input: { volumeId?: string | undefined } = {},
    options: RequestOptions = {},
  ): Promise<PodUpdate> {
    return this.call(
      PodUpdateSchema,
      'pod',
      {
        method: 'POST',
        path: path`/pods/${podId}/reboot`,
        body: input.volumeId === undefined ? {} : { volume_id: input.volumeId },
      },
      options,
    );
  }

  /**
   * `GET /pods/{id}/logs`: yields the text of each log line. With `follow` the stream stays open
   * until `signal` aborts or the loop is left. `timeoutMs` bounds only the wait for the answer.
   */
  async *streamPodLogs(
    podId: string,
    query: PodLogQuery = {},
    options: RequestOptions = {},
  ): AsyncGenerator<string> {
    const request: ApiRequest = {
      method: 'GET',
      path: path`/pods/${podId}/logs`,
      query: { tail: query.tail, follow: query.follow },
    };
    const { response, signal, requestId } = await this.main.stream(
      request,
      requestOptions(options),
    );
    if (!response.body) return;
    try {
      for await (const line of readLines(response.body)) {
        const text = parseLogLine(line);
        if (text !== undefined) yield text;
      }
    } catch (error) {
      if (signal.aborted) throw this.main.abortError(request, signal.reason);
      throw new LiumConnectionError(`The log stream of pod ${podId} broke off`, {
        method: 'GET',
        path: request.path,
        status: response.status,
        requestId,
        cause: error,
      });
    }
  }

  /** `PUT /pods/{id}/switch-template`: restarts the pod on another template (data is lost). */
  async switchTemplate(
    podId: string,
    input: { templateId: string },
    options: RequestOptions = {},
  ): Promise<PodUpdate> {
    return this.call(
      PodUpdateSchema,
      'pod',
      {
        method: 'PUT',
        path: path`/pods/${podId}/switch-template`,
        body: { template_id: input.templateId },
      },
      options,
    );
  }

  /**
   * `POST /pods/{id}/schedule-removal`. Setting an absolute time is idempotent, so it is retried
   * like a read (as the newest official client does).
   */
  async scheduleRemoval(
    podId: string,
    input: { removalScheduledAt: Date | string },
    options: RequestOptions = {},
  ): Promise<void> {
    const at = input.removalScheduledAt;
    const removalScheduledAt = at instanceof Date ? at.toISOString() : at;
    return this.send(
      {
        method: 'POST',
        path: path`/pods/${podId}/schedule-removal`,
        body: { removal_scheduled_at: removalScheduledAt },
        idempotent: true,
      },
      options,
    );
  }

  /** `DELETE /pods/{id}/schedule-removal`. */
  async cancelScheduledRemoval(podId: string, options: RequestOptions = {}): Promise<void> {
    return this.send(
      { method: 'DELETE', path: path`/pods/${podId}/schedule-removal`, idempotent: true },
      options,
    );
  }

  /** `POST /pods/{id}/install-jupyter`; progress shows in the pod's `jupyter_installation_status`. */
  async installJupyter(
    podId: string,
    input: { jupyterInternalPort: number },
    options: RequestOptions = {},
  ): Promise<void> {
    return this.send(
      {
        method: 'POST',
        path: path`/pods/${podId}/install-jupyter`,
        body: { jupyter_internal_port: input.jupyterInternalPort },
      },
      options,
    );
  }

  /** `GET /pods/{id}/events` ([N] only; 404 on older servers): lifecycle events, oldest first. */
  async getPodEvents(podId: string, options: RequestOptions = {}): Promise<PodEvent[]> {
    return this.call(
      listOf(PodEventSchema),
      'events',
      { method: 'GET', path: path`/pods/${podId}/events` },
      options,
    );
  }

  /** `POST /pods/{id}/backup`: starts a backup now. */
  async backupPod(
    podId: string,
    params: { name: string; description: string },
    options: RequestOptions = {},
  ): Promise<BackupStarted> {
    return this.call(
      BackupStartedSchema,
      'backup',
      {
        method: 'POST',
        path: path`/pods/${podId}/backup`,
        body: { name: params.name, description: params.description },
      },
      options,
    );
  }

  /** `POST /pods/{id}/restore`: restores a backup (by its backup log id) into `restorePath`. */
  async restorePod(
    podId: string,
    params: { backupId: string; restorePath: string },
    options: RequestOptions = {},
  ): Promise<RestoreStarted> {
    return this.call(
      RestoreStartedSchema,
      'restore',
      {
        method: 'POST',
        path: path`/pods/${podId}/restore`,
        body: { backup_id: params.backupId, restore_path: params.restorePath },
      },
      options,
    );
  }

  /** `GET /pods/{id}/restore-logs`; a 404 means none. */
  async getRestoreLogs(podId: string, options: RequestOptions = {}): Promise<RestoreLog[]> {
    return this.orEmpty(
      this.call(
        listOf(RestoreLogSchema),
        'restoreLogs',
        { method: 'GET', path: path`/pods/${podId}/restore-logs` },
        options,
      ),
    );
  }

  /** `POST /restore-logs/{id}/cancel`; retried like a read, as the newest official client does. */
  async cancelRestore(restoreLogId: string, options: RequestOptions = {}): Promise<void> {
    return this.send(
      { method: 'POST', path: path`/restore-logs/${restoreLogId}/cancel`, idempotent: true },
      options,
    );
  }

  // -------------------------------------------------------------------------------------------
  // Templates (§2.4)

  /** `GET /templates`: official, public and own templates. */
  async getTemplates(options: RequestOptions = {}): Promise<Template[]> {
    return this.call(
      listOf(TemplateSchema),
      'templates',
      { method: 'GET', path: '/templates' },
      options,
    );
  }

  /** `GET /templates/{id}`. */
  async getTemplate(templateId: string, options: RequestOptions = {}): Promise<Template> {
    return this.call(
      TemplateSchema,
      'template',
      { method: 'GET', path: path`/templates/${templateId}` },
      options,
    );
  }

  /** `POST /templates`; the server verifies it asynchronously (poll `status`). */
  async createTemplate(input: TemplateInput, options: RequestOptions = {}): Promise<Template> {
    return this.call(
      TemplateSchema,
      'template',
      { method: 'POST', path: '/templates', body: templateBody(input) },
      options,
    );
  }

  /** `PUT /templates/{id}`; the server expects the whole template, not a patch. */
  async updateTemplate(
    templateId: string,
    input: TemplateInput,
    options: RequestOptions = {},
  ): Promise<Template> {
    return this.call(
      TemplateSchema,
      'template',
      { method: 'PUT', path: path`/templates/${templateId}`, body: templateBody(input) },
      options,
    );
  }

  /** `DELETE /templates/{id}`. */
  async deleteTemplate(templateId: string, options: RequestOptions = {}): Promise<void> {
    return this.send({ method: 'DELETE', path: path`/templates/${templateId}` }, options);
  }

  // -------------------------------------------------------------------------------------------
  // SSH keys (§2.5)

  /** `GET /ssh-keys`. */
  async getSshKeys(options: RequestOptions = {}): Promise<SshKey[]> {
    return this.call(
      listOf(SshKeySchema),
      'sshKeys',
      { method: 'GET', path: '/ssh-keys' },
      options,
    );
  }

  /** `POST /ssh-keys`. */
  async createSshKey(
    params: { name: string; publicKey: string },
    options: RequestOptions = {},
  ): Promise<SshKey> {
    return this.call(
      SshKeySchema,
      'sshKey',
      {
        method: 'POST',
        path: '/ssh-keys',
        body: { name: params.name, public_key: params.publicKey },
      },
      options,
    );
  }

  /** `PUT /ssh-keys/{id}`. */
  async updateSshKey(
    sshKeyId: string,
    params: { name?: string | undefined; publicKey?: string | undefined },
    options: RequestOptions = {},
  ): Promise<SshKey> {
    return this.call(
      SshKeySchema,
      'sshKey',
      {
        method: 'PUT',
        path: path`/ssh-keys/${sshKeyId}`,
        body: {
          ...(params.name === undefined ? {} : { name: params.name }),
          ...(params.publicKey === undefined ? {} : { public_key: params.publicKey }),
        },
      },
      options,
    );
  }

  /** `DELETE /ssh-keys/{id}`. */
  async deleteSshKey(sshKeyId: string, options: RequestOptions = {}): Promise<void> {
    return this.send({ method: 'DELETE', path: path`/ssh-keys/${sshKeyId}` }, options);
  }

  // -------------------------------------------------------------------------------------------
  // Volumes (§2.7)

  /** `GET /docker-credentials` (§2.6): the account's registry logins. Passwords are secrets. */
  async getDockerCredentials(options: RequestOptions = {}): Promise<DockerCredential[]> {
    return this.call(
      listOf(DockerCredentialSchema),
      'docker_credentials',
      { method: 'GET', path: '/docker-credentials' },
      options,
    );
  }

  /** `GET /volumes`: the account's persistent volumes (lium-api.md §2.7). */
  async getVolumes(options: RequestOptions = {}): Promise<Volume[]> {
    return this.call(listOf(VolumeSchema), 'volumes', { method: 'GET', path: '/volumes' }, options);
  }

  /** `GET /volumes/{id}`. */
  async getVolume(volumeId: string, options: RequestOptions = {}): Promise<Volume> {
    return this.call(
      VolumeSchema,
      'volume',
      { method: 'GET', path: path`/volumes/${volumeId}` },
      options,
    );
  }

  /** `POST /volumes`. */
  async createVolume(
    params: { name: string; description: string },
    options: RequestOptions = {},
  ): Promise<Volume> {
    return this.call(
      VolumeSchema,
      'volume',
      {
        method: 'POST',
        path: '/volumes',
        body: { name: params.name, description: params.description },
      },
      options,
    );
  }

  /** `PUT /volumes/{id}` with `name` and/or `description`. */
  async updateVolume(
    volumeId: string,
    params: { name?: string | undefined; description?: string | undefined },
    options: RequestOptions = {},
  ): Promise<Volume> {
    if (params.name === undefined && params.description === undefined) {
      throw new LiumInvalidArgumentError(
        'updateVolume needs a name or a description',
        'Pass at least one of them.',
      );
    }
    return this.call(
      VolumeSchema,
      'volume',
      {
        method: 'PUT',
        path: path`/volumes/${volumeId}`,
        body: {
          ...(params.name === undefined ? {} : { name: params.name }),
          ...(params.description === undefined ? {} : { description: params.description }),
        },
      },
      options,
    );
  }

  /** `DELETE /volumes/{id}`. */
  async deleteVolume(volumeId: string, options: RequestOptions = {}): Promise<void> {
    return this.send({ method: 'DELETE', path: path`/volumes/${volumeId}` }, options);
  }

  // -------------------------------------------------------------------------------------------
  // Backup configurations and logs (§2.8)

  /** `POST /backup-configs`; 400 "Backup configuration already exists" when the pod has one. */
  async createBackupConfig(
    params: {
      podId: string;
      backupFrequencyHours: number;
      retentionDays: number;
      backupPath: string;
    },
    options: RequestOptions = {},
  ): Promise<BackupConfig> {
    return this.call(
      BackupConfigSchema,
      'backupConfig',
      {
        method: 'POST',
        path: '/backup-configs',
        body: {
          pod_id: params.podId,
          backup_frequency_hours: params.backupFrequencyHours,
          retention_days: params.retentionDays,
          backup_path: params.backupPath,
        },
      },
      options,
    );
  }

  /** `GET /backup-configs`. */
  async getBackupConfigs(options: RequestOptions = {}): Promise<BackupConfig[]> {
    return this.call(
      listOf(BackupConfigSchema),
      'backupConfigs',
      { method: 'GET', path: '/backup-configs' },
      options,
    );
  }

  /** `GET /backup-configs/pod/{podId}`; null when the pod has none (404). */
  async getBackupConfigForPod(
    podId: string,
    options: RequestOptions = {},
  ): Promise<BackupConfig | null> {
    try {
      return await this.call(
        BackupConfigSchema,
        'backupConfig',
        { method: 'GET', path: path`/backup-configs/pod/${podId}` },
        options,
      );
    } catch (error) {
      if (error instanceof LiumNotFoundError) return null;
      throw error;
    }
  }

  /** `DELETE /backup-configs/{id}`. */
  async deleteBackupConfig(configId: string, options: RequestOptions = {}): Promise<void> {
    return this.send({ method: 'DELETE', path: path`/backup-configs/${configId}` }, options);
  }

  /** `GET /backup-logs/pod/{podId}`, newest first; a 404 means none. */
  async getBackupLogsForPod(podId: string, options: RequestOptions = {}): Promise<BackupLog[]> {
    return this.orEmpty(
      this.call(
        listOf(BackupLogSchema),
        'backupLogs',
        { method: 'GET', path: path`/backup-logs/pod/${podId}` },
        options,
      ),
    );
  }

  /** `GET /backup-logs/?page=&limit=`: every backup of the account, a page at a time. */
  async listBackupLogs(
    query: { page?: number | undefined; limit?: number | undefined } = {},
    options: RequestOptions = {},
  ): Promise<BackupLogPage> {
    return this.call(
      BackupLogPageSchema,
      'backupLogs',
      {
        method: 'GET',
        path: '/backup-logs/',
        query: { page: query.page ?? 1, limit: query.limit ?? 100 },
      },
      options,
    );
  }

  /** `GET /backup-logs/{id}`. */
  async getBackupLog(backupLogId: string, options: RequestOptions = {}): Promise<BackupLog> {
    return this.call(
      BackupLogSchema,
      'backupLog',
      { method: 'GET', path: path`/backup-logs/${backupLogId}` },
      options,
    );
  }

  /** `DELETE /backup-logs/{id}`: deletes the stored data, keeps the audit row. */
  async deleteBackupLog(backupLogId: string, options: RequestOptions = {}): Promise<void> {
    return this.send({ method: 'DELETE', path: path`/backup-logs/${backupLogId}` }, options);
  }

  /** `POST /backup-logs/{id}/cancel`; retried like a read, as the newest official client does. */
  async cancelBackup(backupLogId: string, options: RequestOptions = {}): Promise<void> {
    return this.send(
      { method: 'POST', path: path`/backup-logs/${backupLogId}/cancel`, idempotent: true },
      options,
    );
  }

  private async orEmpty<T>(promise: Promise<T[]>): Promise<T[]> {
    try {
      return await promise;
    } catch (error) {
      if (error instanceof LiumNotFoundError) return [];
      throw error;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Funding (§2.9.1, main API with the user's key)

  /** `GET /tmc-pay/currencies`; `refresh` bypasses the server's cache. */
  async getTopupCurrencies(
    query: { refresh?: boolean | undefined } = {},
    options: RequestOptions = {},
  ): Promise<TopupCurrencies> {
    return this.call(
      TopupCurrenciesSchema,
      'topup',
      { method: 'GET', path: '/tmc-pay/currencies', query: { refresh: query.refresh } },
      options,
    );
  }

  /** `POST /tmc-pay/create-invoice`: a crypto deposit invoice for `amount` USD. */
  async createTopupInvoice(
    params: { amount: number; cryptoCurrency: string; cryptoNetwork: string },
    options: RequestOptions = {},
  ): Promise<TopupInvoice> {
    return this.call(
      TopupInvoiceSchema,
      'invoice',
      {
        method: 'POST',
        path: '/tmc-pay/create-invoice',
        body: {
          amount: params.amount,
          crypto_currency: params.cryptoCurrency,
          crypto_network: params.cryptoNetwork,
        },
      },
      options,
    );
  }

  /** `POST /tao/create-transfer` (main API, user key): a URL carrying `app_id` and `customer_id`. */
  async createTaoTransfer(
    input: { amount: number },
    options: RequestOptions = {},
  ): Promise<TaoTransfer> {
    return this.call(
      TaoTransferSchema,
      'transfer',
      { method: 'POST', path: '/tao/create-transfer', body: { amount: input.amount } },
      options,
    );
  }

  // -------------------------------------------------------------------------------------------
  // Pay API (§2.9.2): deprecated forwarders to LiumPayClient, kept for existing callers

  /** @deprecated Use {@link LiumPayClient.getAvailableWallets} (needs no user key). */
  async getAvailableWallets(
    stripeCustomerId: string,
    options: RequestOptions = {},
  ): Promise<Wallet[]> {
    return this.payClient().getAvailableWallets(stripeCustomerId, options);
  }

  /** @deprecated Use {@link LiumPayClient.generateWalletToken}. */
  async generateWalletToken(options: RequestOptions = {}): Promise<WalletToken> {
    return this.payClient().generateWalletToken(options);
  }

  /** @deprecated Use {@link LiumPayClient.verifyWalletToken}. */
  async verifyWalletToken(
    input: WalletVerificationInput,
    options: RequestOptions = {},
  ): Promise<WalletVerification> {
    return this.payClient().verifyWalletToken(input, options);
  }

  /** @deprecated Use {@link LiumPayClient.convertAlpha}. */
  async convertAlpha(
    query: { amount: number },
    options: RequestOptions = {},
  ): Promise<AlphaConversion> {
    return this.payClient().convertAlpha(query, options);
  }

  /** @deprecated Use {@link LiumPayClient.getCompanyWallet}. */
  async getCompanyWallet(
    query: { appId: string },
    options: RequestOptions = {},
  ): Promise<CompanyWallet> {
    return this.payClient().getCompanyWallet(query, options);
  }
}
