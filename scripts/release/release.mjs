#!/usr/bin/env node
// `pnpm release`: version every package with pending changesets, build everything from the
// versioned manifests, keep the CLI's source maps as a separate artifact, then publish every
// public package (pnpm publish, which turns `workspace:` and `catalog:` ranges into real ones)
// and tag it with changesets. Outside a release, each package's `prepack` builds dist/ first.
//
// Building all packages before publishing any means a build error cannot leave half a release
// on the registry. The registry and its credentials come from npm's configuration as usual
// (NPM_CONFIG_USERCONFIG, npm_config_registry, ~/.npmrc).
//
//   pnpm release                    version, build, publish to npm's configured registry
//   pnpm release --no-version       build and publish what is already versioned
//   pnpm release --registry=URL     publish there instead
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const bin = (name) => join(ROOT, 'node_modules', '.bin', name);

function step(title, command, args, options = {}) {
  process.stdout.write(`\n▶ ${title}\n`);
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', ...options });
  if (result.status !== 0) {
    process.stderr.write(
      `✘ ${title} failed (exit ${result.status ?? result.signal}); nothing more was done.\n`,
    );
    process.exit(result.status || 1);
  }
}

/** How this process's pnpm is started again (pnpm 12 is a single executable). */
function pnpmCommand() {
  const execPath = process.env.npm_execpath;
  if (execPath && /pnpm/.test(execPath)) {
    return /\.[cm]?js$/.test(execPath) ? [process.execPath, [execPath]] : [execPath, []];
  }
  return ['npx', ['-y', 'pnpm@12.4.2']];
}

const args = process.argv.slice(2);
if (!args.includes('--no-version')) {
  step('Version packages from .changeset/', bin('changeset'), ['version']);
}
step('Build every package from the versioned manifests', bin('turbo'), ['run', 'build', '--force']);

const cli = JSON.parse(readFileSync(join(ROOT, 'apps/cli/package.json'), 'utf8'));
const maps = readdirSync(join(ROOT, 'apps/cli/dist')).filter((file) => file.endsWith('.map'));
if (maps.length > 0) {
  mkdirSync(join(ROOT, 'release-artifacts'), { recursive: true });
  const artifact = join(ROOT, 'release-artifacts', `lium-cli-${cli.version}-sourcemaps.tgz`);
  step(`Keep the CLI's source maps apart (${artifact})`, 'tar', [
    '-czf',
    artifact,
    '-C',
    join(ROOT, 'apps/cli'),
    ...maps.map((file) => `dist/${file}`),
  ]);
}
// The registry is passed to pnpm explicitly: in an installed workspace, pnpm 12's publish went
// to registry.npmjs.org although npm's configuration (npmrc, npm_config_registry) named another
// one, which `changeset publish` cannot override. So: pnpm's own recursive publish (one package
// after another; versions already on the registry are skipped) to the registry npm is
// configured with or `--registry URL`, then the git tags `changeset publish` would have made.
const registryArg = args.find((arg) => arg.startsWith('--registry='))?.slice('--registry='.length);
const registry =
  registryArg ??
  spawnSync('npm', ['config', 'get', 'registry'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
if (!/^https?:\/\//.test(registry)) {
  process.stderr.write(
    `✘ No registry to publish to (npm config get registry said ${JSON.stringify(registry)}).\n`,
  );
  process.exit(1);
}
// Each package's prepack would build again; it skips when told that this build is fresh.
const releaseEnv = { ...process.env, LIUM_RELEASE_BUILT: '1' };
const [pnpm, pnpmArgs] = pnpmCommand();
step(
  `Publish every public package to ${registry}`,
  pnpm,
  [...pnpmArgs, 'publish', '-r', '--access', 'public', '--no-git-checks', '--registry', registry],
  { env: releaseEnv },
);
step('Tag the published versions', bin('changeset'), ['tag'], { env: releaseEnv });
