// A private npm registry (verdaccio 6.8.0) on 127.0.0.1 for `pnpm test:release`.
//
// Verdaccio is installed once into node_modules/.cache/lium-release-tools, not as a workspace
// dependency: its ~330 packages would otherwise enter pnpm-lock.yaml and every install, for one
// test. 6.8.0 is the last release that supports Node 20, and it installs only with node-fetch
// overridden to 2.7.0. Packages under @lium/ are served only from what we publish (never looked
// up upstream, so a package of that name elsewhere cannot stand in for ours); everything else is
// proxied to the npm registry this machine uses, so third-party dependencies still resolve.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, startBackground, stop } from './proc.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TOOLS_DIR = join(ROOT, 'node_modules', '.cache', 'lium-release-tools');
const VERDACCIO_VERSION = '6.8.0';

/** The registry this machine's npm is configured with (upstream for third-party packages). */
async function upstreamRegistry() {
  const { stdout } = await run('npm', ['config', 'get', 'registry'], { timeoutMs: 30_000 });
  const url = stdout.trim() || 'https://registry.npmjs.org/';
  return url.endsWith('/') ? url : `${url}/`;
}

/** Installs verdaccio into the cache directory unless that exact version is already there. */
async function ensureVerdaccio() {
  const bin = join(TOOLS_DIR, 'node_modules', 'verdaccio', 'bin', 'verdaccio');
  const manifest = join(TOOLS_DIR, 'node_modules', 'verdaccio', 'package.json');
  if (existsSync(bin) && existsSync(manifest)) {
    const { version } = JSON.parse(readFileSync(manifest, 'utf8'));
    if (version === VERDACCIO_VERSION) return bin;
  }
  mkdirSync(TOOLS_DIR, { recursive: true });
  writeFileSync(
    join(TOOLS_DIR, 'package.json'),
    `${JSON.stringify(
      {
        name: 'lium-release-tools',
        private: true,
        dependencies: { verdaccio: VERDACCIO_VERSION },
        overrides: { 'node-fetch': '2.7.0' },
      },
      null,
      2,
    )}\n`,
  );
  await run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--loglevel=error', '--no-package-lock'],
    {
      cwd: TOOLS_DIR,
      timeoutMs: 600_000,
    },
  );
  return bin;
}

/** A port that was free a moment ago on 127.0.0.1. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts verdaccio with its storage under `dir` and registers a throwaway user. Resolves
 * `{ url, token, npmrc, close() }`; `npmrc` is a file that points npm and pnpm at it with the token.
 */
export async function startRegistry(dir) {
  const bin = await ensureVerdaccio();
  const upstream = await upstreamRegistry();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  mkdirSync(join(dir, 'storage'), { recursive: true });
  const configPath = join(dir, 'verdaccio.yaml');
  writeFileSync(
    configPath,
    [
      `storage: ${JSON.stringify(join(dir, 'storage'))}`,
      'auth:',
      '  htpasswd:',
      `    file: ${JSON.stringify(join(dir, 'htpasswd'))}`,
      '    max_users: 10',
      'uplinks:',
      '  npmjs:',
      `    url: ${JSON.stringify(upstream)}`,
      '    timeout: 60s',
      '    max_fails: 5',
      'packages:',
      "  '@lium/*':",
      '    access: $all',
      '    publish: $authenticated',
      "  '**':",
      '    access: $all',
      '    publish: $authenticated',
      '    proxy: npmjs',
      'web:',
      '  enable: false',
      'max_body_size: 50mb',
      'log: { type: stdout, format: pretty, level: http }',
      '',
    ].join('\n'),
  );
  const { child, output } = await startBackground(
    process.execPath,
    [bin, '--config', configPath, '--listen', `127.0.0.1:${port}`],
    { cwd: dir, env: { ...process.env, HOME: dir } },
  );
  const close = () => stop(child);
  try {
    await waitForPing(url, child, output);
    const token = await addUser(url);
    const npmrc = join(dir, 'npmrc');
    writeFileSync(
      npmrc,
      `registry=${url}\n//127.0.0.1:${port}/:_authToken=${token}\naudit=false\nfund=false\nupdate-notifier=false\n`,
      { mode: 0o600 },
    );
    return { url, port, token, npmrc, close, log: output };
  } catch (error) {
    await close();
    throw error;
  }
}

async function waitForPing(url, child, output) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`verdaccio exited (${child.exitCode}):\n${output()}`);
    try {
      const response = await fetch(`${url}-/ping`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`verdaccio did not answer ${url}-/ping within 60 s:\n${output()}`);
}

/** Registers a throwaway user (random password) and returns its token. */
async function addUser(url) {
  const name = `release-test-${randomBytes(4).toString('hex')}`;
  const response = await fetch(`${url}-/user/org.couchdb.user:${name}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password: randomBytes(18).toString('base64url'), type: 'user' }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok || typeof body.token !== 'string') {
    throw new Error(
      `verdaccio refused to add a user: HTTP ${response.status} ${JSON.stringify(body)}`,
    );
  }
  return body.token;
}
