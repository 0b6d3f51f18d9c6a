import type { Readable } from 'node:stream';
import type { LiumAPIClientOptions } from '@lium/api';
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
  /** The fetch the REST client uses (e.g. one with a proxy agent); default the global one. */
  fetch?: typeof fetch | undefined;
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
    | { executors?: string | undefined; pods?: string | undefined; templates?: string | undefined }
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

export interface ListExecutorsOptions extends ExecutorFilter, CallOptions {
  /**
   * Page size asked of the server. Default 1000, what the official client always sends (the
   * server's own default is undocumented, reference §2.2.1).
   */
  size?: number | undefined;
  /** Only nodes within `maxDistanceMiles` of a point (the server filters: `lat`, `lon`, `max_distance_mile`). */
  near?: { lat: number; lon: number; maxDistanceMiles: number } | undefined;
}

export interface StartPodOptions extends CallOptions {
  /** An executor id or HUID, or the executor itself. */
  executorId: string | ExecutorInfo;
  /** Default: the executor's HUID (as the official CLI names pods). */
  podName?: string | undefined;
  /** Default: `template.default_id` from the config, else chosen as the reference §3.5 says. */
  templateId?: string | undefined;
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

export interface CommandResult extends ExecResult {
  success: boolean;
}

export interface ExecuteOptions extends CallOptions {
  env?: Record<string, string> | undefined;
  timeoutMs?: number | undefined;
  /** The command's stdin: data, or a stream piped in until it ends (or the command exits). */
  stdin?: string | Buffer | Readable | undefined;
  onStdout?: ((chunk: Buffer) => void) | undefined;
  onStderr?: ((chunk: Buffer) => void) | undefined;
}

export interface ExecuteManyOptions extends CallOptions {
  /** Pods running at once (default 32). */
  concurrency?: number | undefined;
  env?: Record<string, string> | undefined;
  timeoutMs?: number | undefined;
}

export type ExecuteManyEvent =
  | { type: 'line'; pod: PodInfo; stream: 'stdout' | 'stderr'; line: string }
  | { type: 'result'; pod: PodInfo; result?: CommandResult; error?: unknown };

export interface TransferCallOptions extends CallOptions {
  onProgress?: ((progress: TransferProgress) => void) | undefined;
}

export interface ManyTransferOptions extends CallOptions {
  /** Pods transferring at once (default 8). */
  concurrency?: number | undefined;
  onProgress?: ((pod: PodInfo, progress: TransferProgress) => void) | undefined;
}

/** What happened on one pod of a many-pod operation. */
export type PodOutcome<T> =
  | { pod: PodInfo; result: T; error?: undefined }
  | { pod: PodInfo; result?: undefined; error: unknown };

export interface SyncDirectoryOptions extends TransferCallOptions {
  localPath: string;
  remotePath: string;
  direction: 'up' | 'down';
  delete?: boolean | undefined;
  exclude?: string[] | undefined;
  compress?: boolean | undefined;
  dryRun?: boolean | undefined;
  checksum?: boolean | undefined;
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
  onProgress?: ((pod: PodInfo, progress: TransferProgress) => void) | undefined;
}

export interface CreateTemplateOptions extends CallOptions {
  name: string;
  /** `image` or `image:tag`. */
  image: string;
  /** Default `latest` (or the tag in `image`). */
  tag?: string | undefined;
  internalPorts?: number[] | undefined;
  environment?: Record<string, string> | undefined;
  startupCommands?: string | undefined;
  entrypoint?: string | undefined;
  volumes?: string[] | undefined;
  isPrivate?: boolean | undefined;
  /** Deleted by the platform when the pod using it is removed (the official `--image` mode). */
  oneTime?: boolean | undefined;
  category?: string | undefined;
  description?: string | undefined;
  /** Wait for the platform to verify the image (default true). */
  wait?: boolean | undefined;
  timeoutMs?: number | undefined;
}

export interface BackupConfigOptions extends CallOptions {
  /** Default `/root` (the CLI's default). */
  path?: string | undefined;
  /** Default 6. */
  frequencyHours?: number | undefined;
  /** Default 7. */
  retentionDays?: number | undefined;
}

/** Like `@lium/ssh`'s ShellOptions, but any Node stream will do (a CLI's injected io). */
export interface LiumShellOptions {
  stdin?: NodeJS.ReadableStream | undefined;
  stdout?: NodeJS.WritableStream | undefined;
  /** Use the system `ssh` for full terminal behaviour when possible (default true). */
  preferSystemSsh?: boolean | undefined;
}
