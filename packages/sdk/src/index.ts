// The config file, for callers (the CLI's `init` and `config` commands) that edit it.
export {
  assertProfileExists,
  type ConfigEntry,
  DEFAULT_BASE_URL,
  DEFAULT_PROFILE,
  defaultConfigDir,
  findSshKey,
  type LiumConfig,
  LiumConfigError,
  type LoadConfigOptions,
  loadConfig,
  PROFILE_ENV_VAR,
  profileStateDir,
} from '@lium/config';
export type {
  ForwardOptions,
  PortForward,
  ShellOptions,
  SyncResult,
  TransferProgress,
  TransferResult,
} from '@lium/ssh';
export { chooseDefaultTemplate, type DockerImageRef } from './default-template.ts';
export {
  LiumPodError,
  type LiumPodErrorCode,
  LiumTargetError,
  type LiumTargetErrorCode,
  LiumUsageError,
} from './errors.ts';
export { type ExecutorFilter, filterExecutors, machineNamesFor } from './executor-filter.ts';
export { extractGpuModel, gpuNameMatches, normalizeGpuName } from './gpu.ts';
export { generateHumanId, INVALID_HUID, looksLikeHumanId } from './huid.ts';
export { Lium } from './lium.ts';
export {
  type ExecutorInfo,
  type ExecutorSpecs,
  type LocationInfo,
  type PodInfo,
  type PodTemplateInfo,
  type TemplateInfo,
  toExecutorInfo,
  toPodInfo,
  toTemplateInfo,
  toVolumeInfo,
  type VolumeInfo,
} from './models.ts';
export type {
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
export { MIN_PARETO_DOWNLOAD_MBPS, paretoFrontier } from './pareto.ts';
export {
  type ExecutorSnapshot,
  type ExecutorSnapshotEntry,
  POD_SNAPSHOT_MAX_AGE_MS,
  type PodSnapshot,
  type PodSnapshotEntry,
} from './snapshots.ts';
export {
  installSshInclude,
  isSshConfigPod,
  LiumSshConfigError,
  parseSshConfig,
  renderSshConfig,
  SSH_CONFIG_FILE,
  SSH_INCLUDE_MARKER,
  type SshConfigChange,
  type SshConfigHost,
  SshConfigManager,
  type SshConfigManagerOptions,
  type SshConfigSource,
  sshConfigHostFor,
  uninstallSshInclude,
} from './ssh-config.ts';
export { fingerprintPublicKey } from './ssh-key-cache.ts';
export type { RegisterKeysResult } from './ssh-key-registration.ts';
export {
  parseTargetSpec,
  type ResolveOptions,
  resolveTargets,
  type Targetable,
  type TargetToken,
} from './targets.ts';
export { parseDuration, parseUntil, type RemovalSpec, resolveRemovalTime } from './time-spec.ts';
export { TERMINAL_POD_STATUSES, type WaitForReadyOptions } from './wait-ready.ts';
