#!/usr/bin/env node
// `pnpm test:release`: proves that every package installs and works from a registry.
//
// 1. Copies the repository (tracked and unignored files) into a temp directory and installs it
//    there, so versioning never touches this checkout.
// 2. Starts a private registry (verdaccio) on 127.0.0.1 and runs `pnpm release` in the copy
//    against it, with a throwaway HOME, .npmrc and token.
// 3. Downloads every published tarball, reports its packed size and checks its contents,
//    publint --strict and arethetypeswrong (esm-only profile).
// 4. In brand-new directories under the system temp dir (no node_modules above them) with a
//    throwaway HOME, installs from the registry as a user would and checks the CLI, the emulator,
//    @lium/api in a browser bundle, @lium/sdk from ESM and CommonJS, and strict TypeScript
//    consumers under node16, nodenext and bundler resolution.
//
// Everything it starts is stopped and every directory it makes is removed, also on failure and
// Ctrl-C. It exits non-zero, naming the check, on the first miss.
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkConsumers } from './consumers.mjs';
import { killAllNow, run, stopAll } from './proc.mjs';
import { startRegistry } from './registry.mjs';
import { check, ok, section } from './report.mjs';
import { checkTarballs } from './tarballs.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const started = Date.now();
const work = mkdtempSync(join(tmpdir(), 'lium-release-'));
let registry;

function cleanup() {
  killAllNow();
  rmSync(work, { recursive: true, force: true });
}
process.on('exit', cleanup);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    process.stderr.write(`\ntest:release: ${signal}, stopping everything it started\n`);
    process.exit(130);
  });
}

/**
 * This process's environment without what the pnpm running us put there for *this* workspace
 * (npm_package_*, npm_config_*, INIT_CWD, PNPM_SCRIPT_SRC_DIR, …): the copy's pnpm must not
 * take its settings from here.
 */
function cleanEnv(extra = {}) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_)/i.test(key) || key === 'INIT_CWD' || key === 'PNPM_SCRIPT_SRC_DIR') continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

/** How this process's pnpm is started again (the one that runs this script, else npx). */
function pnpmCommand() {
  const execPath = process.env.npm_execpath;
  if (execPath && /pnpm/.test(execPath)) {
    // pnpm 12 is a single executable; older ones are a JavaScript file for node.
    return /\.[cm]?js$/.test(execPath) ? [process.execPath, [execPath]] : [execPath, []];
  }
  return ['npx', ['-y', 'pnpm@12.4.2']];
}

async function copyRepository() {
  section('Copy the repository and install it');
  const copy = join(work, 'repo');
  const { stdout } = await run(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    {
      cwd: ROOT,
    },
  );
  const files = stdout.split('\0').filter(Boolean);
  for (const file of files) {
    try {
      cpSync(join(ROOT, file), join(copy, file), { recursive: false, force: true });
    } catch (error) {
      // A file deleted in the work tree but still in the index: the copy leaves it out too.
      if (error.code !== 'ENOENT') throw error;
    }
  }
  ok(`copied ${files.length} files to ${copy}`);
  // changeset publish tags what it published; give it a repository of its own.
  const gitEnv = {
    ...process.env,
    GIT_AUTHOR_NAME: 'release test',
    GIT_AUTHOR_EMAIL: 'release-test@127.0.0.1',
    GIT_COMMITTER_NAME: 'release test',
    GIT_COMMITTER_EMAIL: 'release-test@127.0.0.1',
  };
  await run('git', ['init', '-q', '-b', 'main'], { cwd: copy, env: gitEnv });
  await run('git', ['add', '-A'], { cwd: copy, env: gitEnv });
  await run('git', ['commit', '-q', '-m', 'release test'], { cwd: copy, env: gitEnv });
  const [pnpm, pnpmArgs] = pnpmCommand();
  await run(pnpm, [...pnpmArgs, 'install', '--frozen-lockfile', '--prefer-offline'], {
    cwd: copy,
    env: cleanEnv({ CI: '1' }),
    timeoutMs: 600_000,
  });
  ok('pnpm install --frozen-lockfile in the copy');
  return copy;
}

async function publish(copy) {
  section('Publish with `pnpm release` to a private registry on 127.0.0.1');
  registry = await startRegistry(join(work, 'registry'));
  ok(`verdaccio listening at ${registry.url}`);
  const home = join(work, 'publish-home');
  mkdirSync(home, { recursive: true });
  // pnpm 12 in an installed workspace reads neither NPM_CONFIG_USERCONFIG nor
  // npm_config_registry; it does read the (throwaway) HOME's .npmrc.
  copyFileSync(registry.npmrc, join(home, '.npmrc'));
  const [pnpm, pnpmArgs] = pnpmCommand();
  const env = cleanEnv({
    HOME: home,
    NPM_CONFIG_USERCONFIG: registry.npmrc,
    npm_config_registry: registry.url,
    CI: '1',
  });
  const result = await run(pnpm, [...pnpmArgs, 'run', 'release', `--registry=${registry.url}`], {
    cwd: copy,
    env,
    timeoutMs: 1_200_000,
  });
  // `changeset tag` prints one "New tag:" per published package.
  const published = [
    ...`${result.stdout}\n${result.stderr}`.matchAll(/New tag:\s+(@lium\/[a-z-]+)@(\S+)/g),
  ].map(([, name, version]) => ({ name, version }));
  check(
    published.length === 8,
    `expected 8 published packages, got ${published.map((p) => p.name).join(', ') || 'none'}:\n${result.stdout}`,
  );
  if (published.length === 0) {
    throw new Error(`pnpm release published nothing:\n${result.stdout}\n${result.stderr}`);
  }
  for (const { name, version } of published) ok(`published ${name}@${version}`);
  return published;
}

async function main() {
  const copy = await copyRepository();
  const published = await publish(copy);
  const versions = Object.fromEntries(published.map(({ name, version }) => [name, version]));
  const consumerHome = join(work, 'consumer-home');
  mkdirSync(consumerHome, { recursive: true });
  copyFileSync(registry.npmrc, join(consumerHome, '.npmrc'));
  const consumerEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: consumerHome,
    NPM_CONFIG_USERCONFIG: registry.npmrc,
    npm_config_registry: registry.url,
    npm_config_cache: join(consumerHome, '.npm'),
    npm_config_update_notifier: 'false',
    NO_COLOR: '1',
    // Consumer projects go under the run's own temp directory, so they are removed with it.
    TMPDIR: join(work, 'tmp'),
  };
  mkdirSync(consumerEnv.TMPDIR, { recursive: true });
  await checkTarballs({ work, versions, env: consumerEnv, root: ROOT });
  await checkConsumers({ work, versions, env: consumerEnv, root: ROOT });
}

try {
  await main();
  await stopAll();
  await registry?.close();
  section(`test:release passed in ${Math.round((Date.now() - started) / 1000)} s`);
} catch (error) {
  process.stderr.write(
    `\n✘ test:release FAILED: ${error instanceof Error ? error.message : error}\n`,
  );
  if (registry) {
    const log = registry.log().trimEnd().split('\n').slice(-60).join('\n');
    process.stderr.write(`--- verdaccio log (end) ---\n${log}\n`);
  }
  await stopAll().catch(() => {});
  await registry?.close().catch(() => {});
  process.exitCode = 1;
}
