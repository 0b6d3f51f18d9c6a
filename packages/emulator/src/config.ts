import type { PodSshServer, SandboxMode } from './pods/index.ts';

/** Settings every part of a running emulator reads. */
export interface EmulatorConfig {
  /** Address the API and the pods listen on. */
  host: string;
  /** Address clients are told to connect to (`ssh root@<this> -p …`, `executor_ip_address`). */
  advertisedHost: string;
  apiKeys: string[];
  /** PENDING → RUNNING delay for rent, reboot and switch-template. */
  readyDelayMs: number;
  /** How long a CREATION_FAILED row stays listed before it disappears (reference: ~3 min). */
  creationFailedVisibleMs: number;
  /** VERIFY_PENDING → VERIFY_SUCCESS|VERIFY_FAILED delay. */
  templateVerifyDelayMs: number;
  /** How long a backup or restore takes from 0 to 100 %. */
  backupDurationMs: number;
  /** Minutes of runtime the balance must cover to rent (the 403 wording quotes it). */
  minimumRuntimeMinutes: number;
  /** `auto`: bubblewrap, else unshare, else pods refuse to start (see pods/sandbox.ts). */
  sandbox: SandboxMode;
  /** The pods' SSH server: the emulator's own (ssh2) or a real OpenSSH sshd per pod. */
  podSsh: PodSshServer;
}
