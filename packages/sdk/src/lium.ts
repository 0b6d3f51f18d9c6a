// Types only: ssh2 loads on the first SSH call, so API-only work (`lium ls`) never pays for it.
import type {
  DynamicForwardOptions,
  ForwardOptions,
  PortForward,
  RemoteForward,
  RemoteForwardOptions,
  SshTarget,
} from '@lium/ssh';
import * as executors from './executors.ts';
import { coreOf } from './lium-base.ts';
import { LiumTransfers } from './lium-transfers.ts';
import type { ExecutorInfo, PodInfo, TemplateInfo } from './models.ts';
import type {
  CallOptions,
  CommandResult,
  CreateTemplateOptions,
  ExecuteManyEvent,
  ExecuteManyOptions,
  ExecuteOptions,
  ListExecutorsOptions,
  LiumOptions,
  LiumShellOptions,
  PodOutcome,
  PodRef,
  StartPodOptions,
} from './options.ts';
import type { PodIdleness } from './pod-activity.ts';
import { stopPods } from './pod-fanout.ts';
import * as podSsh from './pod-ssh.ts';
import * as pods from './pods.ts';
import { startPod, templateIdForRent } from './rent-pod.ts';
import type { ResolvePodsOptions } from './selections.ts';
import * as selections from './selections.ts';
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
import type { RemovalSpec } from './time-spec.ts';
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
 * start-pods, pod-ssh, templates) over the shared `LiumCore`; the transfer methods are inherited
 * from `LiumTransfers`, the account and backup ones from `LiumAccount`, settings, clients and
 * `close()` from `LiumBase` (lium-*.ts, each a façade of the same shape).
 */
export class Lium extends LiumTransfers {
  /** A Lium over the config file and environment; `options` override both. Nothing connects yet. */
  constructor(options: LiumOptions = {}) {
    super(options);
  }

  /** Short and full GPU machine names the marketplace knows (`GET /machines`). */
  listMachineNames(options?: CallOptions): Promise<string[]> {
    return executors.listMachineNames(coreOf(this), options);
  }

  /** Rentable executors; `gpuType` expands via `/machines`, every filter also applies locally. */
  listExecutors(options: ListExecutorsOptions = {}): Promise<ExecutorInfo[]> {
    return executors.listExecutors(coreOf(this), options);
  }

  /**
   * The best machine matching the filter: the first of `rankExecutors` (a Pareto-optimal one,
   * cheapest per GPU-hour), which is also row 1 of `lium ls`. Throws `LiumUsageError`
   * `no_match` when nothing matches.
   */
  bestExecutor(filter: ListExecutorsOptions = {}): Promise<ExecutorInfo> {
    return executors.bestExecutor(coreOf(this), filter);
  }

  /** One executor by id or HUID (a HUID matching several executors is refused). */
  getExecutor(idOrHuid: string, options?: CallOptions): Promise<ExecutorInfo> {
    return executors.getExecutor(coreOf(this), idOrHuid, options);
  }

  /** The platform's estimate of how long a pod takes to start on an executor. */
  getDeploymentEstimate(
    executorId: string,
    templateId: string,
    options?: CallOptions,
  ): Promise<DeploymentForecast> {
    return executors.getDeploymentEstimate(coreOf(this), executorId, templateId, options);
  }

  /**
   * The template id a pod on this executor is rented with when no template is named (the
   * configured default, else the official default choice): for showing its estimate first.
   */
  templateIdForRent(executor: ExecutorInfo, options?: CallOptions): Promise<string> {
    return templateIdForRent(coreOf(this), executor, options);
  }

  /**
   * Remembers the executors as shown (for `up 2`): this shell's `<configDir>/last_ls.<pid>.json`
   * (scoped to the base URL and account), and `last_selection.json` for the Python CLI.
   */
  rememberExecutors(list: readonly ExecutorInfo[]): Promise<void> {
    return selections.rememberExecutors(coreOf(this), list);
  }

  /** Remembers the pods as shown (for `exec 1`): this shell's `last_ps.<pid>.json`, 10 min. */
  rememberPods(list: readonly PodInfo[]): Promise<void> {
    return selections.rememberPods(coreOf(this), list);
  }

