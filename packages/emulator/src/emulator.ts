import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { App } from './app.ts';
import type { EmulatorConfig } from './config.ts';
import { createControl, type EmulatorControl } from './control/control.ts';
import { FaultTable } from './control/faults.ts';
import { Recorder } from './control/recorder.ts';
import { controlRoutes } from './control/routes.ts';
import { EmulatorError } from './errors.ts';
import { createApiServer } from './http/server.ts';
import { Market } from './market/market.ts';
import type { PodSshServer, SandboxMode } from './pods/index.ts';
import { accountRoutes } from './routes/account.ts';
import { auditRoutes } from './routes/audit.ts';
import { backupRoutes } from './routes/backups.ts';
import { executorRoutes } from './routes/executors.ts';
import { payRoutes } from './routes/pay.ts';
import { podRoutes } from './routes/pods.ts';
import { rentBySpecRoutes } from './routes/rent-by-spec.ts';
import { sessionRoutes } from './routes/sessions.ts';
import { sshKeyRoutes } from './routes/ssh-keys.ts';
import { taoDepositRoutes } from './routes/tao-deposits.ts';
import { templateRoutes } from './routes/templates.ts';
import { volumeRoutes } from './routes/volumes.ts';
import { Backups } from './runtime/backups.ts';
import { Fleet } from './runtime/fleet.ts';
import { LogHub } from './runtime/log-hub.ts';
import { PodHost } from './runtime/pod-host.ts';
import { Templates } from './runtime/templates.ts';
import { initialState } from './state/initial.ts';
import { Store } from './state/store.ts';

export interface EmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Listen address for the API and the pods; default 127.0.0.1. */
  host?: string;
  /** Accepted API keys; default one random `lium-emu-…` key. */
  apiKeys?: readonly string[];
  /** Marketplace seed (default 1). The same seed gives the same executors, ids included. */
  seed?: number;
  /** Number of executors (default 300, up to 20 000). */
  executors?: number;
  /** PENDING → RUNNING delay (default 500 ms). */
  readyDelayMs?: number;
  /** Keep pods, volumes, keys, templates… in this directory so they survive a restart. */
  stateDir?: string;
  /** Starting balance in USD (default 10 000). */
  balance?: number;
  /**
   * Pod isolation: `auto` (default) uses bubblewrap, else `unshare` namespaces, and refuses to
   * start pods where neither works; `none` runs pod commands on the host (warned at every start).
   */
  sandbox?: SandboxMode;
  /**
   * The pods' SSH server: `ssh2` (default, the emulator's own, with connection faults) or
   * `openssh`, a real OpenSSH `sshd` per pod (what lium.io pods run; needs root and
   * openssh-server; every session enters the same sandbox, so files are the same either way).
   */
  podSsh?: PodSshServer;
  /** VERIFY_PENDING duration for new templates (default 1 000 ms). */
  templateVerifyDelayMs?: number;
  /** Duration of a backup or restore (default 1 000 ms). */
  backupDurationMs?: number;
  /** How long CREATION_FAILED pods stay listed (default 180 000 ms, as on lium.io). */
  creationFailedVisibleMs?: number;
  /** Runtime the balance must cover to rent (default 60 minutes). */
  minimumRuntimeMinutes?: number;
}

export interface Emulator {
  /** `http://127.0.0.1:PORT/api`: use as LIUM_BASE_URL. */
  baseUrl: string;
  /** The first accepted API key: use as LIUM_API_KEY. */
  apiKey: string;
  /** `http://127.0.0.1:PORT/api/pay`: a stub of the pay API (LIUM_PAY_URL). */
  payBaseUrl: string;
  /** `http://127.0.0.1:PORT/_emulator`: the control API over HTTP. */
  controlUrl: string;
  port: number;
  control: EmulatorControl;
  /** Stops every pod server, timer and socket (and writes the state file when there is one). */
  close(): Promise<void>;
}

