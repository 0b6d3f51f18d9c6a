#!/usr/bin/env node
// The README's first Quick-start command (`pnpm demo`). Placeholder until the CLI works
// end to end: prints `lium --help` from the built binary.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../apps/cli/bin/lium.js', import.meta.url));
const result = spawnSync(process.execPath, [bin, '--help'], { stdio: 'inherit' });
process.exit(result.status ?? 1);
