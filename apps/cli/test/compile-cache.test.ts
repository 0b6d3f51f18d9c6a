import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/**
 * bin/compile-cache.js, the V8 code cache for the CommonJS modules a command loads on Node 20
 * (bench P7): each case runs a fresh Node, as `lium` does, over a package of its own.
 */
const cacheModule = fileURLToPath(new URL('../bin/compile-cache.js', import.meta.url));

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  /** What enableCompileCache returned: undefined when the cache is off. */
  stats: { dir: string; hits: number; misses: number } | undefined;
  /** What the package exported (or the error it threw, as `error: ...`). */
  value: string;
}

describe('the compile cache for CommonJS dependencies (bin/compile-cache.js)', () => {
  let root = '';
  let cacheHome = '';
  let pkg = '';

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'lium-compile-cache-'));
    cacheHome = join(root, 'cache');
    pkg = join(root, 'node_modules', 'demo');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(pkg, 'helper.js'), "module.exports = (x) => 'helped ' + x;\n");
    writeDemo('one');
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  /** The package's entry: uses require, require.resolve, __dirname and __filename. */
  function writeDemo(word: string): void {
    writeFileSync(
      join(pkg, 'index.js'),
      [
        "const path = require('node:path');",
        "const helper = require('./helper.js');",
        "const resolved = path.basename(require.resolve('./helper.js'));",
        `module.exports = [helper('${word}'), resolved, path.basename(__dirname), path.basename(__filename)].join(' ');`,
        '',
      ].join('\n'),
    );
  }

  function run(env: Record<string, string> = {}): Run {
    const script = [
      `const stats = require(${JSON.stringify(cacheModule)}).enableCompileCache(process.env);`,
      'let value;',
      `try { value = require(${JSON.stringify(join(pkg, 'index.js'))}); } catch (error) { value = 'error: ' + error.name + ' ' + error.stack.split('\\n').slice(0, 3).join(' | '); }`,
      'process.stdout.write(JSON.stringify({ stats: stats && { dir: stats.dir, hits: stats.hits, misses: stats.misses }, value }));',
    ].join('\n');
    const child = spawnSync(process.execPath, ['-e', script], {
      env: { PATH: process.env.PATH ?? '', HOME: root, XDG_CACHE_HOME: cacheHome, ...env },
      encoding: 'utf8',
    });
    const parsed = child.status === 0 ? (JSON.parse(child.stdout) as Partial<Run>) : {};
    return {
      status: child.status,
      stdout: child.stdout,
      stderr: child.stderr,
      stats: parsed.stats ?? undefined,
      value: parsed.value ?? '',
    };
  }

  const cacheDir = () =>
    join(cacheHome, 'lium', 'compile-cache', `${process.version}-${process.arch}`);
  const cached = () => readdirSync(cacheDir()).sort();

  it('compiles from source once, then from the cache, with the same result', () => {
    const first = run();
    expect(first.status, first.stderr).toBe(0);
    expect(first.value).toBe('helped one helper.js demo index.js');
    expect(first.stats).toMatchObject({ dir: cacheDir(), hits: 0, misses: 2 });
    // One file per source, named by its SHA-1; only the owner may read or write any of it.
    expect(cached()).toHaveLength(2);
    for (const name of cached()) {
      expect(name).toMatch(/^[0-9a-f]{40}$/);
      expect(statSync(join(cacheDir(), name)).mode & 0o777).toBe(0o600);
    }
    expect(statSync(cacheDir()).mode & 0o777).toBe(0o700);
    expect(statSync(join(cacheHome, 'lium')).mode & 0o777).toBe(0o700);

    const second = run();
    expect(second.value).toBe('helped one helper.js demo index.js');
    expect(second.stats).toMatchObject({ hits: 2, misses: 0 });
  });

  it('never runs stale code: a changed file, even of the same length, is compiled anew', () => {
    run();
    writeDemo('two');
    const after = run();
    expect(after.value).toBe('helped two helper.js demo index.js');
    expect(after.stats).toMatchObject({ hits: 1, misses: 1 });
    expect(cached()).toHaveLength(3);
  });

  it('recompiles over a damaged cache file and writes it whole again', () => {
    run();
    for (const name of cached()) writeFileSync(join(cacheDir(), name), 'not V8 data');
    const damaged = run();
    expect(damaged.value).toBe('helped one helper.js demo index.js');
    expect(damaged.stats).toMatchObject({ hits: 0, misses: 2 });
    expect(run().stats).toMatchObject({ hits: 2, misses: 0 });
    // No temporary file is left behind.
    expect(cached().every((name) => /^[0-9a-f]{40}$/.test(name))).toBe(true);
  });

  it('reports errors as Node does: the file and line of a throw, a syntax error as one', () => {
    writeFileSync(join(pkg, 'index.js'), "const a = 1;\nconst b = 2;\nthrow new Error('boom');\n");
    for (let i = 0; i < 2; i++) {
      const thrown = run();
      expect(thrown.value).toContain('error: Error Error: boom');
      expect(thrown.value).toContain(`${join(pkg, 'index.js')}:3`);
    }
    writeFileSync(join(pkg, 'index.js'), 'module.exports = (;\n');
    expect(run().value).toMatch(/^error: SyntaxError/);
  });

  it('stays off with NODE_DISABLE_COMPILE_CACHE, and in a directory others may write', () => {
    const off = run({ NODE_DISABLE_COMPILE_CACHE: '1' });
    expect(off.value).toBe('helped one helper.js demo index.js');
    expect(off.stats).toBeUndefined();
    expect(() => readdirSync(cacheDir())).toThrow();

    // What is in the cache runs: a directory another user could write to is not used.
    mkdirSync(cacheDir(), { recursive: true });
    chmodSync(cacheDir(), 0o777);
    const shared = run();
    expect(shared.value).toBe('helped one helper.js demo index.js');
    expect(shared.stats).toMatchObject({ hits: 0, misses: 0 });
    expect(shared.stats?.dir).toBeUndefined();
    expect(cached()).toEqual([]);
  });

  it('caches only what is under node_modules, and sets up nothing before it needs to', () => {
    const own = join(root, 'own.js');
    writeFileSync(own, 'module.exports = 42;\n');
    const child = spawnSync(
      process.execPath,
      [
        '-e',
        `const s = require(${JSON.stringify(cacheModule)}).enableCompileCache(process.env); const v = require(${JSON.stringify(own)}); process.stdout.write(JSON.stringify([v, s.hits, s.misses]));`,
      ],
      { env: { PATH: process.env.PATH ?? '', XDG_CACHE_HOME: cacheHome }, encoding: 'utf8' },
    );
    expect(child.stdout).toBe('[42,0,0]');
    // A command that loads no CommonJS dependency (`lium ls`) creates no cache directory.
    expect(() => readdirSync(cacheHome)).toThrow();
  });
});