const MAX_EXECUTORS = 20_000;
const SWEEP_INTERVAL_MS = 100;

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const host = options.host ?? '127.0.0.1';
  const executorCount = options.executors ?? 300;
  if (!Number.isInteger(executorCount) || executorCount < 1 || executorCount > MAX_EXECUTORS) {
    throw new EmulatorError(`executors must be an integer from 1 to ${MAX_EXECUTORS}`, {
      code: 'options_invalid',
      hint: 'Pass a smaller --executors value.',
    });
  }
  const config: EmulatorConfig = {
    host,
    advertisedHost: host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host,
    apiKeys: [],
    readyDelayMs: options.readyDelayMs ?? 500,
    creationFailedVisibleMs: options.creationFailedVisibleMs ?? 180_000,
    templateVerifyDelayMs: options.templateVerifyDelayMs ?? 1000,
    backupDurationMs: options.backupDurationMs ?? 1000,
    minimumRuntimeMinutes: options.minimumRuntimeMinutes ?? 60,
    sandbox: options.sandbox ?? 'auto',
    podSsh: options.podSsh ?? 'ssh2',
  };

  const stateDir = options.stateDir === undefined ? undefined : resolve(options.stateDir);
  const root = stateDir ?? mkdtempSync(join(tmpdir(), 'lium-emulator-'));
  mkdirSync(join(root, 'pods'), { recursive: true });
  const persisted = stateDir === undefined ? undefined : Store.load(stateDir);
  const store = new Store(
    persisted ?? initialState(options.seed ?? 1, executorCount, options.balance ?? 10_000),
    stateDir,
  );
  // Without configured keys a random one is made once and kept in the state, so a restart
  // with --state keeps LIUM_API_KEY valid.
  if (!options.apiKeys?.length)
    store.generatedApiKey ??= `lium-emu-${randomBytes(16).toString('hex')}`;
  const apiKeys = options.apiKeys?.length
    ? [...options.apiKeys]
    : [store.generatedApiKey as string];
  config.apiKeys = apiKeys;
  const market = new Market(store.seed, store.executorCount, config.advertisedHost);
  const logs = new LogHub();
  const podHost = new PodHost({
    host,
    dataRoot: join(root, 'pods'),
    hiddenHostDirs: [root],
    sandbox: config.sandbox,
    podSsh: config.podSsh,
    onLog: (podId, line) => {
      const pod = store.pods.get(podId);
      if (pod !== undefined) logs.append(pod, line);
    },
  });
  const fleet = new Fleet(config, store, podHost, logs);
  const templates = new Templates(store, config.templateVerifyDelayMs);
  const backups = new Backups(
    store,
    join(root, 'backups'),
    (id) => podHost.dataDir(id),
    config.backupDurationMs,
  );
  const app: App = {
    config,
    store,
    market,
    fleet,
    host: podHost,
    logs,
    templates,
    backups,
    faults: new FaultTable(),
    recorder: new Recorder(),
  };
  const control = createControl(app);
  const sweep = (): void => {
    const now = Date.now();
    fleet.settleBilling(now);
    fleet.sweep(now);
    templates.sweep(now);
    backups.sweep(now);
  };
  const api = createApiServer({
    prefix: '/api',
    routes: [
      ...accountRoutes(app),
      ...auditRoutes(app),
      ...executorRoutes(app),
      ...rentBySpecRoutes(app),
      ...podRoutes(app),
      ...templateRoutes(app),
      ...sshKeyRoutes(app),
      ...volumeRoutes(app),
      ...backupRoutes(app),
      ...payRoutes(),
      ...sessionRoutes(app),
    ],
    controlRoutes: [...controlRoutes(control), ...taoDepositRoutes(app)],
    isValidKey: (key) => config.apiKeys.includes(key),
    faults: app.faults,
    recorder: app.recorder,
    beforeEach: sweep,
  });

  let port: number;
  try {
    port = await api.listen(options.port ?? 0, host);
  } catch (error) {
    if (stateDir === undefined) rmSync(root, { recursive: true, force: true });
    throw new EmulatorError(`Cannot listen on ${host}:${options.port ?? 0}`, {
      code: 'listen_failed',
      hint: 'Pick another --port (0 picks a free one).',
      cause: error,
    });
  }
  await fleet.resume();
  const sweeper = setInterval(sweep, SWEEP_INTERVAL_MS);
  const origin = `http://${config.advertisedHost.includes(':') ? `[${config.advertisedHost}]` : config.advertisedHost}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    baseUrl: `${origin}/api`,
    controlUrl: `${origin}/_emulator`,
    payBaseUrl: `${origin}/api/pay`,
    apiKey: apiKeys[0] as string,
    port,
    control,
    close: () => {
      closing ??= (async () => {
        clearInterval(sweeper);
        fleet.settleBilling();
        await api.close();
        await fleet.close();
        store.close();
        if (stateDir === undefined) rmSync(root, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}
