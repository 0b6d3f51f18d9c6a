// The config file, for callers (the CLI's `init` and `config` commands) that edit it.
export {
  assertProfileExists,
  type ConfigEntry,
  DEFAULT_BASE_URL,
  DEFAULT_PROFILE,
  defaultConfigDir,
  findSshKey,
  isKnownConfigKey,
  KNOWN_CONFIG_KEYS,
  type LiumConfig,
  LiumConfigError,
  type LoadConfigOptions,
  loadConfig,
  PROFILE_ENV_VAR,
  profileStateDir,
} from '@lium/config';
export type {
  ForwardOptions,
  NewKeyPair,
  PortForward,
  ShellOptions,
  SyncResult,
  TransferProgress,
  TransferResult,
} from '@lium/ssh';
// The one POSIX shell quoter (from @lium/ssh's ssh2-free entry).
export { shQuote } from '@lium/ssh/target';
export {
  type BackupConfigInfo,
  type BackupLogInfo,
  type OperationLogInfo,
  type RestoreLogInfo,
  toBackupConfigInfo,
  toBackupLogInfo,
  toRestoreLogInfo,
  toUserInfo,
  type UserInfo,
} from './account-models.ts';
export {
  type BackupDeps,
  backupNow,
  getBackupRun,
  listBackupRuns,
  listRestoreRuns,
  type OperationProgress,
  parseBackupEvery,
  parseBackupKeep,
  removeBackup,
  restoreBackup,
  type SetBackupOptions,
  setBackup,
  showBackup,
  type WaitOperationOptions,
} from './backups.ts';
export {
  type AccountRunway,
  accountRunway,
  type BalanceDeps,
  balanceDepsOf,
  formatRunway,
  getAccountRunway,
} from './balance.ts';
export {
  type ContainerOverrides,
  createOverriddenTemplate,
  ephemeralTemplateName,
  hasContainerOverrides,
  type OverrideDeps,
  overriddenTemplateBody,
  parseInternalPorts,
} from './container-overrides.ts';
export { chooseDefaultTemplate, type DockerImageRef } from './default-template.ts';
export type { EngineProgress } from './docker-engine.ts';
export {
  LiumPodError,
  type LiumPodErrorCode,
  LiumSdkError,
  type LiumSdkErrorCode,
  LiumTargetError,
  type LiumTargetErrorCode,
  LiumUsageError,
  type LiumUsageErrorCode,
  POD_ERROR_CODES,
  SDK_ERROR_CODES,
  SDK_OWN_ERROR_CODES,
  type SdkErrorCode,
  TARGET_ERROR_CODES,
  USAGE_ERROR_CODES,
} from './errors.ts';
export { type ExecutorFilter, filterExecutors, machineNamesFor } from './executor-filter.ts';
export {
  type AmountChoice,
  createFundingApi,
  type FundEvent,
  type FundingApi,
  type FundingApiOptions,
  type FundOptions,
  type FundPasswordSource,
  type FundQuote,
  type FundResult,
  type FundWalletLocation,
  fund,
  LiumFundError,
  type LiumFundErrorCode,
} from './fund.ts';
export { type IgnoreRule, ignoredBy, parseIgnoreFile } from './git-ignore.ts';
export { extractGpuModel, gpuNameMatches, normalizeGpuName } from './gpu.ts';
export {
  type ForgottenHostKey,
  forgetPodHostKey,
  type HostKeyDeps,
  knownHostsDirOf,
  pinnedHostKeys,
} from './host-keys.ts';
export { generateHumanId, INVALID_HUID, looksLikeHumanId } from './huid.ts';
export {
  DOCKER_HUB_AUTH_ADDRESS,
  type DockerLoginSource,
  type ImagePhase,
  type ImageProgress,
  type PublishedImage,
  type PublishImageOptions,
  publishImage,
} from './image.ts';
export { LiumImageError, type LiumImageErrorCode } from './image-errors.ts';
export { Lium } from './lium.ts';
export {
  isContainerNotDeployed,
  LOG_OVERLAP_LINES,
  LogAligner,
  type LogsDeps,
  type LogsStatus,
  type PodLogOptions,
  streamPodLogLines,
} from './logs.ts';
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
export { type CreateSshKeyOptions, createSshKey } from './new-ssh-key.ts';
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
  SyncManyOptions,
  TransferCallOptions,
} from './options.ts';
export { MIN_PARETO_DOWNLOAD_MBPS, paretoFrontier } from './pareto.ts';
export {
  DEFAULT_IDLE_AFTER_MS,
  POD_ACTIVITY_FILE,
  type PodIdleness,
  podIdleness,
  readPodActivity,
  recordPodActivity,
} from './pod-activity.ts';
export type { BackupNowOptions, RestoreBackupOptions } from './pod-backups.ts';
export { type PodCostFields, podSpentUsd, podUptimeMs } from './pod-cost.ts';
export type { InstallJupyterOptions, StreamLogsOptions } from './pods.ts';
export {
  holdPortForwards,
  type OpenForward,
  openPortForwards,
  type PortForwardDeps,
  type PortForwards,
  type PortMapping,
  parsePortMappings,
  portForwardDepsOf,
} from './port-forward.ts';
export type { PreconnectOutcome } from './preconnect.ts';
export {
  BEST_DEFINITION,
  EXECUTOR_SORT_KEYS,
  type ExecutorSortKey,
  type RankedExecutor,
  rankExecutors,
} from './rank.ts';
export {
  type RebootDeps,
  type RebootOptions,
  type RebootPodsOptions,
  type RebootResult,
  rebootDepsOf,
  rebootPod,
  rebootPods,
} from './reboot.ts';
export {
  ALWAYS_EXCLUDED,
  IGNORE_FILES,
  type SyncSelection,
  type SyncSelectionOptions,
  selectSyncPaths,
  syncExcludes,
} from './run-ignore.ts';
export {
  type RunJobEvent,
  type RunJobOptions,
  type RunJobPhase,
  type RunJobResult,
  type RunJobTarget,
  runJob,
} from './run-job.ts';
export {
  readScheduleSnapshot,
  resolveScheduledTargets,
  SCHEDULE_SNAPSHOT_FILE,
  writeScheduleSnapshot,
} from './schedule-snapshot.ts';
export {
  cancelRemovalOf,
  listScheduledRemovals,
  type RemovalWhen,
  removalTime,
  type ScheduleDeps,
  type ScheduledRemoval,
  scheduleDepsOf,
  scheduledRemovals,
  scheduleRemovalOf,
} from './schedules.ts';
export type { ResolvePodsOptions } from './selections.ts';
export {
  type ExecutorSnapshot,
  type ExecutorSnapshotEntry,
  POD_SNAPSHOT_MAX_AGE_MS,
  type PodSnapshot,
  type PodSnapshotEntry,
} from './snapshots.ts';
export {
  checkSpend,
  checkSpendFor,
  type SpendCheck,
  type SpendLimits,
  type SpendViolation,
} from './spend-guard.ts';
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
export {
  type DynamicForwardSpec,
  type LocalForwardSpec,
  type OpenSshForward,
  openSshForwards,
  parseSshForward,
  type RemoteForwardSpec,
  type SshForwardDeps,
  type SshForwardKind,
  type SshForwardSpec,
  type SshForwards,
  sshForwardDepsOf,
} from './ssh-forwards.ts';
export { fingerprintPublicKey } from './ssh-key-cache.ts';
export type { RegisterKeysResult } from './ssh-key-registration.ts';
export {
  addSshKey,
  deleteAccountSshKey,
  findAccountSshKey,
  listSshKeyInfos,
  parsePublicKeyLine,
  readPublicKeyFile,
  removeSshKey,
  type SshKeyDeps,
  type SshKeyInfo,
  toSshKeyInfo,
} from './ssh-keys.ts';
export {
  type PodSpec,
  removalTimeOf,
  type StartPodOutcome,
  type StartPodsEvent,
  type StartPodsOptions,
} from './start-pods.ts';
export { folderNameToKeep, pullDirFor, remotePathWord } from './sync-paths.ts';
export {
  parseTargetSpec,
  type ResolveOptions,
  resolveTargets,
  type Targetable,
  type TargetToken,
} from './targets.ts';
export type { TemplateChoice } from './template-choice.ts';
export type { GetTemplatesOptions } from './templates.ts';
export {
  createTemplateAndVerify,
  type DeploymentForecast,
  deleteTemplate,
  deploymentForecast,
  type NewTemplateOptions,
  parseImageRef,
  type TemplateDeps,
  toDeploymentForecast,
  verificationLog,
} from './templates-create.ts';
export {
  type ParseDurationOptions,
  parseDuration,
  parseUntil,
  type RemovalSpec,
  resolveRemovalTime,
} from './time-spec.ts';
export {
  type CreateTopupOptions,
  createTopupInvoice,
  listTopupCurrencies,
  type TopupCurrency,
  type TopupDeps,
  type TopupInvoiceInfo,
  topupDepsOf,
} from './topup.ts';
export type { SyncedDirectory } from './transfers.ts';
export {
  parseVolumeSpec,
  readVolumeSnapshot,
  resolveVolumeTargets,
  VOLUME_SNAPSHOT_FILE,
  type VolumeDeps,
  type VolumeSpec,
  volumeDepsOf,
  volumeForRent,
  writeVolumeSnapshot,
} from './volumes.ts';
export { TERMINAL_POD_STATUSES, type WaitForReadyOptions } from './wait-ready.ts';
export {
  type CopiedWalletFile,
  copyWalletToPods,
  type WalletCopyOptions,
  type WalletCopyOutcome,
} from './wallet-copy.ts';
