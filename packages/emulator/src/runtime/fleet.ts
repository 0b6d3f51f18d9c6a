import { randomUUID } from 'node:crypto';
import type { EmulatorConfig } from '../config.ts';
import type { Executor } from '../market/executor.ts';
import { generateHostKey, type PodFaults } from '../pods/index.ts';
import type { Store } from '../state/store.ts';
import { isStarting, type PodEvent, type PodRecord, type Template } from '../state/types.ts';
import type { LogHub } from './log-hub.ts';
import type { PodHost, StartedPod } from './pod-host.ts';

/** Pod-level faults: the SSH ones go to the pod server, `changeHostKeyOnReboot` is applied here. */
export interface PodFaultSpec extends PodFaults {
  /** The next reboot or template switch gives the pod a new SSH host key. */
  changeHostKeyOnReboot?: boolean;
}

export interface RentInput {
  executor: Executor;
  podName: string;
  template: Template;
  userPublicKeys: string[];
  volumeId: string | null;
  initialPortCount: number | null;
  enableVolumeEncryption: boolean;
}

/** Creation steps reported in `phase` while a pod is PENDING (reference §2.3.1). */
const PHASES = [
  'queued',
  'preparing node',
  'connecting to node',
  'pulling image',
  'creating volume',
  'starting container',
  'configuring ssh',
] as const;

/**
 * The pod state machine: PENDING → RUNNING (a real SSH server starts) or CREATION_FAILED, reboot
 * and switch-template back through PENDING, deletion, scheduled removal, and billing. Changes to
 * the store are made synchronously so a request either commits or does not; the SSH servers are
 * started and stopped behind it.
 */
export class Fleet {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Bumped on every reboot/switch/delete so a slow start that lost the race is undone. */
  private readonly generations = new Map<string, number>();
  private readonly chains = new Map<string, Promise<void>>();
  private readonly podFaults = new Map<string, PodFaultSpec>();
  private rentFailures = 0;
  private closed = false;

  constructor(
    private readonly config: EmulatorConfig,
    private readonly store: Store,
    private readonly host: PodHost,
    private readonly logs: LogHub,
  ) {}

  /**
   * Brings pods back after a restart of the emulator: RUNNING ones get their SSH server again
   * (same host key, and the same port when it is free) before this resolves.
   */
  async resume(): Promise<void> {
    const now = Date.now();
    const starts: Promise<void>[] = [];
    for (const pod of this.store.pods.values()) {
      pod.billed_until = Math.max(pod.billed_until, now);
      if (pod.status === 'RUNNING') {
        this.logs.append(pod, 'Emulator restarted; container resumed');
        starts.push(this.startServer(pod.id, this.generation(pod.id)));
      } else if (isStarting(pod.status)) {
        this.schedule(pod);
      }
    }
    await Promise.all(starts);
  }

  failNextRents(count: number): void {
    this.rentFailures += count;
  }

  rent(input: RentInput): PodRecord {
    const now = Date.now();
    const iso = new Date(now).toISOString();
    const failCreation = this.rentFailures > 0;
    if (failCreation) this.rentFailures--;
    const pod: PodRecord = {
      id: randomUUID(),
      pod_name: input.podName,
      status: 'PENDING',
      executor_id: input.executor.id,
      template_id: input.template.id,
      created_at: iso,
      updated_at: iso,
      user_public_keys: input.userPublicKeys,
      host_key: generateHostKey(),
      ssh_port: null,
      extra_ports: {},
      initial_port_count: input.initialPortCount,
      volume_id: input.volumeId,
      enable_volume_encryption: input.enableVolumeEncryption,
      removal_scheduled_at: null,
      jupyter_installation_status: null,
      jupyter_url: null,
      pending_since: now,
      ready_at: now + this.config.readyDelayMs,
      fail_creation: failCreation,
      failed_at: null,
      deployed: false,
      billed_until: now,
      price: input.executor.price_per_hour,
      logs: [],
      events: [],
    };
    this.store.pods.set(pod.id, pod);
    this.store.rentedExecutorIds.add(input.executor.id);
    this.event(pod, 'pod.created', 'Rented', `Pod rented on ${input.executor.machine_name}`);
    this.schedule(pod);
    this.store.changed();
    return pod;
  }

