import { readFileSync } from 'node:fs';

/**
 * This CLI's version, read from its package.json when first needed (`../package.json` from both
 * `src/` and the bundle's `dist/`), not inlined at build time: a build made before
 * `changeset version` must still report the version it is published as.
 */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;
