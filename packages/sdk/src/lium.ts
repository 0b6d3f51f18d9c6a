import type { LiumAPIClient } from '@lium/api';
import type { LiumSettings, SshKeyPair } from '@lium/config';
// Types only: ssh2 loads on the first SSH call, so API-only work (`lium ls`) never pays for it.
import type { ForwardOptions, PortForward, SshPool, SshTarget, TransferResult } from '@lium/ssh';
import * as account from './account.ts';
import type {
  BackupConfigInfo,
  BackupLogInfo,
  RestoreLogInfo,
  UserInfo,
} from './account-models.ts';
import { LiumCore } from './core.ts';
import * as executors from './executors.ts';
import type { ExecutorInfo, PodInfo, TemplateInfo, VolumeInfo } from './models.ts';
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
  SyncManyOptions,
  TransferCallOptions,
} from './options.ts';
import {
  DEFAULT_IDLE_AFTER_MS,
  type PodIdleness,
  podIdleness,
  readPodActivity,
} from './pod-activity.ts';
import * as backups from './pod-backups.ts';
import { stopPods } from './pod-fanout.ts';
import * as podSsh from './pod-ssh.ts';
import * as pods from './pods.ts';
import { startPod, templateIdForRent } from './rent-pod.ts';
import type { ResolvePodsOptions } from './selections.ts';
import * as selections from './selections.ts';
import type { RegisterKeysResult } from './ssh-key-registration.ts';
import type { SshKeyInfo } from './ssh-keys.ts';
import {
  type PodSpec,
  type StartPodOutcome,
  type StartPodsOptions,
  startPods,
  startPodsDeps,
} from './start-pods.ts';
import * as templateChoice from './template-choice.ts';
import * as templates from './templates.ts';
import type { DeploymentForecast } from './templates-create.ts';
import { parseDuration, type RemovalSpec } from './time-spec.ts';
import type { SyncedDirectory } from './transfers.ts';
import * as transfers from './transfers.ts';
import type { WaitForReadyOptions } from './wait-ready.ts';

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
 *
 * A façade: each method delegates to one module (executors, selections, pods, rent-pod,
 * pod-ssh, transfers, templates, account, pod-backups) over the shared `LiumCore`.
 */
export class Lium implements AsyncDisposable {
  readonly #core: LiumCore;

  constructor(options: LiumOptions = {}) {
    this.#core = new LiumCore(options);
  }

  /** The resolved settings (config file, environment, options); never contains secrets in logs. */
  getSettings(): Promise<LiumSettings> {
    return this.#core.settings();
  }

  /** The raw REST client, for endpoints this class does not wrap. */
  getApiClient(): Promise<LiumAPIClient> {
    return this.#core.api();
  }

  /** The SSH key pair pods are rented with and logged in to. */
  getSshKey(): Promise<SshKeyPair> {
    return this.#core.sshKey();
  }

  /** The connection pool every SSH operation of this Lium shares (closed by `close()`). */
  getSshPool(): Promise<SshPool> {
    return this.#core.pool();
  }

  /** Closes every SSH connection this instance opened. Safe to call twice. */
  close(): Promise<void> {
    return this.#core.close();
  }

