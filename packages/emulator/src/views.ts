import type { App } from './app.ts';
import type { Executor } from './market/executor.ts';
import { isStarting, type PodRecord, type Template } from './state/types.ts';

/** A `/pods` row exactly as the reference describes it (§2.3.1). */
export function podRow(app: App, pod: PodRecord, now = Date.now()): Record<string, unknown> {
  const executor = app.market.get(pod.executor_id);
  const template = app.store.templates.get(pod.template_id)?.template;
  const running = pod.status === 'RUNNING' && pod.ssh_port !== null;
  const row: Record<string, unknown> = {
    id: pod.id,
    pod_name: pod.pod_name,
    status: pod.status,
    ssh_connect_cmd: running ? `ssh root@${app.config.advertisedHost} -p ${pod.ssh_port}` : null,
    ports_mapping: portsMapping(pod),
    created_at: pod.created_at,
    updated_at: pod.updated_at,
    price: pod.price,
    gpu_name: executor?.machine_name ?? null,
    gpu_count: String(executor?.gpu_count ?? 0),
    cpu_name: executor?.specs.cpu.model ?? null,
    ram_total: executor?.specs.ram.total ?? null,
    is_favorite: false,
    template: template === undefined ? null : templateForPod(template),
    executor: executor === undefined ? null : executorForPod(executor),
    removal_scheduled_at: pod.removal_scheduled_at,
    jupyter_installation_status: pod.jupyter_installation_status,
    jupyter_url: pod.jupyter_url,
    enable_volume_encryption: pod.enable_volume_encryption,
    volume_encryption_status: pod.enable_volume_encryption
      ? running
        ? 'ENCRYPTED'
        : 'PENDING'
      : null,
    volume_id: pod.volume_id,
    workspace_id: null,
  };
  if (isStarting(pod.status)) {
    const progress = app.fleet.progress(pod, now);
    row.phase = progress.phase;
    row.estimated_ready_seconds = progress.estimatedReadySeconds;
    row.eta_basis = 'executor_history';
  }
  return row;
}

/** `GET /pods/{id}`: the row plus `executor_status` and the last event (§2.3.2). */
export function podDetail(app: App, pod: PodRecord): Record<string, unknown> {
  const last = pod.events[pod.events.length - 1];
  return {
    ...podRow(app, pod),
    executor_status: {
      logs: pod.events.slice(-20).map((e) => ({ message: e.detail, created_at: e.created_at })),
    },
    last_event: last ?? null,
  };
}

export function portsMapping(pod: PodRecord): Record<string, number> {
  if (pod.ssh_port === null) return {};
  return { '22': pod.ssh_port, ...pod.extra_ports };
}

function templateForPod(template: Template): Record<string, unknown> {
  return { ...template };
}

/** The executor nested in a pod row: `price_per_gpu` is null there, the total is on the pod (§0). */
function executorForPod(executor: Executor): Record<string, unknown> {
  return {
    id: executor.id,
    machine_name: executor.machine_name,
    executor_ip_address: executor.executor_ip_address,
    validator_hotkey: executor.validator_hotkey,
    specs: executor.specs,
    uptime_in_minutes: executor.uptime_in_minutes,
    active: true,
    price_per_hour: executor.price_per_hour,
    price_per_gpu: null,
    gpu_count: executor.gpu_count,
    location: executor.location,
  };
}
