import type { App } from '../app.ts';
import { HttpError } from '../http/errors.ts';
import type { RequestContext, Route } from '../http/types.ts';
import { Validator } from '../http/validate.ts';
import type { Executor } from '../market/executor.ts';
import { DEFAULT_PYTORCH_TEMPLATE_ID } from '../state/initial.ts';
import { podRow } from '../views.ts';
import { commitRental, readRentalFields, rentalProblem } from './rental.ts';

/** The `/version` feature that tells the newest client this route exists (reference §2.1.6). */
export const RENT_BY_SPEC = 'rent_by_spec';

/**
 * `POST /executors/rent-by-spec` ([N], reference §2.2.6): the server picks the cheapest
 * $/GPU·h node that meets the spec, ties broken by faster download, then id, and rents it
 * (or only reports it with `dry_run`).
 */
export function rentBySpecRoutes(app: App): Route[] {
  return [
    {
      method: 'POST',
      pattern: '/executors/rent-by-spec',
      auth: 'required',
      handler: (ctx) => rentBySpec(app, ctx),
    },
  ];
}

interface Constraint {
  name: string;
  value: number | string | boolean;
  ok: (e: Executor) => boolean;
  /** What the best node offers, for the failure message. */
  best: (nodes: Executor[]) => string;
}