  /** Closes the SDK's SSH connections, as {@link Lium.close}; for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Short and full GPU machine names the marketplace knows (`GET /machines`). */
  listMachineNames(options?: CallOptions): Promise<string[]> {
    return executors.listMachineNames(this.#core, options);
  }

  /** Rentable executors; `gpuType` expands via `/machines`, every filter also applies locally. */
  listExecutors(options: ListExecutorsOptions = {}): Promise<ExecutorInfo[]> {
    return executors.listExecutors(this.#core, options);
  }

  /**
   * The best machine matching the filter: the first of `rankExecutors` (a Pareto-optimal one,
   * cheapest per GPU-hour), which is also row 1 of `lium ls`. Throws `LiumUsageError`
   * `no_match` when nothing matches.
   */
  bestExecutor(filter: ListExecutorsOptions = {}): Promise<ExecutorInfo> {
    return executors.bestExecutor(this.#core, filter);
  }

  /** One executor by id or HUID (a HUID matching several executors is refused). */
  getExecutor(idOrHuid: string, options?: CallOptions): Promise<ExecutorInfo> {
    return executors.getExecutor(this.#core, idOrHuid, options);
  }

  /** The platform's estimate of how long a pod takes to start on an executor. */
  getDeploymentEstimate(
    executorId: string,
    templateId: string,
    options?: CallOptions,
  ): Promise<DeploymentForecast> {
    return executors.getDeploymentEstimate(this.#core, executorId, templateId, options);
  }

  /**
   * The template id a pod on this executor is rented with when no template is named (the
   * configured default, else the official default choice): for showing its estimate first.
   */
  templateIdForRent(executor: ExecutorInfo, options?: CallOptions): Promise<string> {
    return templateIdForRent(this.#core, executor, options);
  }

  /**
   * Remembers the executors as shown (for `up 2`): this shell's `<configDir>/last_ls.<pid>.json`
   * (scoped to the base URL and account), and `last_selection.json` for the Python CLI.
   */
  rememberExecutors(list: readonly ExecutorInfo[]): Promise<void> {
    return selections.rememberExecutors(this.#core, list);
  }

  /** Remembers the pods as shown (for `exec 1`): this shell's `last_ps.<pid>.json`, 10 min. */
  rememberPods(list: readonly PodInfo[]): Promise<void> {
    return selections.rememberPods(this.#core, list);
  }

  /**
   * Which of `pods` are idle: running, no removal scheduled, and not used over SSH through this
   * SDK on this machine (or, never used, not started) for `idleAfterMs` (default
   * `budget.idle_after`, else 2 h). Keyed by pod id.
   */
  async podIdleness(
    pods: readonly PodInfo[],
    options: { idleAfterMs?: number | undefined } = {},
  ): Promise<Map<string, PodIdleness>> {
    const settings = await this.#core.settings();
    const idleAfterMs =
      options.idleAfterMs ??
      (settings.idleAfter
        ? parseDuration(settings.idleAfter, { seconds: true })
        : DEFAULT_IDLE_AFTER_MS);
    await this.#core.activity.flush();
    const activity = await readPodActivity(settings.configDir);
    const now = Date.now();
    return new Map(
      pods.map((pod) => [pod.id, podIdleness(pod, activity.get(pod.id), idleAfterMs, now)]),
    );
  }

  /**
   * HUIDs and names of the pods last remembered with {@link rememberPods}, read from disk without
   * an API call (for shell completion); undefined when none were remembered.
   */
  rememberedPodWords(): Promise<string[] | undefined> {
    return selections.rememberedPodWords(this.#core);
  }

  /** GPU types of the machines last remembered with {@link rememberExecutors} (no API call). */
  rememberedGpuTypes(): Promise<string[]> {
    return selections.rememberedGpuTypes(this.#core);
  }

  /** Executors named by `1`, `1,2`, `1-3` (from this shell's last `ls`), HUIDs or ids. */
  resolveExecutors(spec: string, options?: CallOptions): Promise<ExecutorInfo[]> {
    return selections.resolveExecutors(this.#core, spec, options);
  }

  /**
   * Pods named by `1`, `1,2`, `1-3` (from this shell's last `ps`), `all`, HUIDs, names or ids.
   * With `preconnect`, a single index also starts the SSH handshake to the pod's remembered
   * address while the API confirms it (see {@link ResolvePodsOptions}).
   */
  resolvePods(spec: string, options?: ResolvePodsOptions): Promise<PodInfo[]> {
    return selections.resolvePods(this.#core, spec, options);
  }

  /** Your pods, oldest first (the API's own order is not stable). */
  listPods(options?: CallOptions): Promise<PodInfo[]> {
    return pods.listPods(this.#core, options);
  }

  /** One pod, fresh from the API, by id, HUID or name (or a PodInfo to refresh). */
  getPod(ref: PodRef, options?: CallOptions): Promise<PodInfo> {
    return pods.getPod(this.#core, ref, options);
  }

  /** The pod with this exact name, or undefined; several pods of that name are refused. */
  getPodByName(name: string, options?: CallOptions): Promise<PodInfo | undefined> {
    return pods.getPodByName(this.#core, name, options);
  }

  /**
   * Rents a pod. Safe to retry: the rent carries an idempotency key, so a lost answer never
   * rents twice, and with `ifExists: 'reuse'` an existing pod of that name is returned instead.
   * Local public keys unknown to the account are registered first (cached, reference §4.4).
   */
  startPod(options: StartPodOptions): Promise<PodInfo> {
    return startPod(this.#core, options);
  }

  /**
   * Rents several pods (bounded), schedules their removal, waits for them, and reports per pod
   * (`maybe_rented` when an answer was lost); on abort stops what was started. Never throws.
   */
  startPods(specs: readonly PodSpec[], options: StartPodsOptions = {}): Promise<StartPodOutcome[]> {
    return startPods(startPodsDeps(this), specs, options);
  }

  /**
   * Waits until the pod is RUNNING with an SSH session that opens; fails at once on FAILED or a
   * vanished pod, `pod_not_ready` after `timeoutMs` (default 5 min).
   */
  waitForPodReady(pod: PodRef, options: WaitForReadyOptions = {}): Promise<PodInfo> {
    return pods.waitForPodReady(this.#core, pod, options);
  }

  /** Terminates the pod (`DELETE /pods/{id}`) and forgets its pinned host key. */
  stopPod(pod: PodRef, options?: CallOptions): Promise<void> {
    return pods.stopPod(this.#core, pod, options);
  }

  /** Stops many pods, 8 (`concurrency`) at a time; every pod gets `{ pod, result }` or `{ pod, error }`. */
  stopPods(
    list: readonly PodRef[],
    options: CallOptions & { concurrency?: number | undefined } = {},
  ): Promise<PodOutcome<true>[]> {
    return stopPods(this.#core, list, options);
  }

  /** Reboots the pod (new container, new host key: the old pin is forgotten). */
  rebootPod(pod: PodRef, options: CallOptions & { volumeId?: string } = {}): Promise<PodInfo> {
    return pods.rebootPod(this.#core, pod, options);
  }

  /** Schedules the pod's removal after `ttl` (`6h`) or at `until` (`today 23:00`, a Date). */
  scheduleRemoval(pod: PodRef, spec: RemovalSpec & CallOptions): Promise<Date> {
    return pods.scheduleRemoval(this.#core, pod, spec);
  }

  /** Cancels the pod's scheduled removal, so it keeps running until removed by hand. */
  cancelScheduledRemoval(pod: PodRef, options?: CallOptions): Promise<void> {
    return pods.cancelScheduledRemoval(this.#core, pod, options);
  }

  /** Container output (PID 1) of the pod, line by line; `follow` keeps the stream open. */
  streamLogs(pod: PodRef, options: pods.StreamLogsOptions = {}): AsyncGenerator<string> {
    return pods.streamLogs(this.#core, pod, options);
  }

  /** Installs Jupyter (default port: the first mapped besides 22), waits, returns `jupyterUrl`. */
  installJupyter(pod: PodRef, options: pods.InstallJupyterOptions = {}): Promise<PodInfo> {
    return pods.installJupyter(this.#core, pod, options);
  }

  /** Where to SSH to for a pod (its `ssh_connect_cmd`, parsed strictly; pinned by pod id). */
  sshTarget(pod: PodInfo): SshTarget {
    return podSsh.sshTarget(pod);
  }

  /** Runs a command on the pod; env values travel over stdin, never in the remote argv. */
  executeCommand(
    pod: PodRef,
    command: string,
    options: ExecuteOptions = {},
  ): Promise<CommandResult> {
    return podSsh.executeCommand(this.#core, pod, command, options);
  }

  /**
   * Runs one command on many pods at once: yields each output line tagged with its pod, then
   * one result per pod. A pod that fails (or cannot be reached) does not stop the others.
   */
  executeMany(
    list: readonly PodRef[],
    command: string,
    options: ExecuteManyOptions = {},
  ): AsyncGenerator<ExecuteManyEvent> {
    return podSsh.executeMany(this.#core, list, command, options);
  }

  /**
   * An interactive shell on the pod (system ssh with the pinned host key when available);
   * resolves with the remote exit code. Streams default to the process's own.
   */
  shell(pod: PodRef, options: LiumShellOptions & CallOptions = {}): Promise<number> {
    return podSsh.shell(this.#core, pod, options);
  }

  /** Forwards a local port to a port inside the pod over SSH. */
  forwardPort(pod: PodRef, options: ForwardOptions & CallOptions): Promise<PortForward> {
    return podSsh.forwardPort(this.#core, pod, options);
  }

  /** Listens on a port of the pod; its connections are opened from here (`ssh -R`). */
  forwardRemote(
    pod: PodRef,
    options: import('@lium/ssh').RemoteForwardOptions & CallOptions,
  ): Promise<import('@lium/ssh').RemoteForward> {
    return podSsh.forwardRemote(this.#core, pod, options);
  }

  /** A local SOCKS5 proxy whose connections leave from the pod (`ssh -D`). */
  forwardDynamic(
    pod: PodRef,
    options: import('@lium/ssh').DynamicForwardOptions & CallOptions,
  ): Promise<PortForward> {
    return podSsh.forwardDynamic(this.#core, pod, options);
  }

  /** Uploads a file or directory over SFTP (atomic per file, with progress). */
  uploadFile(
    pod: PodRef,
    localPath: string,
    remotePath: string,
    options: TransferCallOptions = {},
  ): Promise<TransferResult> {
    return transfers.uploadFile(this.#core, pod, localPath, remotePath, options);
  }

  /** Downloads a file or directory over SFTP (atomic per file, with progress). */
  downloadFile(
    pod: PodRef,
    remotePath: string,
    localPath: string,
    options: TransferCallOptions = {},
  ): Promise<TransferResult> {
    return transfers.downloadFile(this.#core, pod, remotePath, localPath, options);
  }

  /**
   * Uploads the same file or directory to many pods in parallel. One pod's failure does not
   * stop the others: every pod gets a `{ pod, result }` or `{ pod, error }` entry, in order.
   */
  uploadToMany(
    list: readonly PodRef[],
    localPath: string,
    remotePath: string,
    options: ManyTransferOptions = {},
  ): Promise<PodOutcome<TransferResult>[]> {
    return transfers.uploadToMany(this.#core, list, localPath, remotePath, options);
  }

  /**
   * Downloads a file from many pods in parallel into `localDir`, as `<huid>/<file name>` (the one
   * layout of pulls from several pods, `pullDirFor`).
   */
  downloadFromMany(
    list: readonly PodRef[],
    remotePath: string,
    localDir: string,
    options: ManyTransferOptions = {},
  ): Promise<
    PodOutcome<
      TransferResult & {
        /** Where this pod's copy landed: `<localDir>/<pod huid>-<name>`. */
        localPath: string;
      }
    >[]
  > {
    return transfers.downloadFromMany(this.#core, list, remotePath, localDir, options);
  }

  /**
   * Syncs a directory up or down with rsync (SFTP fallback when rsync is missing), with rsync's
   * trailing-slash rule unless `folderRule: 'contents'`; answers the paths it used.
   */
  syncDirectory(pod: PodRef, options: SyncDirectoryOptions): Promise<SyncedDirectory> {
    return transfers.syncDirectory(this.#core, pod, options);
  }

  /**
   * Syncs with many pods, a bounded number at a time; a pull from several pods lands in
   * `<localPath>/<huid>/` per pod. Every pod gets a `{ pod, result }` or `{ pod, error }`.
   */
  syncMany(
    list: readonly PodRef[],
    options: SyncManyOptions,
  ): Promise<PodOutcome<SyncedDirectory>[]> {
    return transfers.syncMany(this.#core, list, options);
  }

  /** Templates you can use; `search` matches name or image, `onlyMine` your own. */
  getTemplates(options: templates.GetTemplatesOptions = {}): Promise<TemplateInfo[]> {
    return templates.getTemplates(this.#core, options);
  }

  /** One template by id. */
  getTemplate(id: string, options?: CallOptions): Promise<TemplateInfo> {
    return templates.getTemplate(this.#core, id, options);
  }

  /** Creates a (private) template from a Docker image and, by default, waits for verification. */
  createTemplate(options: CreateTemplateOptions): Promise<TemplateInfo> {
    return templates.createTemplate(this.#core, options);
  }

  /** Polls until the template is VERIFY_SUCCESS; VERIFY_FAILED throws with the logs. */
  waitForTemplateVerified(
    id: string,
    options: CallOptions & { timeoutMs?: number | undefined } = {},
  ): Promise<TemplateInfo> {
    return templates.waitForTemplateVerified(this.#core, id, options);
  }

  /** Deletes one of your templates by id. */
  deleteTemplate(id: string, options?: CallOptions): Promise<void> {
    return templates.deleteTemplate(this.#core, id, options);
  }

  /** Remembers templates as listed, so `chooseTemplate('2')` means row 2 of that list. */
  rememberTemplates(list: readonly TemplateInfo[]): Promise<void> {
    return templateChoice.rememberTemplates(this.#core, list);
  }

  /**
   * What a template argument names: a template (id, HUID, name, index of the last remembered
   * list) or a Docker image reference with the template of exactly that image, if one exists.
   * Creates nothing.
   */
  chooseTemplate(spec: string, options?: CallOptions): Promise<templateChoice.TemplateChoice> {
    return templateChoice.chooseTemplate(this.#core, spec, options);
  }

  /** A new private one-time template of `image:tag`, verified (the official `--image` mode). */
  templateForImage(
    image: string,
    tag: string,
    options?: CallOptions & { timeoutMs?: number | undefined },
  ): Promise<TemplateInfo> {
    return templateChoice.templateForImage(this.#core, image, tag, options);
  }

  /** The account the API key belongs to (`GET /users/me`). */
  getMe(options?: CallOptions): Promise<UserInfo> {
    return account.getMe(this.#core, options);
  }

  /** Account balance in USD. */
  getBalance(options?: CallOptions): Promise<number> {
    return account.getBalance(this.#core, options);
  }

  /** The SSH public keys registered with the account. */
  listSshKeys(options?: CallOptions): Promise<SshKeyInfo[]> {
    return account.listSshKeys(this.#core, options);
  }

  /** Registers an SSH public key (an OpenSSH `.pub` line) under `name`. */
  addSshKey(key: { name: string; publicKey: string }, options?: CallOptions): Promise<SshKeyInfo> {
    return account.addSshKey(this.#core, key, options);
  }

  /** Removes a registered SSH key by its id. */
  removeSshKey(id: string, options?: CallOptions): Promise<void> {
    return account.removeSshKey(this.#core, id, options);
  }

  /**
   * Registers the local public keys the account lacks (`force` skips the cache), new ones
   * under `name` (default the `sshKeyName` option, else `cli-<user>@<host>`).
   */
  syncSshKeys(
    options: CallOptions & { force?: boolean; name?: string } = {},
  ): Promise<RegisterKeysResult> {
    return account.syncSshKeys(this.#core, options);
  }

  /** The account's volumes. */
  listVolumes(options?: CallOptions): Promise<VolumeInfo[]> {
    return account.listVolumes(this.#core, options);
  }

  /** Creates a volume; attach it with {@link StartPodOptions.volumeId}. */
  createVolume(
    volume: { name: string; description?: string },
    options?: CallOptions,
  ): Promise<VolumeInfo> {
    return account.createVolume(this.#core, volume, options);
  }

  /** Renames a volume or changes its description. */
  updateVolume(
    id: string,
    changes: { name?: string; description?: string },
    options?: CallOptions,
  ): Promise<VolumeInfo> {
    return account.updateVolume(this.#core, id, changes, options);
  }

  /** Deletes a volume by id. */
  deleteVolume(id: string, options?: CallOptions): Promise<void> {
    return account.deleteVolume(this.#core, id, options);
  }

  /** Turns on periodic backups of a path of the pod (defaults: /root, every 6 h, kept 7 days). */
  setBackupConfig(pod: PodRef, options: BackupConfigOptions = {}): Promise<BackupConfigInfo> {
    return backups.setBackupConfig(this.#core, pod, options);
  }

  /** The pod's backup configuration, or null when backups are off. */
  getBackupConfig(pod: PodRef, options?: CallOptions): Promise<BackupConfigInfo | null> {
    return backups.getBackupConfig(this.#core, pod, options);
  }

  /** Turns off backups of the pod; false when there was no configuration. */
  removeBackupConfig(pod: PodRef, options?: CallOptions): Promise<boolean> {
    return backups.removeBackupConfig(this.#core, pod, options);
  }

  /**
   * Starts a backup now and returns its log id; with `wait` polls the log until the backup
   * completes (`backup_failed` when it fails).
   */
  backupNow(
    pod: PodRef,
    options: backups.BackupNowOptions = {},
  ): Promise<{
    /** The new backup run's id. */
    backupLogId: string;
    /** The run as it ended, with `wait`; absent otherwise. */
    log?: BackupLogInfo;
  }> {
    return backups.backupNow(this.#core, pod, options);
  }

  /** The pod's backup runs (each one's id is what {@link Lium.restoreBackup} takes). */
  listBackupLogs(pod: PodRef, options?: CallOptions): Promise<BackupLogInfo[]> {
    return backups.listBackupLogs(this.#core, pod, options);
  }

  /**
   * Restores a backup (by backup log id) into a new or empty directory of the pod; with `wait`
   * polls the restore log until it completes.
   */
  restoreBackup(
    pod: PodRef,
    options: backups.RestoreBackupOptions,
  ): Promise<{
    /** The new restore run's id. */
    restoreLogId: string;
    /** The run as it ended, with `wait`; absent otherwise. */
    log?: RestoreLogInfo;
  }> {
    return backups.restoreBackup(this.#core, pod, options);
  }

  /** The pod's restore runs, with their status. */
  listRestoreLogs(pod: PodRef, options?: CallOptions): Promise<RestoreLogInfo[]> {
    return backups.listRestoreLogs(this.#core, pod, options);
  }
}
