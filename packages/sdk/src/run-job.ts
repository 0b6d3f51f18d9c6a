/**
 * One-command jobs (`lium run`): rent a pod (or reuse one), wait until it is usable, sync a
 * project to it, run a command there with live output, pull the outputs back, and stop the pod
 * unless asked to keep it: also when the command fails and when the caller aborts. Nothing this
 * rented is ever left unmentioned: the result says which pod, if any, could not be confirmed gone.
 *
 * Built only on the public `Lium` methods (`bestExecutor`, `startPods`, `syncDirectory`,
 * `executeCommand`, `downloadFile`, `stopPod`).
 */
import { mkdir } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { isLiumError } from '@lium/errors';
import { shQuote } from '@lium/ssh/target';
import {
  detachedJobState,
  followDetachedJob,
  jobFiles,
  startJobLine,
  stopDetachedJob,
} from './detached-job.ts';
import { LiumSdkError } from './errors.ts';
import type { Lium } from './lium.ts';
import type { ExecutorInfo, PodInfo } from './models.ts';
import type { CallOptions } from './options.ts';
import { syncExcludes } from './run-ignore.ts';

/** Where a job is. */
export type RunJobPhase = 'rent' | 'sync' | 'run' | 'pull' | 'stop' | 'done';

/** Progress of {@link runJob}. */
export type RunJobEvent =
  | {
      /** The job moved to another phase. */
      type: 'phase';
      /** The phase it is in now. */
      phase: RunJobPhase;
      /** The pod, once there is one. */
      pod?: PodInfo | undefined;
    }
  | {
      /** The job has its pod. */
      type: 'rented';
      /** The pod it runs on. */
      pod: PodInfo;
      /** True when it is an existing pod, not a new rent. */
      reused: boolean;
    }
  | {
      /** The local directory was synced to the pod. */
      type: 'synced';
      /** The pod. */
      pod: PodInfo;
      /** How many files were copied. */
      files: number;
    }
  | {
      /** It follows a detached job (`attach`). */
      type: 'attached';
      /** The pod. */
      pod: PodInfo;
      /** Whether the job was still running when it attached. */
      running: boolean;
    }
  | {
      /** One `pull` path was copied back (or was missing). */
      type: 'pulled';
      /** The pod. */
      pod: PodInfo;
      /** The path as given in `pull`. */
      path: string;
      /** Where it landed locally. */
      localPath: string;
      /** False when the path did not exist on the pod. */
      found: boolean;
    }
  | {
      /** The pod was removed. */
      type: 'stopped';
      /** The pod. */
      pod: PodInfo;
    };

/** What to run the job on: an existing pod, or the best machine for a GPU filter. */
export type RunJobTarget =
  | {
      /** Run on this existing pod (or its id, HUID or name). */
      pod: PodInfo | string;
    }
  | {
      /** Rent the cheapest executor with this GPU type (`H100`, `A100`, …). */
      gpuType: string;
      /** GPUs the executor must have; default any. */
      gpuCount?: number | undefined;
      /** Skip executors dearer than this, USD per GPU-hour; default no limit. */
      maxPricePerGpuHour?: number | undefined;
      /** Only executors in this country (ISO code); default any. */
      country?: string | undefined;
    }
  | {
      /** Rent this executor. */
      executor: ExecutorInfo;
    };

