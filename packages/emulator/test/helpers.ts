import { execFileSync } from 'node:child_process';
import { Client, utils } from 'ssh2';
import { expect } from 'vitest';
import { type Emulator, type EmulatorOptions, startEmulator } from '../src/index.ts';

export interface KeyPair {
  privateKey: string;
  publicKey: string;
}

export function newKeyPair(comment = 'emulator-test'): KeyPair {
  const pair = utils.generateKeyPairSync('ed25519', { comment });
  return { privateKey: pair.private, publicKey: pair.public };
}

/** An emulator with quick timings for tests; `close()` it in `afterAll`. */
export function startTestEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({
    apiKeys: ['test-key'],
    readyDelayMs: 100,
    executors: 200,
    templateVerifyDelayMs: 100,
    backupDurationMs: 200,
    ...options,
  });
}

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export type ApiClient = <T = unknown>(
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<ApiResponse<T>>;

/** Calls the emulator's API over real HTTP with the test key (override with headers). */
export function apiClient(emulator: Emulator, apiKey: string | null = emulator.apiKey): ApiClient {
  return async <T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const response = await fetch(`${emulator.baseUrl}${path}`, {
      method,
      headers: {
        ...(apiKey === null ? {} : { 'X-API-KEY': apiKey }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined
        ? {}
        : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Streams and deliberately malformed answers stay text.
    }
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  };
}

export interface PodRow {
  id: string;
  pod_name: string;
  status: string;
  ssh_connect_cmd: string | null;
  ports_mapping: Record<string, number>;
  price: number;
  gpu_count: string;
  executor: {
    id: string;
    price_per_gpu: null;
    price_per_hour: number;
    executor_ip_address: string;
  };
  template: { id: string; internal_ports: number[] };
  phase?: string;
  estimated_ready_seconds?: number;
  removal_scheduled_at: string | null;
}

export interface ExecutorRow {
  id: string;
  machine_name: string;
  gpu_count: number;
  price_per_gpu: number;
  price_per_hour: number;
  available_port_count: number;
  nvlink: boolean;
  effective_download_speed_mbps: number;
  location: { lat: number; lon: number; country_code: string };
  specs: {
    gpu: { count: number; driver: string; details: { name: string; capacity: number }[] };
    ram: { total: number };
  };
}

export const PYTORCH_TEMPLATE = '1948937e-5049-47ad-8e26-bcf1a4549d70';

/** Rents the cheapest-first available executor with the given key and template. */
export async function rentPod(
  api: ApiClient,
  publicKey: string,
  options: {
    executorId?: string;
    name?: string;
    templateId?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<PodRow & { success: boolean; pod_id: string }> {
  let executorId = options.executorId;
  if (executorId === undefined) {
    const list = await api<ExecutorRow[]>('GET', '/executors?size=1');
    executorId = list.body[0]?.id;
  }
  const response = await api<PodRow & { success: boolean; pod_id: string }>(
    'POST',
    `/executors/${executorId}/rent`,
    {
      pod_name: options.name ?? 'test-pod',
      template_id: options.templateId ?? PYTORCH_TEMPLATE,
      user_public_key: [publicKey],
    },
    options.headers,
  );
  if (response.status !== 200) throw new Error(`rent failed: ${response.status} ${response.text}`);
  return response.body;
}

/** Polls GET /pods/{id} until `predicate` holds (bounded). */
export async function waitForPod(
  api: ApiClient,
  podId: string,
  predicate: (pod: PodRow) => boolean = (pod) =>
    pod.status === 'RUNNING' && pod.ssh_connect_cmd !== null,
  timeoutMs = 20_000,
): Promise<PodRow> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await api<PodRow>('GET', `/pods/${podId}`);
    if (response.status === 200 && predicate(response.body)) return response.body;
    if (Date.now() > deadline) {
      // Events outlive the pod (reference §2.3.9), so they say why it never got there.
      const events = await api('GET', `/pods/${podId}/events`);
      throw new Error(
        `pod ${podId} never matched; last: ${response.text.slice(0, 300)}; events: ${events.text.slice(0, 1500)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function sshPortOf(pod: PodRow): number {
  const match = /^ssh root@127\.0\.0\.1 -p (\d+)$/.exec(pod.ssh_connect_cmd ?? '');
  if (match === null) throw new Error(`unexpected ssh_connect_cmd ${pod.ssh_connect_cmd}`);
  return Number(match[1]);
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  code: number | null;
  hostKey: string;
}

/** Connects with ssh2's Client, runs one command, and reports the host key the server showed. */
export function sshExec(port: number, privateKey: string, command: string): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let hostKey = '';
    client
      .on('ready', () => {
        client.exec(command, (error, stream) => {
          if (error) {
            client.end();
            reject(error);
            return;
          }
          let stdout = '';
          let stderr = '';
          let code: number | null = null;
          stream.on('data', (d: Buffer) => {
            stdout += d.toString();
          });
          stream.stderr.on('data', (d: Buffer) => {
            stderr += d.toString();
          });
          stream.on('exit', (c: number | null) => {
            code = c;
          });
          stream.on('close', () => {
            client.end();
            resolve({ stdout, stderr, code, hostKey });
          });
        });
      })
      .on('error', reject)
      .connect({
        host: '127.0.0.1',
        port,
        username: 'root',
        privateKey,
        readyTimeout: 15_000,
        hostVerifier: (key: Buffer) => {
          hostKey = key.toString('base64');
          return true;
        },
      });
  });
}

/** Polls GET /templates/{id} until verification ends; returns the final status. */
export async function waitForTemplate(
  api: ApiClient,
  id: string,
  timeoutMs = 10_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const t = await api<{ status: string }>('GET', `/templates/${id}`);
    if (t.body.status === 'VERIFY_SUCCESS' || t.body.status === 'VERIFY_FAILED')
      return t.body.status;
    if (Date.now() > deadline) throw new Error(`template ${id} still ${t.body.status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Hands out the listed executors one by one, so every test in a file rents a different node. */
export async function executorPool(api: ApiClient): Promise<() => ExecutorRow> {
  const executors = (await api<ExecutorRow[]>('GET', '/executors')).body;
  let next = 0;
  return () => {
    const executor = executors[next++];
    if (executor === undefined)
      throw new Error('the executor pool is used up; start the emulator with more executors');
    return executor;
  };
}

/** Processes whose command line starts with `marker` (pgrep -f), as pids. */
export function processesNamed(marker: string): string[] {
  try {
    return execFileSync('pgrep', ['-f', `^${marker}`], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

/** Polls `check` every 50 ms until it holds, then asserts it (bounded by `timeoutMs`). */
export async function eventually(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  expect(check()).toBe(true);
}
