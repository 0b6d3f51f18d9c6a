/** The emulator's persisted records. Field names follow the wire (snake_case) where they are sent as-is. */

export type PodStatus =
  | 'PENDING'
  /** A reboot in progress (reference §3.1); a template switch goes through PENDING. */
  | 'REBOOT_PENDING'
  | 'RUNNING'
  | 'CREATION_FAILED'
  | 'DELETING'
  | 'FAILED'
  | 'STOPPED';

/** A pod on its way to RUNNING: created, rebooting or switching template. */
export function isStarting(status: PodStatus): boolean {
  return status === 'PENDING' || status === 'REBOOT_PENDING';
}

export type TemplateStatus =
  | 'CREATED'
  | 'UPDATED'
  | 'VERIFY_PENDING'
  | 'VERIFY_SUCCESS'
  | 'VERIFY_FAILED';

export interface Template {
  id: string;
  user_id: string | null;
  name: string;
  description: string;
  docker_image: string;
  docker_image_tag: string;
  docker_image_digest: string;
  docker_image_size: number | null;
  category: string;
  volumes: string[];
  environment: Record<string, string>;
  entrypoint: string;
  internal_ports: number[];
  is_private: boolean;
  readme: string;
  startup_commands: string;
  status: TemplateStatus;
  docker_credential_id: string | null;
  verification_logs: string;
  container_start_immediately: boolean;
  one_time_template: boolean;
  is_temporary: boolean;
  created_at: string;
  updated_at: string;
}

export interface TemplateRecord {
  template: Template;
  /** When verification finishes (ms since epoch), while VERIFY_PENDING. */
  verifyAt: number | null;
  verifyOutcome: 'VERIFY_SUCCESS' | 'VERIFY_FAILED' | null;
}

export interface PodRecord {
  id: string;
  pod_name: string;
  status: PodStatus;
  executor_id: string;
  template_id: string;
  created_at: string;
  updated_at: string;
  user_public_keys: string[];
  /** OpenSSH private host key, kept across reboots unless the "changed host key" fault is set. */
  host_key: string;
  /** The SSH port once the pod first ran; reused after reboots and restarts when free. */
  ssh_port: number | null;
  /** internal port (string) → external port, without "22" (added from ssh_port). */
  extra_ports: Record<string, number>;
  initial_port_count: number | null;
  volume_id: string | null;
  enable_volume_encryption: boolean;
  removal_scheduled_at: string | null;
  jupyter_installation_status: string | null;
  jupyter_url: string | null;
  /** ms since epoch when the current PENDING phase started, and when it ends. */
  pending_since: number;
  ready_at: number;
  /** The next readiness ends in CREATION_FAILED instead of RUNNING. */
  fail_creation: boolean;
  /** ms since epoch; CREATION_FAILED rows disappear a while after this. */
  failed_at: number | null;
  /** The container has existed at least once (logs answer 404 before that). */
  deployed: boolean;
  /** Billing is settled up to this time (ms since epoch). */
  billed_until: number;
  price: number;
  logs: string[];
  events: PodEvent[];
}

export interface PodEvent {
  id: string;
  pod_id: string;
  type: string;
  reason: string;
  detail: string;
  error?: string;
  created_at: string;
}

export interface SshKey {
  id: string;
  name: string;
  public_key: string;
  user_id: string;
  created_at: string;
  updated_at: string;
}

export interface Volume {
  id: string;
  name: string;
  description: string;
  created_at: string;
  updated_at: string;
  current_size_bytes: number;
  current_file_count: number;
  current_size_gb: number;
  current_size_mb: number;
  last_metrics_update: string | null;
}

export interface BackupConfig {
  id: string;
  pod_id: string;
  pod_executor_id: string;
  backup_frequency_hours: number;
  retention_days: number;
  backup_path: string;
  is_active: boolean;
  next_backup_at: string;
  created_at: string;
  updated_at: string;
}

export interface OperationTiming {
  /** ms since epoch. */
  startMs: number;
  durationMs: number;
}

/** What backups and restores share: a timed operation on one pod with progress 0–100. */
export interface Operation {
  id: string;
  pod_id: string;
  /** PENDING, IN_PROGRESS, then COMPLETED, FAILED or CANCELLED. */
  status: string;
  stage: string;
  progress: number;
  started_at: string;
  completed_at: string | null;
  error_message: string | null;
  created_at: string;
  timing: OperationTiming;
}

export interface BackupLog extends Operation {
  backup_config_id: string | null;
  name: string;
  description: string;
  backup_path: string;
  backup_volume_id: string;
  total_files: number;
  processed_files: number;
  total_bytes: number;
  processed_bytes: number;
  deleted: boolean;
}

export interface RestoreLog extends Operation {
  backup_id: string;
  logs: string[];
  restore_path: string;
}

export interface DockerCredential {
  id: string;
  user_id: string;
  username: string;
  password: string;
  created_at: string;
  updated_at: string;
}

export interface User {
  id: string;
  email: string;
  name: string;
  stripe_customer_id: string;
  email_verified: boolean;
  created_at: string;
}

export interface IdempotencyEntry {
  podId: string;
  /** executor id + body, so a reused key with another request is refused. */
  fingerprint: string;
}

export interface PersistedState {
  version: 1;
  seed: number;
  executorCount: number;
  user: User;
  balance: number;
  rentedExecutorIds: string[];
  pods: PodRecord[];
  templates: TemplateRecord[];
  sshKeys: SshKey[];
  volumes: Volume[];
  backupConfigs: BackupConfig[];
  backupLogs: BackupLog[];
  restoreLogs: RestoreLog[];
  dockerCredentials: DockerCredential[];
  idempotency: Record<string, IdempotencyEntry>;
  /** The random API key made when none was configured, so it stays the same across restarts. */
  generatedApiKey?: string;
}