export interface RunJobOptions extends CallOptions {
  /** Where to run: an existing pod, a GPU to rent, or an executor. */
  target: RunJobTarget;
  /** The command, run through the pod's shell in the synced directory. */
  command: string;
  /**
   * The pod's name when renting. A running pod of this name is reused instead of renting
   * another (`lium run --name exp1` twice attaches to exp1).
   */
  name?: string | undefined;
  /** The template when renting; default as {@link Lium.startPod} chooses. */
  templateId?: string | undefined;
  /** Local directory to sync (default: none). */
  syncDir?: string | undefined;
  /** Send `.env*` files too (default: never). */
  includeEnv?: boolean | undefined;
  /** More rsync exclude patterns. */
  exclude?: readonly string[] | undefined;
  /** Directory on the pod the project lands in and the command runs in (default `lium-run`, under the home). */
  remoteDir?: string | undefined;
  /** Paths (relative to `remoteDir`, or absolute) to pull back after the command. */
  pull?: readonly string[] | undefined;
  /** Local directory the pulled paths land in, under `<pod huid>/` (default `./lium-runs`). */
  pullDir?: string | undefined;
  /** Leave the pod running afterwards (pods that were reused are never stopped). */
  keep?: boolean | undefined;
  /** Start the command in the background, leave the pod running, and return at once. */
  detach?: boolean | undefined;
  /**
   * Follow the job a `detach`ed run started on the pod instead of running `command`: its output
   * from the start, then, when it ends, pull and stop the pod as a run would (unless `keep`).
   * `'always'` fails when the pod has no such job; `'if-running'` (a `name` whose pod is running
   * already) follows it only while it runs, and otherwise runs `command` there.
   */
  attach?: 'always' | 'if-running' | undefined;
  /** Variables for the command; sent over stdin, never in the remote argv or logs. */
  env?: Record<string, string> | undefined;
  /** How long a new pod may take to be ready, ms; default 900 000. */
  waitTimeoutMs?: number | undefined;
  /** Aborting it (a second Ctrl-C) skips the pull of an interrupted job; the pod is still stopped. */
  skipPullSignal?: AbortSignal | undefined;
  /** How long pulling and stopping may take after an abort (default 60 s). */
  cleanupTimeoutMs?: number | undefined;
  /** Called at each step (phase, rent, sync, pull, stop); default none. */
  onEvent?: ((event: RunJobEvent) => void) | undefined;
  /** Called with each chunk of the command's stdout. */
  onStdout?: ((chunk: Buffer) => void) | undefined;
  /** Called with each chunk of the command's stderr. */
  onStderr?: ((chunk: Buffer) => void) | undefined;
}

/** How a job ended: its pod, exit code, what was pulled and whether the pod is gone. */
export interface RunJobResult {
  /** The pod, once one was rented or found (undefined if the rent never succeeded). */
  pod: PodInfo | undefined;
  /** The pod was reused, not rented by this job. */
  reused: boolean;
  /** The remote exit code (null when killed by a signal or never started). */
  exitCode: number | null;
  /** The signal name without `SIG` when the remote command was killed by one. */
  signal: string | null;
  /** Where the job was when it ended (or failed, or was aborted). */
  phase: RunJobPhase;
  /** True when the job was aborted (its signal fired). */
  aborted: boolean;
  /** Local paths of what was pulled. */
  pulled: string[];
  /** The pod is confirmed gone. */
  stopped: boolean;
  /** Pods this job rented (or may have) and could not confirm gone: name them to the user. */
  leftovers: string[];
  /** With `detach`: the remote log file and pid file. */
  detached?:
    | {
        /** The remote file the command's output goes to. */
        log: string;
        /** The remote file holding the command's pid. */
        pidFile: string;
      }
    | undefined;
  /** It followed a detached job (`attach`) instead of running the command. */
  attached: boolean;
  /** The first failure, if any (the job still cleaned up after it). */
  error?: unknown;
}

/** A remote path the job reads: relative paths are under the job's directory. */
function remotePathOf(remoteDir: string, path: string): string {
  return path.startsWith('/') ? path : posix.join(remoteDir, path);
}

