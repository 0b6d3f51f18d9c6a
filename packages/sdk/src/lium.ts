import { join, posix } from 'node:path';
import {
  type BackupConfig,
  type BackupLog,
  type DeploymentEstimate,
  LiumAPIClient,
  type RestoreLog,
  type SshKey,
  type User,
} from '@lium/api';
import { findSshKey, type LiumSettings, resolveSettings, type SshKeyPair } from '@lium/config';
import { isLiumError } from '@lium/errors';
// Only the pure target parser is imported up front, from the subpath that does not load ssh2:
// the pool and fan-out (and with them ssh2) load on the first SSH call, so `lium ls` and other
// API-only work never pay for them.
import type {
  ForwardOptions,
  PortForward,
  ShellOptions,
  SshPool,
  SyncResult,
  TransferProgress,
  TransferResult,
} from '@lium/ssh';
import { parseSshConnectCmd, type SshTarget } from '@lium/ssh/target';
import { throwIfAborted } from './abort.ts';
import { chooseDefaultTemplate } from './default-template.ts';
import { LiumPodError, LiumSdkError, LiumTargetError, LiumUsageError } from './errors.ts';
import { filterExecutors, machineNamesFor } from './executor-filter.ts';
import { generateHumanId, looksLikeHumanId } from './huid.ts';
import {
  type ExecutorInfo,
  type PodInfo,
  type TemplateInfo,
  toExecutorInfo,
  toPodInfo,
  toTemplateInfo,
  toVolumeInfo,
  type VolumeInfo,
} from './models.ts';
import { asReadable, asWritable } from './node-streams.ts';
import type {
  BackupConfigOptions,
  CallOptions,
  CommandResult,
  CreateTemplateOptions,
  ExecuteManyEvent,
  ExecuteManyOptions,
  ExecuteOptions,
  ListExecutorsOptions,
  LiumOptions,
  LiumShellOptions,
  ManyTransferOptions,
  PodOutcome,
  PodRef,
  StartPodOptions,
  SyncDirectoryOptions,
  TransferCallOptions,
} from './options.ts';
import { pollUntil, settleEach } from './poll.ts';
import { rankExecutors } from './rank.ts';
import {
  chooseScopedSnapshot,
  type SnapshotKind,
  snapshotScope,
  writeScopedSnapshot,
} from './scoped-snapshots.ts';
import { readExecutorSnapshot, writeExecutorSnapshot } from './snapshots.ts';
import { type RegisterKeysResult, registerSshKeys } from './ssh-key-registration.ts';
import {
  type PodSpec,
  type StartPodOutcome,
  type StartPodsOptions,
  startPods,
} from './start-pods.ts';
import { resolveTargets, resolveText } from './targets.ts';
import { type RemovalSpec, resolveRemovalTime } from './time-spec.ts';
import { TERMINAL_POD_STATUSES, type WaitForReadyOptions, waitForPodReady } from './wait-ready.ts';

/** The API, SSH and settings of one Lium, set up on first use. */
interface Context {
  settings: LiumSettings;
  api: LiumAPIClient;
  apiKey: string;
}

function callOpts(options: CallOptions | undefined): { signal?: AbortSignal } {
  return options?.signal ? { signal: options.signal } : {};
}

const UUID_LIKE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isNotFound(error: unknown): boolean {
  return isLiumError(error) && error.code === 'not_found';
}

/**
 * The Lium SDK: find GPU executors, start pods, run commands, move files, stop pods.
 *
 * ```ts
 * await using lium = new Lium();
 * const [cheapest] = (await lium.listExecutors({ gpuType: 'H100' })).sort(
 *   (a, b) => a.pricePerGpuHour - b.pricePerGpuHour,
 * );
 * const pod = await lium.waitForPodReady(await lium.startPod({ executorId: cheapest.id }));
 * console.log((await lium.executeCommand(pod, 'nvidia-smi')).stdout);
 * await lium.stopPod(pod);
 * ```
 */
/**
 * Pods `executeMany` runs at once unless told otherwise. Handshakes cost the client little and
 * OpenSSH limits unauthenticated connections per server, not per client: against 64 pods, 10 at
 * a time took 7.0 s (seven waves of handshakes), 32 took 4.1-5.1 s (bench P2).
 */
const EXECUTE_MANY_CONCURRENCY = 32;

export class Lium implements AsyncDisposable {
  readonly #options: LiumOptions;
  #settings: Promise<LiumSettings> | undefined;
  #context: Promise<Context> | undefined;
  #sshKey: Promise<SshKeyPair> | undefined;
  #pool: Promise<SshPool> | undefined;
  #keyRegistration: Promise<void> | undefined;
  #closed = false;

  constructor(options: LiumOptions = {}) {
    this.#options = options;
  }

  // ---------------------------------------------------------------- setup

  /** The resolved settings (config file, environment, options); never contains secrets in logs. */
  getSettings(): Promise<LiumSettings> {
    this.#settings ??= resolveSettings({
      ...(this.#options.configDir !== undefined ? { configDir: this.#options.configDir } : {}),
      ...(this.#options.env !== undefined ? { env: this.#options.env } : {}),
      overrides: {
        apiKey: this.#options.apiKey,
        baseUrl: this.#options.baseUrl,
        sshKeyPath: this.#options.sshKeyPath,
      },
    });
    return this.#settings;
  }