  /**
   * Which of `pods` are idle: running, no removal scheduled, and not used over SSH through this
   * SDK on this machine (or, never used, not started) for `idleAfterMs` (default
   * `budget.idle_after`, else 2 h). Keyed by pod id.
   */
  podIdleness(
    list: readonly PodInfo[],
    options: { idleAfterMs?: number | undefined } = {},
  ): Promise<Map<string, PodIdleness>> {
    return pods.podIdleness(coreOf(this), list, options);
  }

  /**
   * HUIDs and names of the pods last remembered with {@link rememberPods}, read from disk without
   * an API call (for shell completion); undefined when none were remembered.
   */
  rememberedPodWords(): Promise<string[] | undefined> {
    return selections.rememberedPodWords(coreOf(this));
  }

  /** GPU types of the machines last remembered with {@link rememberExecutors} (no API call). */
  rememberedGpuTypes(): Promise<string[]> {
    return selections.rememberedGpuTypes(coreOf(this));
  }

  /** Executors named by `1`, `1,2`, `1-3` (from this shell's last `ls`), HUIDs or ids. */
  resolveExecutors(spec: string, options?: CallOptions): Promise<ExecutorInfo[]> {
    return selections.resolveExecutors(coreOf(this), spec, options);
  }

  /**
   * Pods named by `1`, `1,2`, `1-3` (from this shell's last `ps`), `all`, HUIDs, names or ids.
   * With `preconnect`, a single index also starts the SSH handshake to the pod's remembered
   * address while the API confirms it (see {@link ResolvePodsOptions}).
   */
  resolvePods(spec: string, options?: ResolvePodsOptions): Promise<PodInfo[]> {
    return selections.resolvePods(coreOf(this), spec, options);
  }

  /** Your pods, oldest first (the API's own order is not stable). */
  listPods(options?: CallOptions): Promise<PodInfo[]> {
    return pods.listPods(coreOf(this), options);
  }

  /** One pod, fresh from the API, by id, HUID or name (or a PodInfo to refresh). */
  getPod(ref: PodRef, options?: CallOptions): Promise<PodInfo> {
    return pods.getPod(coreOf(this), ref, options);
  }

  /** The pod with this exact name, or undefined; several pods of that name are refused. */
  getPodByName(name: string, options?: CallOptions): Promise<PodInfo | undefined> {
    return pods.getPodByName(coreOf(this), name, options);
  }

  /**
   * Rents a pod. Safe to retry: the rent carries an idempotency key, so a lost answer never
   * rents twice, and with `ifExists: 'reuse'` an existing pod of that name is returned instead.
   * Local public keys unknown to the account are registered first (cached, reference §4.4).
   */
  startPod(options: StartPodOptions): Promise<PodInfo> {
    return startPod(coreOf(this), options);
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
    return pods.waitForPodReady(coreOf(this), pod, options);
  }

  /** Terminates the pod (`DELETE /pods/{id}`) and forgets its pinned host key. */
  stopPod(pod: PodRef, options?: CallOptions): Promise<void> {
    return pods.stopPod(coreOf(this), pod, options);
  }

  /** Stops many pods, 8 (`concurrency`) at a time; every pod gets `{ pod, result }` or `{ pod, error }`. */
  stopPods(
    list: readonly PodRef[],
    options: CallOptions & { concurrency?: number | undefined } = {},
  ): Promise<PodOutcome<true>[]> {
    return stopPods(coreOf(this), list, options);
  }

  /** Reboots the pod (new container, new host key: the old pin is forgotten). */
  rebootPod(pod: PodRef, options: CallOptions & { volumeId?: string } = {}): Promise<PodInfo> {
    return pods.rebootPod(coreOf(this), pod, options);
  }

  /** Schedules the pod's removal after `ttl` (`6h`) or at `until` (`today 23:00`, a Date). */
  scheduleRemoval(pod: PodRef, spec: RemovalSpec & CallOptions): Promise<Date> {
    return pods.scheduleRemoval(coreOf(this), pod, spec);
  }