/** Runs a job; never throws for the job's own failures (read `error`), only for bad options. */
export async function runJob(lium: Lium, options: RunJobOptions): Promise<RunJobResult> {
  const emit = (event: RunJobEvent) => options.onEvent?.(event);
  const signal = options.signal;
  const remoteDir = options.remoteDir ?? 'lium-run';
  const result: RunJobResult = {
    pod: undefined,
    reused: false,
    exitCode: null,
    signal: null,
    phase: 'rent',
    aborted: false,
    pulled: [],
    stopped: false,
    leftovers: [],
    attached: false,
  };
  const setPhase = (phase: RunJobPhase) => {
    result.phase = phase;
    emit({ type: 'phase', phase, pod: result.pod });
  };
  const fail = (error: unknown) => {
    if (error === undefined) return;
    if (signal?.aborted || (isLiumError(error) && error.code === 'aborted')) result.aborted = true;
    else result.error ??= error;
  };

  setPhase('rent');
  try {
    const acquired = await acquirePod(lium, options, result);
    if (acquired) {
      result.pod = acquired;
      emit({ type: 'rented', pod: acquired, reused: result.reused });
    }
  } catch (error) {
    fail(error);
  }
  const pod = result.pod;
  if (!pod) return result;

  let ran = false;
  try {
    // A pod that failed to become usable is only stopped.
    if (result.error !== undefined || result.aborted) throw result.error;
    if (options.attach && result.reused && (await attachToJob(lium, pod, options, result))) {
      // Followed to its end: on to the pull and the stop.
      ran = true;
    } else {
      if (options.syncDir !== undefined) {
        setPhase('sync');
        const exclude = await syncExcludes(options.syncDir, {
          includeEnv: options.includeEnv,
          extra: options.exclude,
        });
        await lium.executeCommand(pod, `mkdir -p ${shQuote(remoteDir)}`, { signal });
        const synced = await lium.syncDirectory(pod, {
          direction: 'up',
          localPath: `${options.syncDir.replace(/\/+$/, '')}/`,
          remotePath: `${remoteDir}/`,
          exclude,
          signal,
        });
        emit({ type: 'synced', pod, files: synced.transferred.length });
      } else {
        await lium.executeCommand(pod, `mkdir -p ${shQuote(remoteDir)}`, { signal });
      }
      setPhase('run');
      if (options.detach) {
        const started = await lium.executeCommand(pod, startJobLine(remoteDir, options.command), {
          signal,
          ...(options.env ? { env: options.env } : {}),
        });
        const { log, pidFile } = jobFiles(remoteDir);
        result.exitCode = started.exitCode;
        result.detached = { log, pidFile };
        result.phase = 'done';
        return result;
      }
      ran = true;
      const run = await lium.executeCommand(pod, `cd ${shQuote(remoteDir)} && ${options.command}`, {
        signal,
        ...(options.env ? { env: options.env } : {}),
        ...(options.onStdout ? { onStdout: options.onStdout } : {}),
        ...(options.onStderr ? { onStderr: options.onStderr } : {}),
      });
      result.exitCode = run.exitCode;
      result.signal = run.signal ?? null;
    }
  } catch (error) {
    fail(error);
  }
  // A job followed until Ctrl-C has outputs to pull all the same.
  if (result.attached) ran = true;

  // Cleanup runs whether the job succeeded, failed or was aborted, under its own time limit.
  const cleanup = AbortSignal.timeout(options.cleanupTimeoutMs ?? 60_000);
  const pullSignal = options.skipPullSignal
    ? AbortSignal.any([cleanup, options.skipPullSignal])
    : cleanup;
  if (ran && (options.pull?.length ?? 0) > 0 && !pullSignal.aborted) {
    setPhase('pull');
    const base = join(options.pullDir ?? 'lium-runs', pod.huid);
    for (const path of options.pull ?? []) {
      if (pullSignal.aborted) break;
      try {
        const localPath = await pullOne(
          lium,
          pod,
          remotePathOf(remoteDir, path),
          base,
          path,
          pullSignal,
        );
        if (localPath) result.pulled.push(localPath);
        emit({
          type: 'pulled',
          pod,
          path,
          localPath: localPath ?? join(base, path),
          found: !!localPath,
        });
      } catch (error) {
        if (!pullSignal.aborted) result.error ??= error;
      }
    }
  }
  if ((!result.reused || result.attached) && !options.keep) {
    setPhase('stop');
    try {
      await lium.stopPod(pod, { signal: cleanup });
      result.stopped = true;
      emit({ type: 'stopped', pod });
    } catch (error) {
      result.error ??= error;
      result.leftovers.push(pod.name || pod.huid);
    }
  }
  if (!result.error && !result.aborted) result.phase = 'done';
  return result;
}

/**
 * Follows the detached job on `pod` (see RunJobOptions.attach) until it ends; false when there
 * is none to follow and `command` should run instead. Aborting it stops the job too.
 */
