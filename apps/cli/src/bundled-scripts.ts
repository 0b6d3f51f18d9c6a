import { access } from 'node:fs/promises';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliUsageError } from './errors.ts';
import type { CliIO } from './io.ts';
import { localPath, readLocalText } from './local-files.ts';

/**
 * Scripts shipped in @lium/cli's `scripts/` directory (next to `dist/` and `src/`, so the same
 * relative URL finds them from the bundle and from the sources).
 */
export const BUNDLED_SCRIPTS = ['jupyter'] as const;
export type BundledScript = (typeof BUNDLED_SCRIPTS)[number];

export function bundledScriptPath(name: BundledScript): string {
  return fileURLToPath(new URL(`../scripts/${name}.sh`, import.meta.url));
}

function bundledName(name: string): BundledScript | undefined {
  return (BUNDLED_SCRIPTS as readonly string[]).includes(name)
    ? (name as BundledScript)
    : undefined;
}

/**
 * The text of `--script SPEC`: `@jupyter` is a script shipped with lium; anything else is a
 * local file, except that `jupyter.sh` falls back to the shipped one when no such local file
 * exists (so the documented `lium exec 1 --script jupyter.sh` works from any directory).
 */
export async function readScript(spec: string, io: Pick<CliIO, 'cwd' | 'env'>): Promise<string> {
  if (spec.startsWith('@')) {
    const name = bundledName(spec.slice(1));
    if (name === undefined) {
      throw new CliUsageError(
        `No script ${spec} ships with lium`,
        `Shipped scripts: ${BUNDLED_SCRIPTS.map((s) => `@${s}`).join(', ')}; or give a local file.`,
      );
    }
    return readLocalText(bundledScriptPath(name), 'Script');
  }
  const path = localPath(spec, io);
  const shipped = spec === basename(spec) ? bundledName(spec.replace(/\.sh$/, '')) : undefined;
  if (shipped !== undefined && spec.endsWith('.sh')) {
    const exists = await access(path).then(
      () => true,
      () => false,
    );
    if (!exists) return readLocalText(bundledScriptPath(shipped), 'Script');
  }
  return readLocalText(path, 'Script');
}