  /** Cancels the pod's scheduled removal, so it keeps running until removed by hand. */
  cancelScheduledRemoval(pod: PodRef, options?: CallOptions): Promise<void> {
    return pods.cancelScheduledRemoval(coreOf(this), pod, options);
  }

  /** Container output (PID 1) of the pod, line by line; `follow` keeps the stream open. */
  streamLogs(pod: PodRef, options: pods.StreamLogsOptions = {}): AsyncGenerator<string> {
    return pods.streamLogs(coreOf(this), pod, options);
  }

  /** Installs Jupyter (default port: the first mapped besides 22), waits, returns `jupyterUrl`. */
  installJupyter(pod: PodRef, options: pods.InstallJupyterOptions = {}): Promise<PodInfo> {
    return pods.installJupyter(coreOf(this), pod, options);
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
    return podSsh.executeCommand(coreOf(this), pod, command, options);
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
    return podSsh.executeMany(coreOf(this), list, command, options);
  }

  /**
   * An interactive shell on the pod (system ssh with the pinned host key when available);
   * resolves with the remote exit code. Streams default to the process's own.
   */
  shell(pod: PodRef, options: LiumShellOptions & CallOptions = {}): Promise<number> {
    return podSsh.shell(coreOf(this), pod, options);
  }

  /** Forwards a local port to a port inside the pod over SSH. */
  forwardPort(pod: PodRef, options: ForwardOptions & CallOptions): Promise<PortForward> {
    return podSsh.forwardPort(coreOf(this), pod, options);
  }

  /** Listens on a port of the pod; its connections are opened from here (`ssh -R`). */
  forwardRemote(pod: PodRef, options: RemoteForwardOptions & CallOptions): Promise<RemoteForward> {
    return podSsh.forwardRemote(coreOf(this), pod, options);
  }

  /** A local SOCKS5 proxy whose connections leave from the pod (`ssh -D`). */
  forwardDynamic(pod: PodRef, options: DynamicForwardOptions & CallOptions): Promise<PortForward> {
    return podSsh.forwardDynamic(coreOf(this), pod, options);
  }

  /** Templates you can use; `search` matches name or image, `onlyMine` your own. */
  getTemplates(options: templates.GetTemplatesOptions = {}): Promise<TemplateInfo[]> {
    return templates.getTemplates(coreOf(this), options);
  }

  /** One template by id. */
  getTemplate(id: string, options?: CallOptions): Promise<TemplateInfo> {
    return templates.getTemplate(coreOf(this), id, options);
  }

  /** Creates a (private) template from a Docker image and, by default, waits for verification. */
  createTemplate(options: CreateTemplateOptions): Promise<TemplateInfo> {
    return templates.createTemplate(coreOf(this), options);
  }

  /** Polls until the template is VERIFY_SUCCESS; VERIFY_FAILED throws with the logs. */
  waitForTemplateVerified(
    id: string,
    options: CallOptions & { timeoutMs?: number | undefined } = {},
  ): Promise<TemplateInfo> {
    return templates.waitForTemplateVerified(coreOf(this), id, options);
  }

  /** Deletes one of your templates by id. */
  deleteTemplate(id: string, options?: CallOptions): Promise<void> {
    return templates.deleteTemplate(coreOf(this), id, options);
  }

  /** Remembers templates as listed, so `chooseTemplate('2')` means row 2 of that list. */
  rememberTemplates(list: readonly TemplateInfo[]): Promise<void> {
    return templateChoice.rememberTemplates(coreOf(this), list);
  }

  /**
   * What a template argument names: a template (id, HUID, name, index of the last remembered
   * list) or a Docker image reference with the template of exactly that image, if one exists.
   * Creates nothing.
   */
  chooseTemplate(spec: string, options?: CallOptions): Promise<templateChoice.TemplateChoice> {
    return templateChoice.chooseTemplate(coreOf(this), spec, options);
  }

  /** A new private one-time template of `image:tag`, verified (the official `--image` mode). */
  templateForImage(
    image: string,
    tag: string,
    options?: CallOptions & { timeoutMs?: number | undefined },
  ): Promise<TemplateInfo> {
    return templateChoice.templateForImage(coreOf(this), image, tag, options);
  }
}
