import type { Readable } from 'node:stream';
import type { FetchLike, LiumAPIClientOptions } from '@lium/api';
import type { Env } from '@lium/config';
import type { ExecResult, TransferProgress } from '@lium/ssh';
import type { ContainerOverrides } from './container-overrides.ts';
import type { ExecutorFilter } from './executor-filter.ts';
import type { ExecutorInfo, PodInfo } from './models.ts';

/** Options of `new Lium()` and of its methods. */
export interface LiumOptions {
  /** Overrides `[api] api_key` and `LIUM_API_KEY`. */
  apiKey?: string | undefined;
  /** Overrides `[api] base_url` and `LIUM_BASE_URL`; default `https://lium.io/api`. */
  baseUrl?: string | undefined;
  /** Private (or public) key to rent pods with and log in; overrides `[ssh] key_path`. */
  sshKeyPath?: string | undefined;
  /** Where `config.ini`, snapshots, the key cache and pinned host keys live; default `~/.lium`. */
  configDir?: string | undefined;
  /** Environment to read settings from; default `process.env`. */
  env?: Env | undefined;
  /** Home directory for `~/.ssh` key discovery; default `$HOME`. */
  homeDir?: string | undefined;
  /**
   * The fetch the REST client uses (e.g. one with a proxy agent). Default: a transport over
   * `node:http(s)` that behaves as `fetch` without loading undici; pass `globalThis.fetch` to use
   * Node's own (say, with an undici global dispatcher).
   */
  fetch?: FetchLike | undefined;
  /** Options passed to the REST client (timeouts, retries, fetch, request hooks). */
  api?: Omit<LiumAPIClientOptions, 'apiKey' | 'baseUrl'> | undefined;
  /**
   * `tofu` (default) pins each pod's host key on first use; `off` accepts any key (also set by
   * `LIUM_SSH_INSECURE=1`).
   */
  hostKeyCheck?: 'tofu' | 'off' | undefined;
  /** SSH connect + handshake timeout; default 20 s. */
  sshConnectTimeoutMs?: number | undefined;
  /**
   * Poll interval of the waits (pod ready, template verified, jupyter); default 1 s. The pod-ready
   * wait keeps it steady (a ready pod is seen within about a second); the others grow it.
   */
  pollIntervalMs?: number | undefined;
  /** Longest poll interval of the waits (the pod-ready wait's after a 429); default 10 s. */
  maxPollIntervalMs?: number | undefined;
  /**
   * How the caller's user makes the lists that indices refer to, for messages and hints
   * (the CLI passes `{ executors: 'lium ls', pods: 'lium ps' }`); default the SDK methods.
   */
  listCommands?:
    | {
        /** What lists executors (`lium ls` in the CLI); default `lium.listExecutors()`. */
        executors?: string | undefined;
        /** What lists pods (`lium ps` in the CLI); default `lium.getPods()`. */
        pods?: string | undefined;
        /** What lists templates (`lium templates` in the CLI); default `lium.getTemplates()`. */
        templates?: string | undefined;
      }
    | undefined;
  /** Pod snapshots are per shell: the CLI's parent process id by default. */
  shellPid?: number | undefined;
  /** Name of SSH keys this SDK adds to the account; default `cli-<user>@<host>`. */
  sshKeyName?: string | undefined;
  /** Non-fatal problems (e.g. a key that could not be registered). */
  onWarning?: ((message: string) => void) | undefined;
}

/** A pod, or anything that names one: an id, HUID or name. */
export type PodRef = PodInfo | string;

/** The last argument of every SDK method. */
export interface CallOptions {
  /** Aborts the call (and any wait); the error has code `aborted`. */
  signal?: AbortSignal | undefined;
}

/** Options of {@link Lium.listExecutors}: the filter, the page size and a signal. */
export interface ListExecutorsOptions extends ExecutorFilter, CallOptions {
  /**
   * Page size asked of the server. Default 1000, what the official client always sends (the
   * server's own default is undocumented, reference §2.2.1).
   */
  size?: number | undefined;
  /** Only nodes within `maxDistanceMiles` of a point (the server filters: `lat`, `lon`, `max_distance_mile`). */
  near?:
    | {
        /** Latitude of the point, degrees. */
        lat: number;
        /** Longitude of the point, degrees. */
        lon: number;
        /** Radius around the point, miles. */
        maxDistanceMiles: number;
      }
    | undefined;
}