  /** Where the pod's creation stands while PENDING. */
  progress(pod: PodRecord, now = Date.now()): { phase: string; estimatedReadySeconds: number } {
    const total = Math.max(1, pod.ready_at - pod.pending_since);
    const fraction = Math.min(1, Math.max(0, (now - pod.pending_since) / total));
    const index = Math.min(PHASES.length - 1, Math.floor(fraction * PHASES.length));
    return {
      phase: PHASES[index] as string,
      estimatedReadySeconds: Math.max(0, Math.ceil((pod.ready_at - now) / 1000)),
    };
  }

  delete(pod: PodRecord): void {
    pod.status = 'DELETING';
    this.store.pods.delete(pod.id);
    this.release(pod);
    this.event(pod, 'pod.deleted', 'Deleted', 'Pod deleted');
    const template = this.store.templates.get(pod.template_id)?.template;
    if (template !== undefined && (template.one_time_template || template.is_temporary)) {
      const stillUsed = [...this.store.pods.values()].some((p) => p.template_id === template.id);
      if (!stillUsed) this.store.templates.delete(template.id);
    }
    for (const config of this.store.backupConfigs.values()) {
      if (config.pod_id === pod.id) this.store.backupConfigs.delete(config.id);
    }
    this.podFaults.delete(pod.id);
    this.logs.end(pod.id);
    this.stopServer(pod.id, true);
    this.store.changed();
  }

  /** Reboot (or template switch): back to PENDING, the SSH server is replaced. */
  restart(pod: PodRecord, options: { wipeData: boolean; reason: string }): void {
    const now = Date.now();
    pod.status = options.reason === 'Reboot' ? 'REBOOT_PENDING' : 'PENDING';
    pod.pending_since = now;
    pod.ready_at = now + this.config.readyDelayMs;
    pod.updated_at = new Date(now).toISOString();
    const faults = this.podFaults.get(pod.id);
    if (faults?.changeHostKeyOnReboot === true) pod.host_key = generateHostKey();
    this.event(pod, 'pod.restarting', options.reason, `Pod ${options.reason.toLowerCase()}`);
    this.logs.append(pod, `${options.reason}: stopping container`);
    this.stopServer(pod.id, options.wipeData);
    this.schedule(pod);
    this.store.changed();
  }

  setPodFaults(podId: string, faults: PodFaultSpec): PodFaultSpec {
    const merged = { ...this.podFaults.get(podId), ...faults };
    this.podFaults.set(podId, merged);
    this.host.setFaults(podId, sshFaults(merged));
    return merged;
  }

  podFaultsOf(podId: string): PodFaultSpec {
    return { ...this.podFaults.get(podId) };
  }

  /** Charges every live pod up to now. */
  settleBilling(now = Date.now()): void {
    for (const pod of this.store.pods.values()) {
      if (!isStarting(pod.status) && pod.status !== 'RUNNING') {
        pod.billed_until = now;
        continue;
      }
      const hours = (now - pod.billed_until) / 3_600_000;
      if (hours > 0) {
        this.store.balance -= pod.price * hours;
        pod.billed_until = now;
      }
    }
    if (this.store.balance <= 0) this.stopForBalance();
  }

  /**
   * The balance ran out: the reference is silent, so the emulator does what a prepaid service
   * must: every billed pod becomes STOPPED (still listed, SSH off, files kept, no longer
   * billed) and the balance stays at 0, never below. Funding the account and rebooting the pod
   * brings it back.
   */
  private stopForBalance(): void {
    this.store.balance = Math.max(0, this.store.balance);
    for (const pod of this.store.pods.values()) {
      if (!isStarting(pod.status) && pod.status !== 'RUNNING') continue;
      const timer = this.timers.get(pod.id);
      if (timer !== undefined) clearTimeout(timer);
      this.timers.delete(pod.id);
      pod.status = 'STOPPED';
      pod.updated_at = new Date().toISOString();
      const message = 'Balance reached $0: pod stopped. Add funds, then reboot it to start again.';
      this.event(pod, 'pod.stopped', 'InsufficientBalance', message, message);
      this.logs.append(pod, message);
      this.stopServer(pod.id, false);
    }
    this.store.changed();
  }

