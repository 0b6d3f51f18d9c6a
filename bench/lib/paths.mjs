// @ts-check
/** Where the built artefacts live (`pnpm bench` builds them first with turbo). */
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const liumBin = fileURLToPath(new URL('../../apps/cli/bin/lium.js', import.meta.url));
export const emulatorBin = fileURLToPath(
  new URL('../../packages/emulator/bin/lium-emulator.js', import.meta.url),
);
/** Built entry points, imported by path: the bench is not a workspace package. */
export const sdkEntry = new URL('../../packages/sdk/dist/index.js', import.meta.url).href;
export const sshEntry = new URL('../../packages/ssh/dist/index.js', import.meta.url).href;
export const emulatorEntry = new URL('../../packages/emulator/dist/index.js', import.meta.url).href;