/** Options of {@link Lium.startPod}: which executor, and what to rent on it. */
export interface StartPodOptions extends CallOptions {
  /** An executor id or HUID, or the executor itself. */
  executorId: string | ExecutorInfo;
  /** Default: the executor's HUID (as the official CLI names pods). */
  podName?: string | undefined;
  /** Default: `template.default_id` from the config, else chosen as the reference §3.5 says. */
  templateId?: string | undefined;
  /** A volume (id or HUID) to attach, mounted in the pod; default none. */
  volumeId?: string | undefined;
  /** Number of external ports to map. */
  initialPortCount?: number | undefined;
  /** `reuse` returns the existing pod of that name instead of renting another; `error` refuses. */
  ifExists?: 'create' | 'reuse' | 'error' | undefined;
  /** Public keys to authorise, default the configured key's `.pub` lines. */
  publicKeys?: string[] | undefined;
  /** A Dockerfile (≤ 64 KiB) the node builds and runs instead of a template. */
  dockerfileContent?: string | undefined;
  /** Environment, entrypoint, command, ports: run on a one-time copy of the template. */
  container?: ContainerOverrides | undefined;
}

/** How a pod command ended: its output, exit code and whether it succeeded. */
export interface CommandResult extends ExecResult {
  /** True when the exit code is 0. */
  success: boolean;
}

/** Options of {@link Lium.executeCommand}. */
export interface ExecuteOptions extends CallOptions {
  /** Variables for the command; sent over stdin, never in the remote argv or logs. */
  env?: Record<string, string> | undefined;
  /** Stop the command after this many ms and throw; default no limit. */
  timeoutMs?: number | undefined;
  /** The command's stdin: data, or a stream piped in until it ends (or the command exits). */
  stdin?: string | Buffer | Readable | undefined;
  /** Called with each chunk of stdout as it arrives (it is still collected in the result). */
  onStdout?: ((chunk: Buffer) => void) | undefined;
  /** Called with each chunk of stderr as it arrives (it is still collected in the result). */
  onStderr?: ((chunk: Buffer) => void) | undefined;
}

/** Options of {@link Lium.executeMany}. */
export interface ExecuteManyOptions extends CallOptions {
  /** Pods running at once (default 32). */
  concurrency?: number | undefined;
  /** Variables for the command on every pod; sent over stdin, never in argv or logs. */
  env?: Record<string, string> | undefined;
  /** Stop the command on each pod after this many ms; default no limit. */
  timeoutMs?: number | undefined;
}

/** What {@link Lium.executeMany} yields as the pods run: output lines, then one result per pod. */
export type ExecuteManyEvent =
  | {
      /** A complete line of output from one pod. */
      type: 'line';
      /** The pod that wrote it. */
      pod: PodInfo;
      /** Which stream it came from. */
      stream: 'stdout' | 'stderr';
      /** The line, without its newline. */
      line: string;
    }
  | {
      /** One pod finished (or failed to run the command). */
      type: 'result';
      /** The pod. */
      pod: PodInfo;
      /** How the command ended; absent when it could not run. */
      result?: CommandResult;
      /** Why it could not run (connection, timeout, abort); absent on a result. */
      error?: unknown;
    };

/** Options of a single-pod upload or download. */
export interface TransferCallOptions extends CallOptions {
  /** Called with the bytes moved so far while it runs. */
  onProgress?: ((progress: TransferProgress) => void) | undefined;
}

/** Options of an upload to or download from many pods. */
export interface ManyTransferOptions extends CallOptions {
  /** Pods transferring at once (default 8). */
  concurrency?: number | undefined;
  /** Called with each pod's bytes moved so far while it runs. */
  onProgress?: ((pod: PodInfo, progress: TransferProgress) => void) | undefined;
}

