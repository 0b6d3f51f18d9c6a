#!/usr/bin/env node
// Every package's `prepack`: builds dist/ with tsdown so that `pnpm pack` and `pnpm publish`
// never ship a stale or missing build (a clean checkout has no dist/ at all). `pnpm release`
// has just built every package from the versioned manifests and says so with
// LIUM_RELEASE_BUILT=1; then there is nothing to redo.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (process.env.LIUM_RELEASE_BUILT === '1' && existsSync('dist')) process.exit(0);
const result = spawnSync('tsdown', [], { stdio: 'inherit', shell: process.platform === 'win32' });
if (result.error) {
  process.stderr.write(`prepack: could not run tsdown: ${result.error.message}\n`);
  process.exit(1);
}
process.exit(result.status ?? 1);