  #ctx(): Promise<Context> {
    this.#assertOpen();
    this.#context ??= (async () => {
      const settings = await this.getSettings();
      if (!settings.apiKey) {
        throw new LiumSdkError('No Lium API key is configured', {
          code: 'api_key_missing',
          hint: 'Set api.api_key in config.ini or LIUM_API_KEY, or pass { apiKey } to new Lium().',
        });
      }
      const api = new LiumAPIClient({
        source: 'sdk',
        ...(this.#options.fetch !== undefined ? { fetch: this.#options.fetch } : {}),
        ...this.#options.api,
        apiKey: settings.apiKey,
        baseUrl: settings.baseUrl,
      });
      return { settings, api, apiKey: settings.apiKey };
    })();
    // A failed setup (no key yet) must not stick: the next call reads the config again.
    this.#context.catch(() => {
      this.#context = undefined;
      this.#settings = undefined;
    });
    return this.#context;
  }

  /** The raw REST client, for endpoints this class does not wrap. */
  async getApiClient(): Promise<LiumAPIClient> {
    return (await this.#ctx()).api;
  }

  /** The SSH key pair pods are rented with and logged in to. */
  async getSshKey(): Promise<SshKeyPair> {
    this.#sshKey ??= (async () => {
      const settings = await this.getSettings();
      return findSshKey({
        ...(settings.sshKeyPath !== undefined ? { keyPath: settings.sshKeyPath } : {}),
        ...(this.#options.homeDir !== undefined ? { homeDir: this.#options.homeDir } : {}),
      });
    })();
    this.#sshKey.catch(() => {
      this.#sshKey = undefined;
    });
    return this.#sshKey;
  }

  /** The connection pool every SSH operation of this Lium shares (closed by `close()`). */
  async getSshPool(): Promise<SshPool> {
    this.#assertOpen();
    this.#pool ??= (async () => {
      const settings = await this.getSettings();
      let privateKeyPath: string | undefined;
      try {
        privateKeyPath = (await this.getSshKey()).privateKeyPath;
      } catch (error) {
        // No key file: the agent may still hold one (the pool uses $SSH_AUTH_SOCK then).
        const agent = (this.#options.env ?? process.env).SSH_AUTH_SOCK;
        if (!agent) throw error;
      }
      const { SshPool } = await import('./ssh-runtime.ts');
      return new SshPool({
        ...(privateKeyPath !== undefined ? { privateKeyPath } : {}),
        knownHostsDir: join(settings.configDir, 'known_hosts'),
        // LIUM_SSH_INSECURE=1 turns pinning off, as in the newest official client ([N]).
        hostKeyCheck:
          this.#options.hostKeyCheck ??
          ((this.#options.env ?? process.env).LIUM_SSH_INSECURE === '1' ? 'off' : 'tofu'),
        ...(this.#options.sshConnectTimeoutMs !== undefined
          ? { connectTimeoutMs: this.#options.sshConnectTimeoutMs }
          : {}),
      });
    })();
    this.#pool.catch(() => {
      this.#pool = undefined;
    });
    return this.#pool;
  }

  #assertOpen(): void {
    if (this.#closed) {
      throw new LiumSdkError('This Lium instance is closed', {
        code: 'closed',
        hint: 'Create a new Lium() after calling close().',
      });
    }
  }

  /** Closes every SSH connection this instance opened. Safe to call twice. */
  async close(): Promise<void> {
    this.#closed = true;
    const pool = this.#pool;
    this.#pool = undefined;
    if (pool) await pool.then((p) => p.closeAll()).catch(() => undefined);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  // ---------------------------------------------------------------- executors

  /** Short and full GPU machine names the marketplace knows (`GET /machines`). */
  async listMachineNames(options?: CallOptions): Promise<string[]> {
    const { api } = await this.#ctx();
    const machines = await api.getMachines(callOpts(options));
    return machines.map((m) => m.name).filter((n): n is string => typeof n === 'string');
  }

  /**
   * Rentable executors. `gpuType` is expanded through `/machines` and `gpuCount` sent to the
   * server; every filter is also applied locally, so the answer is right on any server version.
   */
  async listExecutors(options: ListExecutorsOptions = {}): Promise<ExecutorInfo[]> {
    const { api } = await this.#ctx();
    const query: Parameters<LiumAPIClient['getExecutors']>[0] = { size: options.size ?? 1000 };
    if (options.gpuType) {
      const names = machineNamesFor(options.gpuType, await this.listMachineNames(options));
      query.machineNames = names.length > 0 ? names : [options.gpuType];
    }
    if (options.gpuCount !== undefined) {
      query.gpuCountGte = options.gpuCount;
      query.gpuCountLte = options.gpuCount;
    }
    if (options.minDownloadMbps !== undefined) query.minDownloadMbps = options.minDownloadMbps;
    const executors = (await api.getExecutors({ ...query, ...callOpts(options) })).map(
      toExecutorInfo,
    );
    return filterExecutors(executors, options);
  }

  /** One executor by id or HUID (a HUID matching several executors is refused). */
  /**
   * The best machine matching the filter: the first of {@link rankExecutors} (a Pareto-optimal
   * one, cheapest per GPU-hour), which is also row 1 of `lium ls`. Throws `LiumUsageError`
   * `no_match` when nothing matches.
   */
  async bestExecutor(filter: ListExecutorsOptions = {}): Promise<ExecutorInfo> {
    const [best] = rankExecutors(await this.listExecutors(filter));
    if (!best) {
      throw new LiumUsageError(
        `No ${filter.gpuType ? `${filter.gpuType} ` : ''}machine matches the filter`,
        {
          code: 'no_match',
          hint: 'Loosen the filter (gpuCount, maxPricePerGpuHour, country), or list what exists with listExecutors().',
        },
      );
    }
    return best.executor;
  }

  /**
   * Rents several pods as one operation (bounded), schedules their removal, waits for them,
   * and reports per pod what happened, including pods that may have been rented when an
   * answer was lost. When `signal` aborts, what was started is stopped; what could not be
   * confirmed gone is reported `unconfirmed`. Never throws for one pod: read the outcomes.
   */
  startPods(specs: readonly PodSpec[], options: StartPodsOptions = {}): Promise<StartPodOutcome[]> {
    return startPods(
      {
        startPod: (o) => this.startPod(o),
        scheduleRemoval: async (pod, at, o) => {
          await this.scheduleRemoval(pod, { until: at, signal: o.signal });
        },
        waitForPodReady: (pod, o) => this.waitForPodReady(pod, o),
        stopPod: (pod, o) => this.stopPod(pod, o),
        getPodByName: (name, o) => this.getPodByName(name, o),
      },
      specs,
      options,
    );
  }

  async getExecutor(idOrHuid: string, options?: CallOptions): Promise<ExecutorInfo> {
    return resolveText(idOrHuid, await this.listExecutors(options), 'executor');
  }

  /** The platform's estimate of how long a pod takes to start on an executor. */
  async getDeploymentEstimate(
    executorId: string,
    templateId: string,
    options?: CallOptions,
  ): Promise<DeploymentEstimate> {
    const { api } = await this.#ctx();
    return api.getDeploymentEstimate({ executorId, templateId }, callOpts(options));
  }

  // ---------------------------------------------------------------- snapshots and targets

  /**
   * Remembers the executors as shown (for `up 2`): this shell's `<configDir>/last_ls.<pid>.json`
   * (scoped to the base URL and account), and `last_selection.json` for the Python CLI.
   */
  async rememberExecutors(executors: readonly ExecutorInfo[]): Promise<void> {
    const { configDir } = await this.getSettings();
    const scope = await this.#scope();
    await writeExecutorSnapshot(configDir, executors, new Date(), scope);
    await writeScopedSnapshot(
      configDir,
      'ls',
      executors.map((e) => e.id),
      {
        shellPid: this.#shellPid(),
        scope,
      },
    );
  }

  /** Remembers the pods as shown (for `exec 1`): this shell's `last_ps.<pid>.json`, 10 min. */
  async rememberPods(pods: readonly PodInfo[]): Promise<void> {
    const { configDir } = await this.getSettings();
    await writeScopedSnapshot(
      configDir,
      'ps',
      pods.map((p) => p.id),
      {
        shellPid: this.#shellPid(),
        scope: await this.#scope(),
      },
    );
  }

  #shellPid(): number {
    return this.#options.shellPid ?? process.ppid;
  }

  async #scope(): Promise<string> {
    const settings = await this.getSettings();
    return snapshotScope(settings.baseUrl, settings.apiKey ?? '');
  }

  /**
   * The ids an index refers to: this shell's list; else another shell's when unambiguous
   * (said through `onWarning`); else, for machines, a `last_selection.json` of the Python CLI.
   */
  async #snapshotIds(
    kind: SnapshotKind,
  ): Promise<{ ids: string[] | undefined; problem: string | undefined }> {
    const { configDir } = await this.getSettings();
    const scope = await this.#scope();
    const noun = kind === 'ls' ? 'machine' : 'pod';
    const choice = await chooseScopedSnapshot(configDir, kind, {
      shellPid: this.#shellPid(),
      scope,
    });
    if (choice.kind === 'own') {
      // A machine list stays this shell's until replaced; a pod list goes stale in 10 minutes.
      if (kind === 'ps' && choice.snapshot.expired) {
        return { ids: undefined, problem: 'the last pod list is more than 10 minutes old' };
      }
      return { ids: choice.snapshot.ids, problem: undefined };
    }
    if (choice.kind === 'other') {
      this.#warn(
        `Using the ${noun} list shown in another shell (pid ${choice.snapshot.shellPid}) at ${choice.snapshot.takenAt.toLocaleTimeString()}.`,
      );
      return { ids: choice.snapshot.ids, problem: undefined };
    }
    if (choice.kind === 'ambiguous') {
      return {
        ids: undefined,
        problem: `this shell has no ${noun} list, and ${choice.shells.length} other shells showed different ones`,
      };
    }
    if (kind === 'ls') {
      const python = await readExecutorSnapshot(configDir);
      if (python && python.scope === undefined && python.executors.length > 0) {
        this.#warn('Using the machine list of the Python lium CLI (last_selection.json).');
        return { ids: python.executors.map((e) => e.id), problem: undefined };
      }
    }
    return {
      ids: undefined,
      problem:
        kind === 'ls'
          ? 'no machine list was shown in this shell yet'
          : 'no pod list was shown in the last 10 minutes',
    };
  }

  /** Executors named by `1`, `1,2`, `1-3` (from this shell's last `ls`), HUIDs or ids. */
  async resolveExecutors(spec: string, options?: CallOptions): Promise<ExecutorInfo[]> {
    const [snapshot, live] = await Promise.all([
      this.#snapshotIds('ls'),
      this.listExecutors(options ?? {}),
    ]);
    return resolveTargets(spec, {
      noun: 'executor',
      live,
      snapshot: snapshot.ids,
      snapshotProblem: snapshot.problem,
      listCommand: this.#options.listCommands?.executors ?? 'lium.rememberExecutors()',
      allowAll: false,
    });
  }

  /** Pods named by `1`, `1,2`, `1-3` (from this shell's last `ps`), `all`, HUIDs, names or ids. */
  async resolvePods(spec: string, options?: CallOptions): Promise<PodInfo[]> {
    const [snapshot, live] = await Promise.all([this.#snapshotIds('ps'), this.listPods(options)]);
    return resolveTargets(spec, {
      noun: 'pod',
      live,
      snapshot: snapshot.ids,
      snapshotProblem: snapshot.problem,
      listCommand: this.#options.listCommands?.pods ?? 'lium.rememberPods()',
      allowAll: true,
    });
  }

  // ---------------------------------------------------------------- pods

  /** Your pods, oldest first (the API's own order is not stable). */
  async listPods(options?: CallOptions): Promise<PodInfo[]> {
    const { api } = await this.#ctx();
    const pods = (await api.getPods(callOpts(options))).map(toPodInfo);
    return pods.sort(
      (a, b) => (a.createdAt ?? '').localeCompare(b.createdAt ?? '') || a.id.localeCompare(b.id),
    );
  }

  /** One pod, fresh from the API, by id, HUID or name (or a PodInfo to refresh). */
  async getPod(ref: PodRef, options?: CallOptions): Promise<PodInfo> {
    const { api } = await this.#ctx();
    const text = typeof ref === 'string' ? ref.trim() : ref.id;
    if (UUID_LIKE.test(text) || typeof ref !== 'string') {
      try {
        return toPodInfo(await api.getPod(text, callOpts(options)));
      } catch (error) {
        if (!isNotFound(error)) throw error;
        if (typeof ref !== 'string') {
          throw new LiumTargetError(`Pod ${ref.name || ref.huid} no longer exists`, {
            code: 'target_not_found',
            hint: 'List your pods (lium.listPods()) to see what exists.',
          });
        }
      }
    }
    return resolveText(text, await this.listPods(options), 'pod');
  }

  /** The pod with this exact name, or undefined; several pods of that name are refused. */
  async getPodByName(name: string, options?: CallOptions): Promise<PodInfo | undefined> {
    const matches = (await this.listPods(options)).filter((p) => p.name === name);
    if (matches.length > 1) {
      throw new LiumTargetError(`${matches.length} pods are named "${name}"`, {
        code: 'target_ambiguous',
        hint: `Use an id: ${matches.map((p) => `${p.id} (${p.huid})`).join(', ')}`,
        candidates: matches.map((p) => `${p.huid} (${p.name})`),
      });
    }
    return matches[0];
  }

  async #podOf(ref: PodRef, options?: CallOptions): Promise<PodInfo> {
    return typeof ref === 'string' ? this.getPod(ref, options) : ref;
  }

  /**
   * Rents a pod. Safe to retry: the rent carries an idempotency key, so a lost answer never
   * rents twice, and with `ifExists: 'reuse'` an existing pod of that name is returned instead.
   * Local public keys unknown to the account are registered first (cached, reference §4.4).
   */
  async startPod(options: StartPodOptions): Promise<PodInfo> {
    const { api, settings } = await this.#ctx();
    const call = callOpts(options);
    let executor = typeof options.executorId === 'string' ? undefined : options.executorId;
    let executorId =
      typeof options.executorId === 'string' ? options.executorId.trim() : options.executorId.id;
    if (!executor && looksLikeHumanId(executorId)) {
      executor = await this.getExecutor(executorId, options);
      executorId = executor.id;
    }
    const podName = options.podName ?? executor?.huid ?? generateHumanId(executorId);

    if (options.ifExists === 'reuse' || options.ifExists === 'error') {
      const existing = (await this.listPods(options)).filter(
        (p) => p.name === podName && !TERMINAL_POD_STATUSES.has(p.status),
      );
      const [first] = existing;
      if (first && options.ifExists === 'reuse') return first;
      if (first) {
        throw new LiumUsageError(`A pod named "${podName}" already exists (${first.huid})`, {
          code: 'pod_exists',
          hint: 'Pick another name, or pass ifExists: "reuse" to use it.',
        });
      }
    }

    let templateId = options.templateId ?? settings.defaultTemplateId;
    if (!templateId) {
      executor ??= await this.getExecutor(executorId, options);
      templateId = (await this.#defaultTemplate(executor, options)).id;
    }

    const publicKeys = options.publicKeys ?? (await this.getSshKey()).publicKeys;
    if (!options.publicKeys) {
      try {
        await this.#registerKeysOnce(publicKeys);
      } catch (error) {
        throwIfAborted(options.signal);
        // The official client only warns: the rent body carries the keys anyway.
        this.#warn(`Could not register your SSH key with the account: ${(error as Error).message}`);
      }
      throwIfAborted(options.signal);
    }

    const rented = await api.rentPod(
      {
        executorId,
        podName,
        templateId,
        userPublicKeys: publicKeys,
        ...(options.volumeId !== undefined ? { volumeId: options.volumeId } : {}),
        ...(options.initialPortCount !== undefined
          ? { initialPortCount: options.initialPortCount }
          : {}),
      },
      call,
    );
    return rented.pod ? toPodInfo(rented.pod) : this.getPod(rented.podId, options);
  }

  /**
   * Key registration shared by every startPod of this instance, so pods started in parallel
   * register a new key once, not once each. A failure is forgotten, so a later start retries.
   */
  #registerKeysOnce(publicKeys: readonly string[]): Promise<void> {
    this.#keyRegistration ??= (async () => {
      const { api, apiKey, settings } = await this.#ctx();
      await registerSshKeys({
        api,
        apiKey,
        configDir: settings.configDir,
        publicKeys,
        ...(this.#options.sshKeyName !== undefined ? { name: this.#options.sshKeyName } : {}),
      });
    })();
    this.#keyRegistration.catch(() => {
      this.#keyRegistration = undefined;
    });
    return this.#keyRegistration;
  }

  async #defaultTemplate(executor: ExecutorInfo, options: CallOptions): Promise<TemplateInfo> {
    const { api } = await this.#ctx();
    const [images, templates] = await Promise.all([
      api
        .getDefaultDockerImages(
          { gpuModel: executor.specs.gpuModel, driverVersion: executor.specs.driverVersion },
          callOpts(options),
        )
        .catch((error: unknown) => {
          throwIfAborted(options.signal);
          if (isLiumError(error) && error.code === 'unauthenticated') throw error;
          return [];
        }),
      this.getTemplates(options),
    ]);
    return chooseDefaultTemplate(images, templates);
  }

  #warn(message: string): void {
    this.#options.onWarning?.(message);
  }

  /**
   * Waits until the pod is usable: status RUNNING with an SSH command, and an SSH session that
   * opens. Polls fast, then slower; fails at once on FAILED/CREATION_FAILED or a pod that
   * vanished; `pod_not_ready` after `timeoutMs` (default 5 min).
   */
  async waitForPodReady(pod: PodRef, options: WaitForReadyOptions = {}): Promise<PodInfo> {
    const { api } = await this.#ctx();
    const podId = typeof pod === 'string' ? (await this.getPod(pod, options)).id : pod.id;
    return waitForPodReady(
      podId,
      {
        fetchPod: async (id, signal) => {
          try {
            return toPodInfo(await api.getPod(id, { signal }));
          } catch (error) {
            if (isNotFound(error)) return undefined;
            throw error;
          }
        },
        failureCause: async (id, signal) => {
          const events = await api.getPodEvents(id, { signal, maxRetries: 0 });
          const failed = events.findLast((e) => e.error) ?? events.at(-1);
          return failed?.error ?? failed?.detail ?? undefined;
        },
        handshake: async (ready, timeoutMs, signal) => {
          await (await this.getSshPool()).exec(this.sshTarget(ready), 'true', {
            timeoutMs,
            signal,
          });
        },
      },
      {
        ...(this.#options.pollIntervalMs !== undefined
          ? { pollIntervalMs: this.#options.pollIntervalMs }
          : {}),
        ...(this.#options.maxPollIntervalMs !== undefined
          ? { maxPollIntervalMs: this.#options.maxPollIntervalMs }
          : {}),
        ...options,
      },
    );
  }

  /** Terminates the pod (`DELETE /pods/{id}`) and forgets its pinned host key. */
  async stopPod(pod: PodRef, options?: CallOptions): Promise<void> {
    const { api } = await this.#ctx();
    const target = await this.#podOf(pod, options);
    try {
      await api.deletePod(target.id, callOpts(options));
    } catch (error) {
      // A PodInfo names a pod that existed: if it is gone now, stopping it has succeeded
      // (a retried stop must not fail, reference §6.5). A string that names nothing failed
      // already in #podOf.
      if (!(isNotFound(error) && typeof pod !== 'string')) throw error;
    }
    await this.#forgetHost(target.id);
  }

  async #forgetHost(podId: string): Promise<void> {
    try {
      await (await this.getSshPool()).forgetHostKey(podId);
    } catch {
      // No SSH key configured: nothing was pinned by this instance's pool either way.
    }
  }

  /** Reboots the pod (new container, new host key: the old pin is forgotten). */
  async rebootPod(
    pod: PodRef,
    options: CallOptions & { volumeId?: string } = {},
  ): Promise<PodInfo> {
    const { api } = await this.#ctx();
    const target = await this.#podOf(pod, options);
    await api.rebootPod(target.id, {
      ...(options.volumeId !== undefined ? { volumeId: options.volumeId } : {}),
      ...callOpts(options),
    });
    await this.#forgetHost(target.id);
    return this.getPod(target.id, options);
  }

  /** Schedules the pod's removal after `ttl` (`6h`) or at `until` (`today 23:00`, a Date). */
  async scheduleRemoval(pod: PodRef, spec: RemovalSpec & CallOptions): Promise<Date> {
    const { api } = await this.#ctx();
    const target = await this.#podOf(pod, spec);
    const at = resolveRemovalTime(spec);
    await api.scheduleRemoval(target.id, at, callOpts(spec));
    return at;
  }

  async cancelScheduledRemoval(pod: PodRef, options?: CallOptions): Promise<void> {
    const { api } = await this.#ctx();
    const target = await this.#podOf(pod, options);
    await api.cancelScheduledRemoval(target.id, callOpts(options));
  }

  /** Container output (PID 1) of the pod, line by line; `follow` keeps the stream open. */
  async *streamLogs(
    pod: PodRef,
    options: CallOptions & { tail?: number; follow?: boolean } = {},
  ): AsyncGenerator<string> {
    const { api } = await this.#ctx();
    const target = await this.#podOf(pod, options);
    yield* api.streamPodLogs(target.id, {
      ...(options.tail !== undefined ? { tail: options.tail } : {}),
      ...(options.follow !== undefined ? { follow: options.follow } : {}),
      ...callOpts(options),
    });
  }

  /**
   * Installs Jupyter on an internal port (default: the first mapped port other than 22) and
   * waits until the platform reports it running; returns the pod with its `jupyterUrl`.
   */
  async installJupyter(
    pod: PodRef,
    options: CallOptions & { port?: number; wait?: boolean; timeoutMs?: number | undefined } = {},
  ): Promise<PodInfo> {
    const { api } = await this.#ctx();
    const target = await this.#podOf(pod, options);
    const port =
      options.port ??
      Number(Object.keys(target.ports).find((internal) => internal !== '22') ?? Number.NaN);
    if (!Number.isInteger(port) || port < 1 || port > 65_535) {
      throw new LiumUsageError(
        options.port === undefined
          ? `Pod ${target.huid} has no mapped port besides 22 for Jupyter`
          : `Invalid Jupyter port ${options.port}`,
        {
          code: 'port_invalid',
          hint: 'Pass a port between 1 and 65535 that the template exposes.',
        },
      );
    }
    await api.installJupyter(target.id, port, callOpts(options));
    if (options.wait === false) return this.getPod(target.id, options);
    const installed = await this.#poll(options.timeoutMs ?? 120_000, options, async () => {
      const now = await this.getPod(target.id, options);
      const status = (now.jupyterInstallationStatus ?? '').toUpperCase();
      if (status === 'SUCCESS') return now;
      if (status === 'FAILED') {
        throw new LiumPodError(`Jupyter installation failed on pod ${now.huid}`, {
          code: 'pod_failed',
          podId: now.id,
          status: now.status,
          hint: 'Check the pod logs (lium.streamLogs(pod)) and try another port.',
        });
      }
      return undefined;
    });
    if (installed) return installed;
    throw new LiumPodError(`Jupyter did not come up on pod ${target.huid} in time`, {
      code: 'pod_not_ready',
      podId: target.id,
    });
  }

  /** {@link pollUntil} at this instance's poll intervals. */
  #poll<T>(
    timeoutMs: number,
    options: CallOptions,
    check: () => Promise<T | undefined>,
  ): Promise<T | undefined> {
    return pollUntil(check, {
      timeoutMs,
      intervalMs: this.#options.pollIntervalMs ?? 1_000,
      maxIntervalMs: this.#options.maxPollIntervalMs ?? 10_000,
      signal: options.signal,
    });
  }

  // ---------------------------------------------------------------- ssh

  /** Where to SSH to for a pod (its `ssh_connect_cmd`, parsed strictly; pinned by pod id). */
  sshTarget(pod: PodInfo): SshTarget {
    if (!pod.sshCmd) {
      throw new LiumPodError(
        `Pod ${pod.name || pod.huid} has no SSH access yet (status ${pod.status})`,
        {
          code: 'pod_no_ssh',
          podId: pod.id,
          status: pod.status,
          hint: 'Wait for it: lium.waitForPodReady(pod).',
        },
      );
    }
    return { ...parseSshConnectCmd(pod.sshCmd), hostKeyId: pod.id };
  }

  async #target(ref: PodRef, options?: CallOptions): Promise<{ pod: PodInfo; target: SshTarget }> {
    let pod = await this.#podOf(ref, options);
    if (!pod.sshCmd && typeof ref !== 'string') pod = await this.getPod(pod.id, options);
    return { pod, target: this.sshTarget(pod) };
  }

  /** Runs a command on the pod; env values travel over stdin, never in the remote argv. */
  async executeCommand(
    pod: PodRef,
    command: string,
    options: ExecuteOptions = {},
  ): Promise<CommandResult> {
    const { target } = await this.#target(pod, options);
    const pool = await this.getSshPool();
    const result = await pool.exec(target, command, {
      ...(options.env !== undefined ? { env: options.env } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.signal !== undefined ? { signal: options.signal } : {}),
      ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
      ...(options.onStdout !== undefined ? { onStdout: options.onStdout } : {}),
      ...(options.onStderr !== undefined ? { onStderr: options.onStderr } : {}),
    });
    return { ...result, success: result.exitCode === 0 };
  }

  /**
   * Runs one command on many pods at once: yields each output line tagged with its pod, then
   * one result per pod. A pod that fails (or cannot be reached) does not stop the others.
   */
  async *executeMany(
    pods: readonly PodRef[],
    command: string,
    options: ExecuteManyOptions = {},
  ): AsyncGenerator<ExecuteManyEvent> {
    const resolved = await Promise.all(
      pods.map(async (ref) => {
        try {
          return await this.#target(ref, options);
        } catch (error) {
          return { pod: typeof ref === 'string' ? undefined : ref, ref, error };
        }
      }),
    );
    const byKey = new Map<string, PodInfo>();
    const targets: { key: string; target: SshTarget }[] = [];
    for (const entry of resolved) {
      if ('target' in entry) {
        byKey.set(entry.pod.id, entry.pod);
        targets.push({ key: entry.pod.id, target: entry.target });
      } else if (entry.pod) {
        yield { type: 'result', pod: entry.pod, error: entry.error };
      } else {
        throw entry.error;
      }
    }
    if (targets.length === 0) return;
    const pool = await this.getSshPool();
    const { execMany } = await import('./ssh-runtime.ts');
    for await (const event of execMany(pool, targets, command, {
      concurrency: options.concurrency ?? EXECUTE_MANY_CONCURRENCY,
      env: options.env,
      timeoutMs: options.timeoutMs,
      signal: options.signal,
    })) {
      const pod = byKey.get(event.key) as PodInfo;
      if (event.type === 'line') {
        yield { type: 'line', pod, stream: event.stream, line: event.line };
      } else if (event.result) {
        yield {
          type: 'result',
          pod,
          result: { ...event.result, success: event.result.exitCode === 0 },
        };
      } else {
        yield { type: 'result', pod, error: event.error };
      }
    }
  }

  /** Uploads a file or directory over SFTP (atomic per file, with progress). */
  async uploadFile(
    pod: PodRef,
    localPath: string,
    remotePath: string,
    options: TransferCallOptions = {},
  ): Promise<TransferResult> {
    const { target } = await this.#target(pod, options);
    return (await this.getSshPool()).upload(target, localPath, remotePath, options);
  }

  /** Downloads a file or directory over SFTP (atomic per file, with progress). */
  async downloadFile(
    pod: PodRef,
    remotePath: string,
    localPath: string,
    options: TransferCallOptions = {},
  ): Promise<TransferResult> {
    const { target } = await this.#target(pod, options);
    return (await this.getSshPool()).download(target, remotePath, localPath, options);
  }

  /**
   * Uploads the same file or directory to many pods in parallel. One pod's failure does not
   * stop the others: every pod gets a `{ pod, result }` or `{ pod, error }` entry, in order.
   */
  async uploadToMany(
    pods: readonly PodRef[],
    localPath: string,
    remotePath: string,
    options: ManyTransferOptions = {},
  ): Promise<PodOutcome<TransferResult>[]> {
    return this.#eachPod(pods, options, (pod) =>
      this.uploadFile(pod, localPath, remotePath, this.#perPodTransfer(pod, options)),
    );
  }

  /**
   * Downloads a file from many pods in parallel into `localDir`, as `<huid>-<file name>` (the
   * official CLI's naming for several pods).
   */
  async downloadFromMany(
    pods: readonly PodRef[],
    remotePath: string,
    localDir: string,
    options: ManyTransferOptions = {},
  ): Promise<PodOutcome<TransferResult & { localPath: string }>[]> {
    const name = posix.basename(remotePath.replace(/\/+$/, '')) || 'download';
    return this.#eachPod(pods, options, async (pod) => {
      const localPath = join(localDir, `${pod.huid}-${name}`);
      const result = await this.downloadFile(
        pod,
        remotePath,
        localPath,
        this.#perPodTransfer(pod, options),
      );
      return { ...result, localPath };
    });
  }

  #perPodTransfer(pod: PodInfo, options: ManyTransferOptions): TransferCallOptions {
    const onProgress = options.onProgress;
    return {
      ...callOpts(options),
      ...(onProgress
        ? { onProgress: (progress: TransferProgress) => onProgress(pod, progress) }
        : {}),
    };
  }

  /** Runs `work` for every pod, `concurrency` at a time, collecting results and errors in order. */
  async #eachPod<T>(
    refs: readonly PodRef[],
    options: ManyTransferOptions,
    work: (pod: PodInfo) => Promise<T>,
  ): Promise<PodOutcome<T>[]> {
    const pods = await Promise.all(refs.map((ref) => this.#podOf(ref, options)));
    const outcomes = await settleEach(pods, options.concurrency ?? 8, work);
    return outcomes.map(({ item, ...outcome }) => ({ pod: item, ...outcome }) as PodOutcome<T>);
  }

  /** Syncs a directory up or down with rsync (SFTP fallback when rsync is missing). */
  async syncDirectory(pod: PodRef, options: SyncDirectoryOptions): Promise<SyncResult> {
    const { target } = await this.#target(pod, options);
    const up = options.direction === 'up';
    const { localPath, remotePath, ...rest } = options;
    return (await this.getSshPool()).sync(target, {
      ...rest,
      source: up ? localPath : remotePath,
      dest: up ? remotePath : localPath,
    });
  }

  /**
   * An interactive shell on the pod (system ssh with the pinned host key when available);
   * resolves with the remote exit code. Streams default to the process's own.
   */
  async shell(pod: PodRef, options: LiumShellOptions & CallOptions = {}): Promise<number> {
    const { target } = await this.#target(pod, options);
    const shellOptions: ShellOptions = {};
    if (options.stdin !== undefined) shellOptions.stdin = asReadable(options.stdin);
    if (options.stdout !== undefined) shellOptions.stdout = asWritable(options.stdout);
    if (options.preferSystemSsh !== undefined)
      shellOptions.preferSystemSsh = options.preferSystemSsh;
    return (await this.getSshPool()).shell(target, shellOptions);
  }

  /** Forwards a local port to a port inside the pod over SSH. */
  async forwardPort(pod: PodRef, options: ForwardOptions & CallOptions): Promise<PortForward> {
    const { target } = await this.#target(pod, options);
    const { signal: _signal, ...rest } = options;
    return (await this.getSshPool()).forwardPort(target, rest);
  }

  // ---------------------------------------------------------------- templates

  /** Templates you can use; `search` matches name or image, `onlyMine` your own. */
  async getTemplates(
    options: CallOptions & { search?: string; onlyMine?: boolean } = {},
  ): Promise<TemplateInfo[]> {
    const { api } = await this.#ctx();
    let templates = (await api.getTemplates(callOpts(options))).map(toTemplateInfo);
    if (options.search) {
      const needle = options.search.toLowerCase();
      templates = templates.filter(
        (t) =>
          t.name.toLowerCase().includes(needle) || t.dockerImage.toLowerCase().includes(needle),
      );
    }
    if (options.onlyMine) {
      const me = await this.getMe(options);
      templates = templates.filter((t) => t.userId === me.id);
    }
    return templates;
  }

  async getTemplate(id: string, options?: CallOptions): Promise<TemplateInfo> {
    const { api } = await this.#ctx();
    return toTemplateInfo(await api.getTemplate(id, callOpts(options)));
  }

  /** Creates a (private) template from a Docker image and, by default, waits for verification. */
  async createTemplate(options: CreateTemplateOptions): Promise<TemplateInfo> {
    const { api } = await this.#ctx();
    const colon = options.image.lastIndexOf(':');
    const hasTag = colon > options.image.lastIndexOf('/');
    const image = hasTag ? options.image.slice(0, colon) : options.image;
    const tag = options.tag ?? (hasTag ? options.image.slice(colon + 1) : 'latest');
    const created = toTemplateInfo(
      await api.createTemplate(
        {
          name: options.name,
          docker_image: image,
          docker_image_tag: tag,
          docker_image_digest: '',
          internal_ports: options.internalPorts ?? [22, 8000],
          startup_commands: options.startupCommands ?? '',
          category: options.category ?? 'UBUNTU',
          container_start_immediately: true,
          description: options.description ?? options.name,
          entrypoint: options.entrypoint ?? '',
          environment: options.environment ?? {},
          is_private: options.isPrivate ?? true,
          one_time_template: false,
          is_temporary: false,
          readme: options.name,
          volumes: options.volumes ?? ['/workspace'],
        },
        callOpts(options),
      ),
    );
    if (options.wait === false) return created;
    return this.waitForTemplateVerified(created.id, options);
  }

  /** Polls until the template is VERIFY_SUCCESS; VERIFY_FAILED throws with the logs. */
  async waitForTemplateVerified(
    id: string,
    options: CallOptions & { timeoutMs?: number | undefined } = {},
  ): Promise<TemplateInfo> {
    const verified = await this.#poll(options.timeoutMs ?? 300_000, options, async () => {
      const template = await this.getTemplate(id, options);
      if (template.status === 'VERIFY_SUCCESS') return template;
      if (template.status === 'VERIFY_FAILED') {
        const logs = (template.raw as { verification_logs?: unknown }).verification_logs;
        throw new LiumSdkError(
          `Template ${template.name} failed verification${typeof logs === 'string' && logs ? `: ${logs}` : ''}`,
          {
            code: 'template_verify_failed',
            hint: 'Check that the image exists, is public (or credentials are set) and starts.',
          },
        );
      }
      return undefined;
    });
    if (verified) return verified;
    throw new LiumSdkError(`Template ${id} was not verified in time`, {
      code: 'template_not_verified',
      hint: 'Verification can take minutes for large images; wait longer (timeoutMs).',
    });
  }

  async deleteTemplate(id: string, options?: CallOptions): Promise<void> {
    const { api } = await this.#ctx();
    await api.deleteTemplate(id, callOpts(options));
  }

  // ---------------------------------------------------------------- account

  async getMe(options?: CallOptions): Promise<User> {
    const { api } = await this.#ctx();
    return api.getMe(callOpts(options));
  }

  /** Account balance in USD. */
  async getBalance(options?: CallOptions): Promise<number> {
    const me = await this.getMe(options);
    return typeof me.balance === 'number' ? me.balance : 0;
  }

  async listSshKeys(options?: CallOptions): Promise<SshKey[]> {
    const { api } = await this.#ctx();
    return api.getSshKeys(callOpts(options));
  }

  async addSshKey(
    key: { name: string; publicKey: string },
    options?: CallOptions,
  ): Promise<SshKey> {
    const { api } = await this.#ctx();
    return api.createSshKey(key, callOpts(options));
  }

  async removeSshKey(id: string, options?: CallOptions): Promise<void> {
    const { api } = await this.#ctx();
    await api.deleteSshKey(id, callOpts(options));
  }

  /** Registers the local public keys the account lacks (`force` skips the cache). */
  async syncSshKeys(options: CallOptions & { force?: boolean } = {}): Promise<RegisterKeysResult> {
    const { api, apiKey, settings } = await this.#ctx();
    return registerSshKeys({
      api,
      apiKey,
      configDir: settings.configDir,
      publicKeys: (await this.getSshKey()).publicKeys,
      force: options.force ?? true,
      ...(this.#options.sshKeyName !== undefined ? { name: this.#options.sshKeyName } : {}),
      ...callOpts(options),
    });
  }

  // ---------------------------------------------------------------- volumes

  async listVolumes(options?: CallOptions): Promise<VolumeInfo[]> {
    const { api } = await this.#ctx();
    return (await api.getVolumes(callOpts(options))).map(toVolumeInfo);
  }

  async createVolume(
    volume: { name: string; description?: string },
    options?: CallOptions,
  ): Promise<VolumeInfo> {
    const { api } = await this.#ctx();
    return toVolumeInfo(
      await api.createVolume(
        { name: volume.name, description: volume.description ?? '' },
        callOpts(options),
      ),
    );
  }

  async updateVolume(
    id: string,
    changes: { name?: string; description?: string },
    options?: CallOptions,
  ): Promise<VolumeInfo> {
    const { api } = await this.#ctx();
    return toVolumeInfo(await api.updateVolume(id, changes, callOpts(options)));
  }

  async deleteVolume(id: string, options?: CallOptions): Promise<void> {
    const { api } = await this.#ctx();
    await api.deleteVolume(id, callOpts(options));
  }

  // ---------------------------------------------------------------- backups

  /** Turns on periodic backups of a path of the pod (defaults: /root, every 6 h, kept 7 days). */
  async setBackupConfig(pod: PodRef, options: BackupConfigOptions = {}): Promise<BackupConfig> {
    const { api } = await this.#ctx();
    const target = await this.#podOf(pod, options);
    return api.createBackupConfig(
      {
        podId: target.id,
        backupPath: options.path ?? '/root',
        backupFrequencyHours: options.frequencyHours ?? 6,
        retentionDays: options.retentionDays ?? 7,
      },
      callOpts(options),
    );
  }

  async getBackupConfig(pod: PodRef, options?: CallOptions): Promise<BackupConfig | null> {
    const { api } = await this.#ctx();
    const target = await this.#podOf(pod, options);
    return api.getBackupConfigForPod(target.id, callOpts(options));
  }

  /** Turns off backups of the pod; false when there was no configuration. */
  async removeBackupConfig(pod: PodRef, options?: CallOptions): Promise<boolean> {
    const { api } = await this.#ctx();
    const config = await this.getBackupConfig(pod, options);
    if (!config) return false;
    await api.deleteBackupConfig(config.id, callOpts(options));
    return true;
  }

  /**
   * Starts a backup now and returns its log id; with `wait` polls the log until the backup
   * completes (`backup_failed` when it fails).
   */
  async backupNow(
    pod: PodRef,
    options: CallOptions & {
      name?: string;
      description?: string;
      wait?: boolean;
      timeoutMs?: number | undefined;
    } = {},
  ): Promise<{ backupLogId: string; log?: BackupLog }> {
    const { api } = await this.#ctx();
    const target = await this.#podOf(pod, options);
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
    const result = await api.backupPod(
      target.id,
      {
        name: options.name ?? `manual-${stamp}`,
        description: options.description ?? 'Manual backup triggered from the Lium SDK',
      },
      callOpts(options),
    );
    const backupLogId = result.backup_log_id;
    if (!options.wait) return { backupLogId };
    const log = await this.#untilDone(
      'backup',
      () => api.getBackupLog(backupLogId, callOpts(options)),
      options,
    );
    return { backupLogId, log };
  }

  /** Polls an operation log until it is done; failed and timed-out operations throw. */
  async #untilDone<T extends { status?: string | null | undefined; error_message?: unknown }>(
    what: 'backup' | 'restore',
    read: () => Promise<T | undefined>,
    options: CallOptions & { timeoutMs?: number | undefined },
  ): Promise<T> {
    const done = await this.#poll(options.timeoutMs ?? 600_000, options, async () => {
      const log = await read();
      const status = (log?.status ?? '').toUpperCase();
      if (log && (status === 'COMPLETED' || status === 'SUCCESS')) return log;
      if (status === 'FAILED' || status === 'ERROR') {
        const reason = typeof log?.error_message === 'string' ? `: ${log.error_message}` : '';
        throw new LiumSdkError(`The ${what} failed${reason}`, {
          code: what === 'backup' ? 'backup_failed' : 'restore_failed',
          hint: `See lium.list${what === 'backup' ? 'Backup' : 'Restore'}Logs(pod) for details.`,
        });
      }
      return undefined;
    });
    if (done) return done;
    throw new LiumSdkError(`The ${what} did not finish in time`, {
      code: what === 'backup' ? 'backup_timeout' : 'restore_timeout',
      hint: 'It may still finish; check its log later, or wait longer (timeoutMs).',
    });
  }

  async listBackupLogs(pod: PodRef, options?: CallOptions): Promise<BackupLog[]> {
    const { api } = await this.#ctx();
    const target = await this.#podOf(pod, options);
    return api.getBackupLogsForPod(target.id, callOpts(options));
  }

  /**
   * Restores a backup (by backup log id) into a new or empty directory of the pod; with `wait`
   * polls the restore log until it completes.
   */
  async restoreBackup(
    pod: PodRef,
    options: CallOptions & {
      backupId: string;
      restorePath?: string;
      wait?: boolean;
      timeoutMs?: number | undefined;
    },
  ): Promise<{ restoreLogId: string; log?: RestoreLog }> {
    const { api } = await this.#ctx();
    const target = await this.#podOf(pod, options);
    const result = await api.restorePod(
      target.id,
      { backupId: options.backupId, restorePath: options.restorePath ?? '/root' },
      callOpts(options),
    );
    const restoreLogId = result.restore_log_id;
    if (!options.wait) return { restoreLogId };
    const log = await this.#untilDone(
      'restore',
      async () =>
        (await api.getRestoreLogs(target.id, callOpts(options))).find((l) => l.id === restoreLogId),
      options,
    );
    return { restoreLogId, log };
  }

  async listRestoreLogs(pod: PodRef, options?: CallOptions): Promise<RestoreLog[]> {
    const { api } = await this.#ctx();
    const target = await this.#podOf(pod, options);
    return api.getRestoreLogs(target.id, callOpts(options));
  }
}
