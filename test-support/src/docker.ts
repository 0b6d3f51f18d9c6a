/**
 * A real Docker engine and a real registry on loopback, for tests of image builds and pushes.
 *
 *   const reason = dockerSkipReason();      // skip with it when the packages are missing
 *   const engine = await startDockerEngine(); // DOCKER_HOST=engine.dockerHost
 *   const registry = await startRegistry({ users: { alice: 's3cret' } });
 *   ... push to `${registry.host}/alice/app:1` ...
 *   await registry.stop(); await engine.stop();
 *
 * The engine runs from Debian's `docker.io` with everything in a temp directory (data, exec
 * root, pid file, socket) and no bridge, iptables or forwarding, so it touches nothing outside
 * it; the registry is Debian's `docker-registry` (distribution 2.x) on 127.0.0.1 with htpasswd
 * logins made by Apache's `htpasswd` (bcrypt, the only hash it takes).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { accessSync, constants, openSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './sshd.ts';

export const DOCKERD_PATH = '/usr/sbin/dockerd';
export const REGISTRY_PATH = '/usr/bin/docker-registry';
export const HTPASSWD_PATH = '/usr/bin/htpasswd';

/** Why the Docker tests cannot run here, or undefined when they can. */
export function dockerSkipReason(): string | undefined {
  const tools: [string, string][] = [
    [DOCKERD_PATH, 'docker.io'],
    [REGISTRY_PATH, 'docker-registry'],
    [HTPASSWD_PATH, 'apache2-utils'],
  ];
  for (const [path, pkg] of tools) {
    try {
      accessSync(path, constants.X_OK);
    } catch {
      return `${path} is not installed (apt-get install ${pkg}); skipping tests against a real Docker engine and registry`;
    }
  }
  if (process.getuid?.() !== 0) return 'dockerd needs root; skipping the Docker engine tests';
  return undefined;
}

/** Resolves when `probe` answers true; rejects when the process exits or time runs out. */
async function waitFor(
  what: string,
  child: ChildProcess,
  logPath: string,
  probe: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const log = await readFile(logPath, 'utf8').catch(() => '');
      throw new Error(
        `${what} exited (${child.exitCode ?? child.signalCode}):\n${log.slice(-3000)}`,
      );
    }
    if (await probe().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const log = await readFile(logPath, 'utf8').catch(() => '');
  throw new Error(`${what} did not come up in ${timeoutMs} ms:\n${log.slice(-3000)}`);
}

/** Sends SIGTERM, waits, then SIGKILLs the process group it leads (only what we started). */
async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), graceMs));
  if ((await Promise.race([exited, timer])) === 'late') {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
    await exited;
  }
}

export interface DockerEngineHarness {
  /** `unix:///…/docker.sock`: use as DOCKER_HOST. */
  dockerHost: string;
  socketPath: string;
  dir: string;
  log(): Promise<string>;
  stop(): Promise<void>;
}