async function attachToJob(
  lium: Lium,
  pod: PodInfo,
  options: RunJobOptions,
  result: RunJobResult,
): Promise<boolean> {
  const remoteDir = options.remoteDir ?? 'lium-run';
  const state = await detachedJobState(lium, pod, remoteDir, options.signal);
  if (state === 'none' && options.attach === 'always') {
    throw new LiumSdkError(`${pod.name || pod.huid} has no job started by a detached run`, {
      code: 'job_not_found',
      hint: 'Start one with `detach`, or run a command on the pod instead.',
    });
  }
  if (state === 'none' || (state === 'ended' && options.attach === 'if-running')) return false;
  result.attached = true;
  options.onEvent?.({ type: 'attached', pod, running: state === 'running' });
  result.phase = 'run';
  options.onEvent?.({ type: 'phase', phase: 'run', pod });
  try {
    result.exitCode = await followDetachedJob(lium, pod, remoteDir, {
      signal: options.signal,
      onOutput: options.onStdout,
    });
  } catch (error) {
    // Ctrl-C while following asks the job itself to stop, as it would a run's command.
    if (options.signal?.aborted) {
      await stopDetachedJob(lium, pod, remoteDir, AbortSignal.timeout(10_000)).catch(() => {});
    }
    throw error;
  }
  return true;
}

/** Pulls one path: a directory with rsync semantics into `base/path/`, a file as `base/path`. */
async function pullOne(
  lium: Lium,
  pod: PodInfo,
  remotePath: string,
  base: string,
  path: string,
  signal: AbortSignal,
): Promise<string | undefined> {
  const probe = await lium.executeCommand(
    pod,
    `if [ -d ${shQuote(remotePath)} ]; then echo dir; elif [ -e ${shQuote(remotePath)} ]; then echo file; fi`,
    { signal },
  );
  const kind = probe.stdout.toString().trim();
  const localPath = join(base, path.startsWith('/') ? posix.basename(path) : path);
  if (kind === 'dir') {
    await mkdir(localPath, { recursive: true });
    await lium.syncDirectory(pod, {
      direction: 'down',
      remotePath: `${remotePath.replace(/\/+$/, '')}/`,
      localPath: `${localPath}/`,
      signal,
    });
    return localPath;
  }
  if (kind === 'file') {
    await mkdir(join(localPath, '..'), { recursive: true });
    await lium.downloadFile(pod, remotePath, localPath, { signal });
    return localPath;
  }
  return undefined;
}

/** The pod to run on: the one named, a running pod of `name`, or a newly rented one. */
async function acquirePod(
  lium: Lium,
  options: RunJobOptions,
  result: RunJobResult,
): Promise<PodInfo | undefined> {
  const { signal, target } = options;
  if ('pod' in target) {
    result.reused = true;
    return typeof target.pod === 'string' ? lium.getPod(target.pod, { signal }) : target.pod;
  }
  if (options.name) {
    const existing = await lium.getPodByName(options.name, { signal });
    if (existing && existing.status === 'RUNNING') {
      result.reused = true;
      return existing;
    }
  }
  const executor =
    'executor' in target
      ? target.executor
      : await lium.bestExecutor({
          gpuType: target.gpuType,
          gpuCount: target.gpuCount,
          maxPricePerGpuHour: target.maxPricePerGpuHour,
          country: target.country,
          signal,
        });
  const [outcome] = await lium.startPods(
    [{ executor, podName: options.name ?? executor.huid, templateId: options.templateId }],
    { wait: true, waitTimeoutMs: options.waitTimeoutMs, ifExists: 'error', signal },
  );
  if (!outcome) return undefined;
  if (outcome.state === 'ready') return outcome.pod;
  if (outcome.state === 'unconfirmed' || outcome.state === 'maybe_rented')
    result.leftovers.push(outcome.pod?.name || outcome.pod?.huid || outcome.spec.podName);
  if (outcome.state === 'failed') {
    // It exists and costs money: the caller's cleanup stops it.
    result.error = outcome.error;
    return outcome.pod;
  }
  if (outcome.state === 'stopped' || signal?.aborted) result.aborted = true;
  if (outcome.error !== undefined) throw outcome.error;
  return undefined;
}