  /** Periodic work: scheduled removals and expiry of CREATION_FAILED rows. */
  sweep(now = Date.now()): void {
    for (const pod of [...this.store.pods.values()]) {
      if (pod.removal_scheduled_at !== null && Date.parse(pod.removal_scheduled_at) <= now) {
        this.logs.append(pod, 'Scheduled removal reached; terminating');
        this.delete(pod);
      } else if (
        pod.status === 'CREATION_FAILED' &&
        pod.failed_at !== null &&
        now - pod.failed_at >= this.config.creationFailedVisibleMs
      ) {
        this.store.pods.delete(pod.id);
        this.logs.end(pod.id);
        this.stopServer(pod.id, true);
        this.store.changed();
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.logs.endAll();
    while (this.chains.size > 0) await Promise.all(this.chains.values());
    await this.host.stopAll();
  }

  event(pod: PodRecord, type: string, reason: string, detail: string, error?: string): void {
    const event: PodEvent = {
      id: randomUUID(),
      pod_id: pod.id,
      type,
      reason,
      detail,
      ...(error === undefined ? {} : { error }),
      created_at: new Date().toISOString(),
    };
    pod.events.push(event);
    if (pod.events.length > 200) pod.events.splice(0, pod.events.length - 200);
  }

  private generation(podId: string): number {
    return this.generations.get(podId) ?? 0;
  }

  private schedule(pod: PodRecord): void {
    if (this.closed) return;
    const existing = this.timers.get(pod.id);
    if (existing !== undefined) clearTimeout(existing);
    const generation = this.generation(pod.id);
    const delay = Math.max(0, pod.ready_at - Date.now());
    const template = this.store.templates.get(pod.template_id)?.template;
    if (template !== undefined) {
      this.logs.append(pod, `Pulling image ${template.docker_image}:${template.docker_image_tag}`);
    }
    this.timers.set(
      pod.id,
      setTimeout(() => {
        this.timers.delete(pod.id);
        this.becomeReady(pod.id, generation);
      }, delay),
    );
  }

  private becomeReady(podId: string, generation: number): void {
    const pod = this.store.pods.get(podId);
    if (pod === undefined || !isStarting(pod.status) || this.generation(podId) !== generation)
      return;
    if (pod.fail_creation) {
      pod.fail_creation = false;
      this.markCreationFailed(pod, 'Container failed to start (injected by the emulator)');
      return;
    }
    void this.startServer(podId, generation);
  }

  private startServer(podId: string, generation: number): Promise<void> {
    return this.enqueue(podId, async () => {
      const pod = this.store.pods.get(podId);
      if (pod === undefined || this.closed || this.generation(podId) !== generation) return;
      const template = this.store.templates.get(pod.template_id)?.template;
      let started: StartedPod;
      try {
        started = await this.host.start({
          podId,
          hostKey: pod.host_key,
          authorizedKeys: pod.user_public_keys,
          env: { ...template?.environment, LIUM_POD_ID: podId, LIUM_POD_NAME: pod.pod_name },
          sshPort: pod.ssh_port,
          extraPorts: this.wantedPorts(pod, template),
          faults: sshFaults(this.podFaults.get(podId) ?? {}),
        });
      } catch (error) {
        const current = this.store.pods.get(podId);
        if (current === undefined || this.closed || this.generation(podId) !== generation) return;
        const hint = (error as { hint?: unknown } | undefined)?.hint;
        const reason =
          (error instanceof Error ? error.message : String(error)) +
          (typeof hint === 'string' ? `. ${hint}` : '');
        this.markCreationFailed(current, `Could not start the pod's SSH server: ${reason}`);
        return;
      }
      const current = this.store.pods.get(podId);
      if (current === undefined || this.closed || this.generation(podId) !== generation) {
        await this.host.stop(podId);
        return;
      }
      current.ssh_port = started.sshPort;
      current.extra_ports = started.extraPorts;
      if (isStarting(current.status)) {
        current.status = 'RUNNING';
        current.deployed = true;
        current.updated_at = new Date().toISOString();
        this.event(
          current,
          'pod.running',
          'Started',
          `Container running; SSH is ready (isolation: ${started.isolation}${started.isolation === 'none' ? ', NOT sandboxed: commands run on the host' : ''})`,
        );
        this.logs.append(current, `Container started (isolation: ${started.isolation})`);
        this.logs.append(current, `SSH server listening on port ${started.sshPort}`);
        if (template?.startup_commands) this.runStartupCommands(current, template.startup_commands);
      }
      this.store.changed();
    });
  }

  /**
   * A template's `startup_commands` run at every start of the container, and what they print is
   * the container's own output, so it goes to the pod's log (`GET /pods/{id}/logs` is PID 1's
   * stdout/stderr, reference §2.3.5 and §5.6): `lium up --image … --cmd …` streams that log. The
   * reference does not say what happens when they end; the pod stays RUNNING (its SSH server is
   * the emulator's, not the command), and the log says how they ended.
   */
  private runStartupCommands(pod: PodRecord, command: string): void {
    this.logs.append(pod, `Running startup commands: ${command}`);
    const generation = this.generation(pod.id);
    const running = this.host.run(pod.id, command, (line) => {
      const current = this.store.pods.get(pod.id);
      if (current !== undefined) this.logs.append(current, line);
    });
    void running?.then((code) => {
      const current = this.store.pods.get(pod.id);
      if (current === undefined || this.closed || this.generation(pod.id) !== generation) return;
      this.logs.append(
        current,
        code === null
          ? 'Startup commands ended by a signal'
          : `Startup commands exited with code ${code}`,
      );
    });
  }

  /** Runs pod-server work for one pod strictly one step after another, so starts and stops never overlap. */
  private enqueue(podId: string, task: () => Promise<void>): Promise<void> {
    const previous = this.chains.get(podId) ?? Promise.resolve();
    const next = previous.then(task).catch(() => undefined);
    this.chains.set(podId, next);
    void next.finally(() => {
      if (this.chains.get(podId) === next) this.chains.delete(podId);
    });
    return next;
  }

  private wantedPorts(pod: PodRecord, template: Template | undefined): Record<string, number> {
    const ports: Record<string, number> = {};
    const internal = (template?.internal_ports ?? []).filter((p) => p !== 22);
    // `initial_port_count` counts every mapped port, SSH included (reference §7).
    const limit =
      pod.initial_port_count === null ? internal.length : Math.max(0, pod.initial_port_count - 1);
    for (const port of internal.slice(0, limit))
      ports[String(port)] = pod.extra_ports[String(port)] ?? 0;
    return ports;
  }

  /** A running pod breaks: FAILED (still listed, no longer billed), its SSH server stops, files stay. */
  fail(pod: PodRecord, message: string): void {
    const timer = this.timers.get(pod.id);
    if (timer !== undefined) clearTimeout(timer);
    this.timers.delete(pod.id);
    pod.status = 'FAILED';
    pod.updated_at = new Date().toISOString();
    this.event(pod, 'pod.failed', 'Failed', message, message);
    this.logs.append(pod, message);
    this.stopServer(pod.id, false);
    this.store.changed();
  }

  private markCreationFailed(pod: PodRecord, message: string): void {
    pod.status = 'CREATION_FAILED';
    pod.failed_at = Date.now();
    pod.updated_at = new Date().toISOString();
    this.event(pod, 'pod.creation_failed', 'CreationFailed', message, message);
    this.logs.append(pod, message);
    this.release(pod);
    this.store.changed();
  }

  private release(pod: PodRecord): void {
    const timer = this.timers.get(pod.id);
    if (timer !== undefined) clearTimeout(timer);
    this.timers.delete(pod.id);
    this.store.rentedExecutorIds.delete(pod.executor_id);
  }

  private stopServer(podId: string, wipeData: boolean): void {
    this.generations.set(podId, this.generation(podId) + 1);
    void this.enqueue(podId, async () => {
      await this.host.stop(podId);
      if (wipeData) await this.host.removeData(podId);
    });
  }
}

function sshFaults(spec: PodFaultSpec): PodFaults {
  const faults: PodFaults = {};
  if (spec.refuseConnections !== undefined) faults.refuseConnections = spec.refuseConnections;
  if (spec.disconnectAfterBytes !== undefined)
    faults.disconnectAfterBytes = spec.disconnectAfterBytes;
  return faults;
}
