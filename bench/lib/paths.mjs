// @ts-check
/** Where the built artefacts live (`pnpm bench` builds them first with turbo). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const liumBin = fileURLToPath(new URL('../../apps/cli/bin/lium.js', import.meta.url));
export const emulatorBin = fileURLToPath(
  new URL('../../packages/emulator/bin/lium-emulator.js', import.meta.url),
);

/**
 * The built entry of a workspace package, as its package.json `exports['.'].default` names it.
 * The bench is not a workspace package, so it imports the builds by path.
 * @param {'sdk' | 'ssh' | 'emulator'} name folder under packages/
 */
export function builtEntry(name) {
  const dir = new URL(`../../packages/${name}/`, import.meta.url);
  const manifest = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8'));
  const entry = manifest.exports?.['.']?.default ?? manifest.main ?? './dist/index.js';
  return new URL(entry, dir).href;
}
