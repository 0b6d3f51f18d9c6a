// Installs the published packages as users do, each in a brand-new directory under the system
// temp dir (no node_modules above it, nothing of the workspace reachable) with a throwaway HOME,
// and checks that they work there against `npx @lium/emulator` started from the registry.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { run, startBackground, stop } from './proc.mjs';
import { check, ok, section } from './report.mjs';

const INSTALL_TIMEOUT_MS = 300_000;

/** A new empty project directory (package.json only) under the system temp dir. */
function project(env, name, manifest = {}) {
  const dir = mkdtempSync(join(env.TMPDIR, `lium-consumer-${name}-`));
  check(
    !spawnSync('sh', [
      '-c',
      'd="$1"; while [ "$d" != / ]; do d=$(dirname "$d"); [ -e "$d/node_modules" ] && exit 1; done; exit 0',
      'sh',
      dir,
    ]).status,
    `${dir} has a node_modules above it; consumers must not see the workspace`,
  );
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: `consumer-${name}`, version: '1.0.0', private: true, ...manifest }, null, 2)}\n`,
  );
  return dir;
}

async function npmInstall(dir, env, specs) {
  await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...specs], {
    cwd: dir,
    env,
    timeoutMs: INSTALL_TIMEOUT_MS,
  });
}

/** A throwaway ed25519 key in the consumer HOME, found by the CLI as ~/.ssh/id_ed25519. */
function makeSshKey(home) {
  const sshDir = join(home, '.ssh');
  mkdirSync(sshDir, { recursive: true, mode: 0o700 });
  const key = join(sshDir, 'id_ed25519');
  const made = spawnSync('ssh-keygen', [
    '-q',
    '-t',
    'ed25519',
    '-N',
    '',
    '-C',
    'release-test',
    '-f',
    key,
  ]);
  check(made.status === 0, `ssh-keygen failed: ${made.stderr}`);
}

async function checkCliAndEmulator({ versions, env }) {
  section('npx @lium/cli and npx @lium/emulator from the registry');
  const dir = project(env, 'cli');
  const cli = `@lium/cli@${versions['@lium/cli']}`;
  const version = await run('npx', ['-y', cli, '--version'], {
    cwd: dir,
    env,
    timeoutMs: INSTALL_TIMEOUT_MS,
  });
  check(
    version.stdout.trim() === versions['@lium/cli'],
    `npx ${cli} --version printed ${JSON.stringify(version.stdout.trim())}`,
  );
  ok(`npx ${cli} --version → ${version.stdout.trim()}`);
  const help = await run('npx', ['-y', cli, '--help'], { cwd: dir, env, timeoutMs: 120_000 });
  check(
    /\blium ls\b/.test(help.stdout) && /\bup\b/.test(help.stdout),
    `lium --help does not list the commands:\n${help.stdout}`,
  );
  ok(`npx ${cli} --help lists the commands`);

  const emulatorSpec = `@lium/emulator@${versions['@lium/emulator']}`;
  const emulator = await startBackground('npx', ['-y', emulatorSpec, '--ready-delay', '300'], {
    cwd: dir,
    env,
    timeoutMs: INSTALL_TIMEOUT_MS,
    ready: (output) => /LIUM_BASE_URL=(\S+) LIUM_API_KEY=(\S+)/.exec(output),
  });
  try {
    const [, baseUrl, apiKey] = emulator.value;
    ok(`npx ${emulatorSpec} printed LIUM_BASE_URL=${baseUrl} LIUM_API_KEY=…`);
    makeSshKey(env.HOME);
    const liumEnv = { ...env, LIUM_BASE_URL: baseUrl, LIUM_API_KEY: apiKey };
    const lium = (args, options = {}) =>
      run('npx', ['-y', cli, ...args], { cwd: dir, env: liumEnv, timeoutMs: 180_000, ...options });

    const ls = await lium(['ls', '--limit', '3', '--json']);
    const rows = JSON.parse(ls.stdout);
    check(
      Array.isArray(rows) && rows.length === 3,
      `lium ls --json gave ${ls.stdout.slice(0, 200)}`,
    );
    await lium(['ls', '--limit', '3']);
    ok(`lium ls → ${rows.length} executors`);
    await lium(['up', '1', '-y']);
    ok('lium up 1 -y → pod ready');
    // Pod indices (`exec 1`, `down 1`) are the rows of the last `lium ps`.
    const pods = JSON.parse((await lium(['ps', '--json'])).stdout);
    check(pods.length === 1, `after lium up, lium ps --json lists ${pods.length} pods`);
    await lium(['ps']);
    ok('lium ps → 1 pod');
    const exec = await lium(['exec', '1', 'echo release-$((6 * 7))']);
    check(exec.stdout.includes('release-42'), `lium exec printed ${JSON.stringify(exec.stdout)}`);
    ok('lium exec 1 … → ran on the pod over SSH');
    const failed = await lium(['exec', '1', 'exit 3'], { allowFailure: true });
    check(failed.code === 3, `lium exec 1 'exit 3' exited ${failed.code}`);
    await lium(['down', '1', '-y']);
    const ps = JSON.parse((await lium(['ps', '--json'])).stdout);
    check(
      ps.length === 0,
      `after lium down 1 -y, lium ps --json still lists ${JSON.stringify(ps)}`,
    );
    ok('lium down 1 -y → no pods left');
  } finally {
    await stop(emulator.child);
  }
}

/** Starts the published emulator for the library checks; resolves `{ baseUrl, apiKey, close }`. */
async function startEmulatorFromRegistry({ versions, env }) {
  const dir = project(env, 'emulator');
  const emulator = await startBackground(
    'npx',
    ['-y', `@lium/emulator@${versions['@lium/emulator']}`],
    {
      cwd: dir,
      env,
      timeoutMs: INSTALL_TIMEOUT_MS,
      ready: (output) => /LIUM_BASE_URL=(\S+) LIUM_API_KEY=(\S+)/.exec(output),
    },
  );
  const [, baseUrl, apiKey] = emulator.value;
  return { baseUrl, apiKey, close: () => stop(emulator.child) };
}

/** Every package in `npm ls --all --json`, by name. */
function treeNames(tree, names = new Set()) {
  for (const [name, node] of Object.entries(tree.dependencies ?? {})) {
    // An optional peer nobody installed (valibot's `typescript`) is listed, but not there.
    if (node.missing || node.version === undefined) continue;
    names.add(name);
    treeNames(node, names);
  }
  return names;
}

/** Packages that run in browsers and edge runtimes as well as Node; the api's tree is these only. */
const PORTABLE = new Set(['@lium/api', '@lium/errors', 'valibot']);

async function checkApi({ versions, env, root, emulator }) {
  section('npm i @lium/api: no Node-only dependency, a browser bundle that works');
  const dir = project(env, 'api', { type: 'module' });
  await npmInstall(dir, env, [`@lium/api@${versions['@lium/api']}`]);
  const ls = await run('npm', ['ls', '--all', '--json'], { cwd: dir, env, timeoutMs: 60_000 });
  const names = treeNames(JSON.parse(ls.stdout));
  check(!names.has('ssh2'), 'npm ls --all under @lium/api has ssh2');
  const foreign = [...names].filter((name) => !PORTABLE.has(name));
  check(
    foreign.length === 0,
    `@lium/api pulls in packages not known to be portable: ${foreign.join(', ')}`,
  );
  ok(`npm ls --all: ${[...names].sort().join(', ')} (no ssh2, nothing Node-only)`);

  writeFileSync(
    join(dir, 'app.js'),
    [
      "import { LiumAPIClient } from '@lium/api';",
      '',
      'export async function listExecutors(baseUrl, apiKey) {',
      '  const client = new LiumAPIClient({ baseUrl, apiKey });',
      '  return client.getExecutors();',
      '}',
      '',
    ].join('\n'),
  );
  // The workspace's esbuild, run on the consumer's files: it resolves from the consumer's own
  // node_modules, so it sees only what npm installed there.
  const esbuild = createRequire(join(root, 'packages/api/package.json'))('esbuild');
  const result = await esbuild.build({
    absWorkingDir: dir,
    entryPoints: ['app.js'],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    outfile: join(dir, 'bundle.js'),
    metafile: true,
    logLevel: 'silent',
  });
  check(
    result.errors.length === 0,
    `esbuild --platform=browser failed: ${JSON.stringify(result.errors)}`,
  );
  const inputs = Object.keys(result.metafile.inputs);
  const builtins = inputs.filter(
    (input) => input.startsWith('node:') || (!input.includes('/') && !input.endsWith('.js')),
  );
  const imports = Object.values(result.metafile.outputs).flatMap((output) =>
    output.imports.map((i) => i.path),
  );
  check(
    builtins.length === 0 && imports.length === 0,
    `the browser bundle needs Node built-ins: ${[...builtins, ...imports].join(', ')}`,
  );
  const bundle = readFileSync(join(dir, 'bundle.js'), 'utf8');
  check(
    !/\bfrom\s*["']node:|require\(["']node:/.test(bundle),
    'the browser bundle imports node: modules',
  );
  ok(
    `esbuild --bundle --platform=browser: ${inputs.length} inputs, ${(bundle.length / 1000).toFixed(1)} kB, 0 Node built-ins`,
  );

  writeFileSync(
    join(dir, 'run-bundle.mjs'),
    [
      "import { listExecutors } from './bundle.js';",
      'const executors = await listExecutors(process.env.LIUM_BASE_URL, process.env.LIUM_API_KEY);',
      'console.log(JSON.stringify({ count: executors.length }));',
      '',
    ].join('\n'),
  );
  const listed = await run(process.execPath, ['run-bundle.mjs'], {
    cwd: dir,
    env: { ...env, LIUM_BASE_URL: emulator.baseUrl, LIUM_API_KEY: emulator.apiKey },
    timeoutMs: 60_000,
  });
  const { count } = JSON.parse(listed.stdout);
  check(count > 0, `the bundle listed ${count} executors`);
  ok(`the browser bundle lists ${count} executors from the emulator`);
}

const SDK_PROBE = [
  'const ssh2Loaded = () => Object.keys(require.cache).filter((file) => /[\\\\/]ssh2[\\\\/]/.test(file)).length;',
  'const lium = new Lium({ baseUrl: process.env.LIUM_BASE_URL, apiKey: process.env.LIUM_API_KEY });',
  'const executors = await lium.listExecutors();',
  'console.log(JSON.stringify({ count: executors.length, ssh2: ssh2Loaded() }));',
];

async function checkSdk({ versions, env, emulator }) {
  section('npm i @lium/sdk from ESM and from CommonJS');
  const spec = `@lium/sdk@${versions['@lium/sdk']}`;
  const probeEnv = { ...env, LIUM_BASE_URL: emulator.baseUrl, LIUM_API_KEY: emulator.apiKey };

  const esm = project(env, 'sdk-esm', { type: 'module' });
  await npmInstall(esm, env, [spec]);
  writeFileSync(
    join(esm, 'index.js'),
    [
      "import { createRequire } from 'node:module';",
      "import { Lium } from '@lium/sdk';",
      'const require = createRequire(import.meta.url);',
      ...SDK_PROBE,
      '',
    ].join('\n'),
  );
  const esmResult = JSON.parse(
    (await run(process.execPath, ['index.js'], { cwd: esm, env: probeEnv, timeoutMs: 60_000 }))
      .stdout,
  );
  check(esmResult.count > 0, `ESM: the SDK listed ${esmResult.count} executors`);
  check(
    esmResult.ssh2 === 0,
    `ESM: importing the SDK and listing executors loaded ${esmResult.ssh2} ssh2 modules`,
  );
  ok(`ESM import: ${esmResult.count} executors listed, ssh2 not loaded`);

  const cjs = project(env, 'sdk-cjs', { type: 'commonjs' });
  await npmInstall(cjs, env, [spec]);
  writeFileSync(
    join(cjs, 'index.js'),
    ["const { Lium } = require('@lium/sdk');", '(async () => {', ...SDK_PROBE, '})();', ''].join(
      '\n',
    ),
  );
  const cjsRun = await run(process.execPath, ['index.js'], {
    cwd: cjs,
    env: probeEnv,
    timeoutMs: 60_000,
  });
  const cjsResult = JSON.parse(cjsRun.stdout);
  check(cjsResult.count > 0, `CommonJS: the SDK listed ${cjsResult.count} executors`);
  check(cjsResult.ssh2 === 0, `CommonJS: requiring the SDK loaded ${cjsResult.ssh2} ssh2 modules`);
  ok(
    `CommonJS require() on Node ${process.versions.node}: ${cjsResult.count} executors listed, ssh2 not loaded`,
  );
}

const TS_CONSUMER = `import { LiumAPIClient, type Executor } from '@lium/api';
import { loadConfig, type LiumConfig } from '@lium/config';
import { isLiumError, LiumError } from '@lium/errors';
import { startEmulator } from '@lium/emulator';
import { Lium, type ExecutorInfo } from '@lium/sdk';
import { SshPool } from '@lium/ssh';
import { parseSshConnectCmd, type SshTarget } from '@lium/ssh/target';
import { fingerprint } from '@lium/ssh/known-hosts';

