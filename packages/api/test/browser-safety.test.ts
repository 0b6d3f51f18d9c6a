/**
 * `@lium/api` must run wherever fetch runs (browsers, edge, Deno, Bun), so neither its code nor
 * anything it depends on may need Node: no `node:` imports, no Node built-ins, no ssh2.
 */
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const NODE_ONLY = new Set([
  'ssh2',
  'ssh2-sftp-client',
  'cpu-features',
  'node-fetch',
  'undici',
  'ws',
]);
const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

/** Finds `name` the way Node does: in node_modules of `fromDir` or any parent. */
function packageDirOf(name: string, fromDir: string): string | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dirname(dir) === dir) return undefined;
  }
}

function dependencyTree(dir: string, seen = new Map<string, string>()): Map<string, string> {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
    optionalDependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
  };
  const names = Object.keys({
    ...manifest.dependencies,
    ...manifest.optionalDependencies,
    ...manifest.peerDependencies,
  });
  for (const name of names) {
    if (seen.has(name)) continue;
    const depDir = packageDirOf(name, dir);
    if (!depDir) continue; // an optional peer that is not installed
    seen.set(name, depDir);
    dependencyTree(depDir, seen);
  }
  return seen;
}

describe('browser safety', () => {
  it('no source file imports a node: module or a Node built-in', () => {
    const offenders = sourceFiles(join(packageDir, 'src')).filter((file) => {
      const text = readFileSync(file, 'utf8');
      const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map(
        (m) => m[1] ?? '',
      );
      return specifiers.some((specifier) => builtins.has(specifier));
    });
    expect(offenders).toEqual([]);
  });

  it('bundles for the browser platform, dependencies included, with no Node built-ins', async () => {
    const nodeImports: string[] = [];
    const result = await build({
      entryPoints: [join(packageDir, 'src/index.ts')],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
      conditions: ['source'],
      plugins: [
        {
          name: 'catch-node-builtins',
          setup(builder) {
            builder.onResolve({ filter: /.*/ }, (args) => {
              if (builtins.has(args.path)) {
                nodeImports.push(`${args.path} (from ${args.importer})`);
                return { path: args.path, external: true };
              }
              return undefined;
            });
          },
        },
      ],
    });
    expect(result.errors).toEqual([]);
    expect(nodeImports).toEqual([]);
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((input) => input.includes('valibot'))).toBe(true);
    expect(inputs.some((input) => input.includes('errors/src'))).toBe(true);
    expect(result.outputFiles[0]?.text).toContain('LiumAPIClient');
  });

  it('the dependency tree holds no ssh2 or other Node-only package', () => {
    const tree = dependencyTree(packageDir);
    const names = [...tree.keys()];
    expect(names).toContain('valibot');
    expect(names).toContain('@lium/errors');
    expect(names.filter((name) => NODE_ONLY.has(name))).toEqual([]);
  });
});