/** What happened on one pod of a many-pod operation. */
export type PodOutcome<T> =
  | {
      /** The pod. */
      pod: PodInfo;
      /** What the operation returned on it. */
      result: T;
      /** Absent: it succeeded. */
      error?: undefined;
    }
  | {
      /** The pod. */
      pod: PodInfo;
      /** Absent: it failed. */
      result?: undefined;
      /** Why it failed on this pod (the other pods go on). */
      error: unknown;
    };

/** Options of {@link Lium.syncDirectory}. */
export interface SyncDirectoryOptions extends TransferCallOptions {
  /** The local directory (source for `up`, destination for `down`). */
  localPath: string;
  /** The pod's directory (destination for `up`, source for `down`); `~` is the pod's home. */
  remotePath: string;
  /** `up`: local to pod; `down`: pod to local. */
  direction: 'up' | 'down';
  /** Remove files in the destination that are not in the source (excluded files are kept). */
  delete?: boolean | undefined;
  /** rsync-style patterns (`*.log`, `node_modules/`, `/build`). */
  exclude?: string[] | undefined;
  /** Compress on the wire (`-z`; the SFTP fallback ignores it). */
  compress?: boolean | undefined;
  /** Report what would change without changing anything. */
  dryRun?: boolean | undefined;
  /** Compare contents, not size and mtime. */
  checksum?: boolean | undefined;
  /** `auto` (default): rsync when it exists on both ends, else SFTP. */
  method?: 'auto' | 'rsync' | 'sftp' | undefined;
  /**
   * `rsync` (default): a source directory written without a trailing `/` is copied as a folder
   * into the destination, as rsync does; `contents`: always its contents.
   */
  folderRule?: 'rsync' | 'contents' | undefined;
}

/** {@link SyncDirectoryOptions} for many pods at once. */
export interface SyncManyOptions extends Omit<SyncDirectoryOptions, 'onProgress'> {
  /** Pods syncing at once (default 8). */
  concurrency?: number | undefined;
  /** Called with each pod's bytes moved so far while it runs. */
  onProgress?: ((pod: PodInfo, progress: TransferProgress) => void) | undefined;
}

/** Options of {@link Lium.createTemplate}. */
export interface CreateTemplateOptions extends CallOptions {
  /** The template's name; also its description and readme when those are not given. */
  name: string;
  /** `image` or `image:tag`. */
  image: string;
  /** Default `latest` (or the tag in `image`). */
  tag?: string | undefined;
  /** Container ports to expose; default `[22, 8000]`. */
  internalPorts?: number[] | undefined;
  /** Environment variables set in pods made from it; default none. */
  environment?: Record<string, string> | undefined;
  /** Shell commands run when a pod starts; default none. */
  startupCommands?: string | undefined;
  /** The container entrypoint; default the image's. */
  entrypoint?: string | undefined;
  /** Container paths kept as volumes; default `['/workspace']`. */
  volumes?: string[] | undefined;
  /** Visible only to your account; default true. */
  isPrivate?: boolean | undefined;
  /** Deleted by the platform when the pod using it is removed (the official `--image` mode). */
  oneTime?: boolean | undefined;
  /** The marketplace category; default `UBUNTU`. */
  category?: string | undefined;
  /** Shown in template lists; default `name`. */
  description?: string | undefined;
  /** Wait for the platform to verify the image (default true). */
  wait?: boolean | undefined;
  /** How long to wait for verification, ms; default 300 000. */
  timeoutMs?: number | undefined;
}

/** Options of {@link Lium.setBackupConfig}: what to back up, how often and for how long. */
export interface BackupConfigOptions extends CallOptions {
  /** The pod directory to back up; default `/root` (the CLI's default). */
  path?: string | undefined;
  /** Hours between backups; default 6. */
  frequencyHours?: number | undefined;
  /** Days each backup is kept; default 7. */
  retentionDays?: number | undefined;
}

/** Like `@lium/ssh`'s ShellOptions, but any Node stream will do (a CLI's injected io). */
export interface LiumShellOptions {
  /** The terminal input; default `process.stdin`. */
  stdin?: NodeJS.ReadableStream | undefined;
  /** The terminal output; default `process.stdout`. */
  stdout?: NodeJS.WritableStream | undefined;
  /** Use the system `ssh` for full terminal behaviour when possible (default true). */
  preferSystemSsh?: boolean | undefined;
}