function rentBySpec(app: App, ctx: RequestContext) {
  const v = new Validator('body', ctx.body);
  const gpuType = v.string('gpu_type', { minLength: 1 });
  const gpuCount = v.int('gpu_count', { min: 1, max: 8 }) ?? 1;
  const minVram = v.number('min_vram_gb', { min: 0 });
  const minCpus = v.int('min_cpus', { min: 0 });
  const minRam = v.number('min_ram_gb', { min: 0 });
  const minDisk = v.number('min_disk_gb', { min: 0 });
  const minDownload = v.number('min_download_mbps', { min: 0 });
  const minPorts = v.int('min_ports', { min: 0 });
  const maxPrice = v.number('max_price_per_gpu_hour', { min: 0 });
  const country = v.string('country', { minLength: 2, maxLength: 2 });
  const dind = v.bool('docker_in_docker');
  const dryRun = v.bool('dry_run') ?? false;
  const fields = readRentalFields(v, { defaultTemplate: true });
  v.done();

  const max = (nodes: Executor[], of: (e: Executor) => number): string =>
    String(Math.max(0, ...nodes.map(of)));
  const constraints: Constraint[] = [];
  const add = (
    name: string,
    value: number | string | boolean | undefined,
    ok: Constraint['ok'],
    best: Constraint['best'],
  ): void => {
    if (value !== undefined) constraints.push({ name, value, ok, best });
  };
  add(
    'gpu_type',
    gpuType,
    (e) => matchesGpuType(e.machine_name, gpuType as string),
    (n) => [...new Set(n.map((e) => e.machine_name))].slice(0, 3).join(', ') || 'nothing',
  );
  add(
    'gpu_count',
    gpuCount,
    (e) => e.gpu_count === gpuCount,
    (n) => [...new Set(n.map((e) => e.gpu_count))].sort().join('/'),
  );
  add(
    'min_vram_gb',
    minVram,
    (e) => (e.specs.gpu.details[0]?.capacity ?? 0) / 1024 >= (minVram as number),
    (n) => max(n, (e) => Math.floor((e.specs.gpu.details[0]?.capacity ?? 0) / 1024)),
  );
  add(
    'min_cpus',
    minCpus,
    (e) => e.specs.cpu.count >= (minCpus as number),
    (n) => max(n, (e) => e.specs.cpu.count),
  );
  add(
    'min_ram_gb',
    minRam,
    (e) => e.specs.ram.total / 1024 / 1024 >= (minRam as number),
    (n) => max(n, (e) => Math.floor(e.specs.ram.total / 1024 / 1024)),
  );
  add(
    'min_disk_gb',
    minDisk,
    (e) => e.specs.hard_disk.free / 1024 / 1024 >= (minDisk as number),
    (n) => max(n, (e) => Math.floor(e.specs.hard_disk.free / 1024 / 1024)),
  );
  add(
    'min_download_mbps',
    minDownload,
    (e) => e.effective_download_speed_mbps >= (minDownload as number),
    (n) => max(n, (e) => Math.floor(e.effective_download_speed_mbps)),
  );
  add(
    'min_ports',
    minPorts,
    (e) => e.available_port_count >= (minPorts as number),
    (n) => max(n, (e) => e.available_port_count),
  );
  add(
    'max_price_per_gpu_hour',
    maxPrice,
    (e) => e.price_per_gpu <= (maxPrice as number),
    (n) => `$${Math.min(...n.map((e) => e.price_per_gpu)).toFixed(2)}`,
  );
  add(
    'country',
    country,
    (e) => e.location.country_code === (country as string).toUpperCase(),
    (n) => [...new Set(n.map((e) => e.location.country_code))].slice(0, 5).join(', '),
  );
  add(
    'docker_in_docker',
    dind,
    (e) => e.specs.sysbox_runtime === dind,
    () => String(!dind),
  );

  let nodes = app.market.list({}, app.store.rentedExecutorIds);
  for (const constraint of constraints) {
    const kept = nodes.filter(constraint.ok);
    if (kept.length === 0) {
      throw new HttpError(
        404,
        'not_found',
        `${constraint.name}=${String(constraint.value)}: none of the ${nodes.length} node(s) matching the earlier constraints satisfies it; the best on offer is ${constraint.best(nodes)}`,
        { hint: 'Relax that constraint, or list nodes with GET /executors.' },
      );
    }
    nodes = kept;
  }
  nodes.sort(
    (a, b) =>
      a.price_per_gpu - b.price_per_gpu ||
      b.effective_download_speed_mbps - a.effective_download_speed_mbps ||
      a.id.localeCompare(b.id),
  );
  const candidates = nodes.length;
  const alternatives = nodes.slice(0, 5).map((e) => ({
    id: e.id,
    machine_name: e.machine_name,
    gpu_count: e.gpu_count,
    price_per_gpu: e.price_per_gpu,
    price_per_hour: e.price_per_hour,
    download_mbps: e.effective_download_speed_mbps,
    country_code: e.location.country_code,
  }));
  let attempts = 0;
  for (const executor of nodes) {
    attempts++;
    const problem = rentalProblem(app, executor, fields);
    if (problem !== undefined) {
      if (problem.status === 403) throw problem;
      continue;
    }
    const pod = dryRun ? undefined : commitRental(app, executor, fields);
    return {
      body: {
        selected_executor: executor,
        pod_id: pod?.id ?? null,
        pod: pod === undefined ? null : podRow(app, pod),
        price_per_hour: executor.price_per_hour,
        template_id: pod?.template_id ?? fields.templateId ?? DEFAULT_PYTORCH_TEMPLATE_ID,
        candidates,
        alternatives_considered: alternatives,
        attempts,
        dry_run: dryRun,
      },
    };
  }
  throw new HttpError(
    404,
    'not_found',
    `None of the ${candidates} matching node(s) can take this rental`,
    {
      hint: 'Ask for fewer ports, or relax the spec.',
    },
  );
}

/**
 * A short type (`H100`, `RTX4090`, `A100`) or a full machine name. Short types use the
 * official client's extraction (reference Appendix A, [L] `extract_gpu_type`).
 */
export function matchesGpuType(machineName: string, wanted: string): boolean {
  if (machineName.toLowerCase() === wanted.toLowerCase()) return true;
  return extractGpuType(machineName).toLowerCase() === wanted.replace(/\s+/g, '').toLowerCase();
}

export function extractGpuType(machineName: string): string {
  const rtx = /RTX\s*(\d{4})/i.exec(machineName);
  if (rtx) return `RTX${rtx[1]}`;
  const hbl = /([HBL])(\d{2,3}S?)/i.exec(machineName);
  if (hbl) return `${(hbl[1] as string).toUpperCase()}${(hbl[2] as string).toUpperCase()}`;
  const a = /A(\d{2,4})/i.exec(machineName);
  if (a) return `A${a[1]}`;
  return machineName.trim().split(/\s+/).pop() ?? machineName;
}
