import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * Tests run against each workspace package's source, not its build, so a change in
 * `@lium/api` is seen by the SDK's tests without rebuilding. Published builds are
 * exercised by the CLI's subprocess test and the demo.
 */
const sourceOf: Record<string, string> = {
  '@lium/errors': 'packages/errors/src/index.ts',
  '@lium/api': 'packages/api/src/index.ts',
  '@lium/config': 'packages/config/src/index.ts',
  '@lium/ssh': 'packages/ssh/src/index.ts',
  '@lium/ssh/target': 'packages/ssh/src/target.ts',
  '@lium/ssh/known-hosts': 'packages/ssh/src/known-hosts.ts',
  '@lium/bittensor': 'packages/bittensor/src/index.ts',
  '@lium/sdk': 'packages/sdk/src/index.ts',
  '@lium/emulator': 'packages/emulator/src/index.ts',
};

export const shared = defineConfig({
  resolve: {
    alias: [
      ...Object.entries(sourceOf).map(([name, file]) => ({
        find: new RegExp(`^${name}$`),
        replacement: `${root}${file}`,
      })),
      // Its `dist/` is only for plain Node scripts (bench/, scripts/demo.mjs).
      { find: /^@lium\/test-support\/(.*)$/, replacement: `${root}test-support/src/$1.ts` },
    ],
  },
  test: {
    restoreMocks: true,
    unstubEnvs: true,
    testTimeout: 30_000,
    // One retry, as wrangler's shared config has: a test against real servers that loses a
    // timing race on a loaded 2-core machine gets one more go; a real defect fails twice.
    retry: 1,
    hookTimeout: 60_000,
  },
});