export async function main(): Promise<number> {
  const emulator = await startEmulator({ port: 0 });
  const lium = new Lium({ baseUrl: emulator.baseUrl, apiKey: emulator.apiKey });
  const executors: ExecutorInfo[] = await lium.listExecutors();
  const raw: Executor[] = await new LiumAPIClient({ baseUrl: emulator.baseUrl, apiKey: emulator.apiKey }).getExecutors();
  const config: LiumConfig = await loadConfig();
  const target: SshTarget = parseSshConnectCmd('ssh root@127.0.0.1 -p 2222');
  const pool = new SshPool({});
  await pool.closeAll();
  await emulator.close();
  const error: unknown = new LiumError('x', { code: 'x' });
  const print: string = fingerprint('AAAA');
  return executors.length + raw.length + target.port + print.length + (isLiumError(error) ? 1 : 0) + (config ? 1 : 0);
}
`;

async function checkTypeScript({ versions, env, root }) {
  section('tsc --noEmit, strict, skipLibCheck false: node16, nodenext, bundler');
  const dir = project(env, 'ts', { type: 'module' });
  const names = [
    '@lium/api',
    '@lium/config',
    '@lium/errors',
    '@lium/emulator',
    '@lium/sdk',
    '@lium/ssh',
  ];
  await npmInstall(dir, env, [
    ...names.map((name) => `${name}@${versions[name]}`),
    '@types/node@^20.19.0',
  ]);
  writeFileSync(join(dir, 'index.ts'), TS_CONSUMER);
  // The workspace's TypeScript compiler, run on the consumer's project: types resolve from the
  // consumer's own node_modules only.
  const tsc = join(
    dirname(createRequire(join(root, 'package.json')).resolve('typescript/package.json')),
    'bin',
    'tsc',
  );
  for (const [module, moduleResolution] of [
    ['node16', 'node16'],
    ['nodenext', 'nodenext'],
    ['esnext', 'bundler'],
  ]) {
    const config = join(dir, `tsconfig.${moduleResolution}.json`);
    writeFileSync(
      config,
      `${JSON.stringify(
        {
          compilerOptions: {
            target: 'es2022',
            module,
            moduleResolution,
            strict: true,
            skipLibCheck: false,
            noEmit: true,
            types: ['node'],
            // Common in monorepos; our published exports must not offer sources under it.
            customConditions: ['source'],
            exactOptionalPropertyTypes: true,
            noUncheckedIndexedAccess: true,
          },
          files: ['index.ts'],
        },
        null,
        2,
      )}\n`,
    );
    const result = await run(process.execPath, [tsc, '-p', config], {
      cwd: dir,
      env,
      timeoutMs: 180_000,
      allowFailure: true,
    });
    const errors = (result.stdout.match(/error TS\d+/g) ?? []).length;
    check(
      result.code === 0,
      `tsc (${moduleResolution}) found ${errors} errors:\n${result.stdout.slice(0, 4000)}`,
    );
    ok(`moduleResolution ${moduleResolution}: 0 errors`);
  }
}

export async function checkConsumers({ versions, env, root }) {
  await checkCliAndEmulator({ versions, env });
  const emulator = await startEmulatorFromRegistry({ versions, env });
  try {
    await checkApi({ versions, env, root, emulator });
    await checkSdk({ versions, env, emulator });
  } finally {
    await emulator.close();
  }
  await checkTypeScript({ versions, env, root });
}
