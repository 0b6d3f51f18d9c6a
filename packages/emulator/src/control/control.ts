import type { App } from '../app.ts';
import { EmulatorError } from '../errors.ts';
import type { Isolation } from '../pods/index.ts';
import ssh2 from '../pods/ssh2.ts';
import type { PodFaultSpec } from '../runtime/fleet.ts';
import type { PodStatus } from '../state/types.ts';
import type { RouteFault, RouteFaultSpec } from './faults.ts';
import type { RecordedRequest, RequestFilter } from './recorder.ts';

export interface PodInspection {
  id: string;
  status: PodStatus;
  sshPort: number | null;
  /** Host directory holding the pod's /root, /workspace and /tmp. */
  dataDir: string;
  /** `ssh-ed25519 AAAA…`: what a client should see when it connects. */
  hostPublicKey: string;
  /** What the pod's commands run in, once running. */
  isolation: Isolation | null;
  faults: PodFaultSpec;
}

/** Test hooks for a running emulator; the same operations are served over HTTP under `/_emulator`. */
export interface EmulatorControl {
  /** Recorded API calls, oldest first (the key only as present/absent). */
  requests(filter?: RequestFilter): RecordedRequest[];
  clearRequests(): void;
  /** Injects a fault on matching API routes; returns it with its `id`. */
  addFault(spec: RouteFaultSpec): RouteFault;
  removeFault(id: string): boolean;
  clearFaults(): void;
  faults(): RouteFault[];
  /** SSH faults of one pod (merged with earlier ones): refuse, disconnect after N bytes, new host key on reboot. */
  setPodFaults(podId: string, faults: PodFaultSpec): PodFaultSpec;
  /** The next `count` rents end in CREATION_FAILED instead of RUNNING. */
  failNextRents(count?: number): void;
  /** The next `count` templates created (or re-imaged) end in VERIFY_FAILED. */
  failNextTemplateVerifications(count?: number): void;
  /** The next `count` backups started run, then end in FAILED with `reason` as their error. */
  failNextBackups(count?: number, reason?: string): void;
  /** Breaks a pod: FAILED, SSH stops (reboot brings it back), as when a node dies. */
  failPod(podId: string, reason?: string): void;
  balance(): number;
  setBalance(usd: number): void;
  /** Adds a line to a pod's container log (as if PID 1 printed it). */
  appendPodLog(podId: string, line: string): void;
  pod(podId: string): PodInspection | undefined;
}

export function createControl(app: App): EmulatorControl {
  const podOf = (podId: string) => {
    const pod = app.store.pods.get(podId);
    if (pod === undefined) {
      throw new EmulatorError(`No pod ${podId}`, {
        code: 'pod_not_found',
        hint: 'Use an id from GET /pods.',
      });
    }
    return pod;
  };
  return {
    requests: (filter) => app.recorder.list(filter),
    clearRequests: () => app.recorder.clear(),
    addFault: (spec) => app.faults.add(spec),
    removeFault: (id) => app.faults.remove(id),
    clearFaults: () => app.faults.clear(),
    faults: () => app.faults.list(),
    setPodFaults: (podId, faults) => {
      podOf(podId);
      return app.fleet.setPodFaults(podId, faults);
    },
    failNextRents: (count = 1) => app.fleet.failNextRents(count),
    failNextTemplateVerifications: (count = 1) => app.templates.failNextVerifications(count),
    failNextBackups: (count = 1, reason = 'Backup upload failed (injected by the emulator)') =>
      app.backups.failNext(count, reason),
    failPod: (podId, reason = 'Container exited unexpectedly (injected by the emulator)') =>
      app.fleet.fail(podOf(podId), reason),
    balance: () => {
      app.fleet.settleBilling();
      return app.store.balance;
    },
    setBalance: (usd) => {
      if (!Number.isFinite(usd)) {
        throw new EmulatorError('Balance must be a finite number of USD', {
          code: 'balance_invalid',
        });
      }
      app.fleet.settleBilling();
      app.store.balance = usd;
      app.store.changed();
      // At $0 the pods stop now, not at the next billing tick.
      app.fleet.settleBilling();
    },
    appendPodLog: (podId, line) => app.logs.append(podOf(podId), line),
    pod: (podId) => {
      const pod = app.store.pods.get(podId);
      if (pod === undefined) return undefined;
      return {
        id: pod.id,
        status: pod.status,
        sshPort: pod.ssh_port,
        dataDir: app.host.dataDir(pod.id),
        hostPublicKey: publicKeyOf(pod.host_key),
        isolation: app.host.isolation(pod.id) ?? null,
        faults: app.fleet.podFaultsOf(pod.id),
      };
    },
  };
}

function publicKeyOf(privateKey: string): string {
  // ssh2 is CommonJS: Node's ESM loader only offers its default export.
  const parsed = ssh2.utils.parseKey(privateKey);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (key === undefined || key instanceof Error) return '';
  return `${key.type} ${key.getPublicSSH().toString('base64')}`;
}