function pingSocket(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping', method: 'GET', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}

/** Starts a private dockerd (about 2 s); stop() ends it and removes its directory. */
export async function startDockerEngine(): Promise<DockerEngineHarness> {
  const dir = await mkdtemp(join(tmpdir(), 'lium-dockerd-'));
  const socketPath = join(dir, 'docker.sock');
  const logPath = join(dir, 'dockerd.log');
  await writeFile(join(dir, 'daemon.json'), '{}\n');
  const out = openSync(logPath, 'a');
  const child = spawn(
    DOCKERD_PATH,
    [
      '--data-root',
      join(dir, 'data'),
      '--exec-root',
      join(dir, 'exec'),
      '--pidfile',
      join(dir, 'dockerd.pid'),
      '--host',
      `unix://${socketPath}`,
      '--config-file',
      join(dir, 'daemon.json'),
      '--bridge=none',
      '--iptables=false',
      '--ip6tables=false',
      '--ip-forward=false',
      '--ip-masq=false',
      '--userland-proxy=false',
      '--log-level=warn',
    ],
    { stdio: ['ignore', out, out], detached: true },
  );
  const stop = async () => {
    await stopChild(child, 15_000);
    // Overlay mounts of a killed engine would keep files busy; unmount what is left under dir.
    try {
      execFileSync('sh', ['-c', `grep -o " ${dir}[^ ]*" /proc/mounts | xargs -r -n1 umount -l`]);
    } catch {
      // nothing mounted
    }
    await rm(dir, { recursive: true, force: true, maxRetries: 3 }).catch(() => undefined);
  };
  try {
    await waitFor('dockerd', child, logPath, () => pingSocket(socketPath), 30_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    dockerHost: `unix://${socketPath}`,
    socketPath,
    dir,
    log: () => readFile(logPath, 'utf8'),
    stop,
  };
}

export interface RegistryOptions {
  /** htpasswd logins; without any the registry takes anonymous pushes. */
  users?: Record<string, string>;
  /** Refuse every write (pushes fail after a good login). */
  readOnly?: boolean;
}

export interface RegistryHarness {
  /** `127.0.0.1:PORT`, the registry part of an image name. */
  host: string;
  port: number;
  dir: string;
  log(): Promise<string>;
  stop(): Promise<void>;
}

/** Starts `docker-registry serve` on 127.0.0.1 (well under a second). */
export async function startRegistry(options: RegistryOptions = {}): Promise<RegistryHarness> {
  const dir = await mkdtemp(join(tmpdir(), 'lium-registry-'));
  const port = await freePort();
  const users = Object.entries(options.users ?? {});
  const htpasswd = users
    .map(([user, password]) =>
      execFileSync(HTPASSWD_PATH, ['-Bbn', user, password], { encoding: 'utf8' }).trim(),
    )
    .join('\n');
  await writeFile(join(dir, 'htpasswd'), `${htpasswd}\n`);
  const config = [
    'version: 0.1',
    'log:',
    '  level: warn',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${join(dir, 'data')}`,
    ...(options.readOnly ? ['  maintenance:', '    readonly:', '      enabled: true'] : []),
    'http:',
    `  addr: 127.0.0.1:${port}`,
    '  secret: lium-test-registry',
    ...(users.length > 0
      ? ['auth:', '  htpasswd:', '    realm: lium-test', `    path: ${join(dir, 'htpasswd')}`]
      : []),
    '',
  ].join('\n');
  await writeFile(join(dir, 'config.yml'), config);
  const logPath = join(dir, 'registry.log');
  const out = openSync(logPath, 'a');
  const child = spawn(REGISTRY_PATH, ['serve', join(dir, 'config.yml')], {
    stdio: ['ignore', out, out],
    detached: true,
  });
  const stop = async () => {
    await stopChild(child, 5_000);
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  };
  const probe = () =>
    fetch(`http://127.0.0.1:${port}/v2/`, { signal: AbortSignal.timeout(1000) }).then(
      (response) => response.status === 200 || response.status === 401,
    );
  try {
    await waitFor('docker-registry', child, logPath, probe, 10_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    host: `127.0.0.1:${port}`,
    port,
    dir,
    log: () => readFile(logPath, 'utf8'),
    stop,
  };
}

/**
 * Writes a build context: `dir` (made if missing) with `dockerfile` as its Dockerfile and
 * `files` next to it. Returns `dir`.
 */
export async function writeBuildContext(
  dir: string,
  dockerfile: string,
  files: Readonly<Record<string, string | Uint8Array>> = {},
): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'Dockerfile'), dockerfile);
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
  return dir;
}

/**
 * Stores a registry login as the account's Docker credential on a (local, emulated) Lium API
 * with `POST /docker-credentials`, as a user who added it on the website has it.
 */
export async function addAccountDockerLogin(
  api: { baseUrl: string; apiKey: string },
  username: string,
  password: string,
): Promise<void> {
  const response = await fetch(`${api.baseUrl}/docker-credentials`, {
    method: 'POST',
    headers: { 'X-API-KEY': api.apiKey, 'Content-Type': 'application/json' },
    body: JSON.stringify({ docker_username: username, docker_password: password }),
    signal: AbortSignal.timeout(10_000),
  });
  if (response.status !== 200) {
    throw new Error(
      `POST /docker-credentials answered ${response.status}: ${await response.text()}`,
    );
  }
}
