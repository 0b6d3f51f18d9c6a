#!/usr/bin/env node
// `pnpm release`: version every package with pending changesets, build everything from the
// versioned manifests, keep the CLI's source maps as a separate artifact, then publish every
// public package with changesets (pnpm publish, which turns `workspace:` and `catalog:` ranges
// into real ones). Outside a release, each package's `prepack` builds its dist/ before a pack.
//
// Building all packages before publishing any means a build error cannot leave half a release
// on the registry. The registry and its credentials come from npm's configuration as usual
// (NPM_CONFIG_USERCONFIG, npm_config_registry, ~/.npmrc).
//
//   pnpm release              version, build, publish
//   pnpm release --no-version build and publish what is already versioned
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
// Each package's prepack would build again; it skips when told that this build is fresh.
step('Publish every public package', bin('changeset'), ['publish'], {
  env: { ...process.env, LIUM_RELEASE_BUILT: '1' },
});
