import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The layering rule, checked on every source file of every workspace package:
 * cli → sdk → api | ssh | config → errors is the only direction an import may go; no package
 * reaches into another's files (only its published entry, `@lium/x`); and no two modules of a
 * package import each other in a circle. Tests may import anything (harnesses, the emulator).
 */

const ROOT = resolve(import.meta.dirname, '../..');

/** Lower layers first; a module may import only packages of a strictly lower layer. */
const LAYERS: Record<string, number> = {
  '@lium/errors': 0,
  '@lium/api': 1,
  '@lium/ssh': 1,
  '@lium/config': 1,
  '@lium/bittensor': 1,
  '@lium/sdk': 2,
  '@lium/cli': 3,
};
/**
 * Imports within one layer that are allowed, one way only: ssh keeps its known-hosts file
 * next to the config (`defaultConfigDir`) and writes it with config's `writeFileAtomic`.
 * (config importing ssh would be refused, so no circle can form.)
 */
const SIDEWAYS: Record<string, readonly string[]> = {
  '@lium/ssh': ['@lium/config'],
};
/** Outside the chain: the emulator is a product on its own; test-support serves tests only. */
const OUTSIDE: Record<string, readonly string[]> = {
  '@lium/emulator': ['@lium/errors', '@lium/api', '@lium/ssh', '@lium/config'],
  '@lium/test-support': [],
};

interface Pkg {
  name: string;
  dir: string;
}

function workspacePackages(): Pkg[] {
  const dirs = ['packages', 'apps'].flatMap((group) =>
    readdirSync(join(ROOT, group)).map((name) => join(ROOT, group, name)),
  );
  dirs.push(join(ROOT, 'test-support'));
  return dirs
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => ({
      name: (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string }).name,
      dir,
    }));
}

function sourceFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) found.push(...sourceFiles(path));
    else if (/\.(ts|mts)$/.test(entry) && !/\.(test|d)\.ts$/.test(entry)) found.push(path);
  }
  return found;
}

/** Every module specifier a file imports (static, re-export, dynamic; type-only too). */
export function importsOf(text: string): string[] {
  const patterns = [
    /^\s*(?:import|export)\s[^'"]*?\sfrom\s+['"]([^'"]+)['"]/gm,
    /^\s*import\s+['"]([^'"]+)['"]/gm,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  return patterns.flatMap((pattern) => [...text.matchAll(pattern)].map((m) => m[1] as string));
}

function packageOf(specifier: string): string | undefined {
  const match = /^(@lium\/[^/]+)/.exec(specifier);
  return match?.[1];
}

/** Whether `specifier` (`@lium/x/sub`) is an entry the package publishes in its `exports`. */
function exportsSubpath(name: string, specifier: string): boolean {
  const pkg = workspacePackages().find((p) => p.name === name);
  if (!pkg) return false;
  const manifest = JSON.parse(readFileSync(join(pkg.dir, 'package.json'), 'utf8')) as {
    exports?: Record<string, unknown>;
  };
  return Object.hasOwn(manifest.exports ?? {}, `.${specifier.slice(name.length)}`);
}

interface Finding {
  upward: string[];
  reaches: string[];
  cycles: string[];
}

function check(pkgs: readonly Pkg[]): Finding {
  const upward: string[] = [];
  const reaches: string[] = [];
  const cycles: string[] = [];
  for (const pkg of pkgs) {
    const src = join(pkg.dir, 'src');
    if (!existsSync(src)) continue;
    const graph = new Map<string, string[]>();
    for (const file of sourceFiles(src)) {
      const where = relative(ROOT, file);
      const local: string[] = [];
      for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
        const target = packageOf(specifier);
        if (target && target !== pkg.name) {
          if (specifier !== target && !exportsSubpath(target, specifier)) {
            reaches.push(`${where} imports ${specifier}`);
          }
          const mine = LAYERS[pkg.name];
          const theirs = LAYERS[target];
          const allowed =
            mine !== undefined
              ? theirs !== undefined &&
                (theirs < mine || (SIDEWAYS[pkg.name] ?? []).includes(target))
              : (OUTSIDE[pkg.name] ?? []).includes(target);
          if (!allowed) upward.push(`${where} (${pkg.name}) imports ${target}`);
        } else if (specifier.startsWith('.')) {
          const resolved = resolve(dirname(file), specifier);
          if (!resolved.startsWith(pkg.dir + sep)) {
            reaches.push(`${where} imports ${specifier} (outside ${pkg.name})`);
          } else if (resolved.startsWith(src + sep)) {
            local.push(resolved);
          }
        }
      }
      graph.set(file, local);
    }
    cycles.push(
      ...findCycles(graph).map((cycle) => cycle.map((f) => relative(ROOT, f)).join(' → ')),
    );
  }
  return { upward, reaches, cycles };
}

/** Each circle of imports once (depth-first search, reporting the back edge's loop). */
function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return found;
}

describe('the import graph', () => {
  it('reads static, type-only, re-export and dynamic imports', () => {
    const text = [
      "import { a } from './a.ts';",
      "import type { B } from '@lium/api';",
      "export { c } from '../c.ts';",
      "const d = await import('@lium/sdk');",
      "import 'side-effect';",
    ].join('\n');
    expect(importsOf(text).sort()).toEqual(
      ['../c.ts', './a.ts', '@lium/api', '@lium/sdk', 'side-effect'].sort(),
    );
  });

  it('flags an upward import, a reach into src and a cycle', () => {
    expect(
      findCycles(
        new Map([
          ['a', ['b']],
          ['b', ['a']],
        ]),
      ),
    ).toEqual([['a', 'b', 'a']]);
    expect(packageOf('@lium/sdk/src/lium.ts')).toBe('@lium/sdk');
  });

  it('knows every workspace package', () => {
    for (const pkg of workspacePackages()) {
      expect(pkg.name in LAYERS || pkg.name in OUTSIDE, pkg.name).toBe(true);
    }
  });

  it('goes only downward, through entry points, without circles', () => {
    const { upward, reaches, cycles } = check(workspacePackages());
    expect(upward).toEqual([]);
    expect(reaches).toEqual([]);
    expect(cycles).toEqual([]);
  });
});
