import { readdirSync, statSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Emulator, startEmulator } from '@lium/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltResult, ensureBuilt, runBuilt } from './built-cli.ts';
import { makeSandbox, type Sandbox } from './helpers.ts';

/**
 * What a cold command loads on its critical path (bench P6, P7): Node's `fetch` costs undici's
 * load (50-100 ms) and ssh2's index its server, key generator and HTTP agents; the SDK calls the
 * API over node:http and @lium/ssh requires only ssh2's client and key parser.
 */
describe('the modules a cold lium command loads (the built lium)', () => {
  let emulator: Emulator;
  let sandbox: Sandbox;
  let probe = '';

  const lium = (args: string[], withProbe = false): Promise<BuiltResult> =>
    runBuilt(args, {
      ...sandbox.env,
      LIUM_API_KEY: emulator.apiKey,
      LIUM_BASE_URL: emulator.baseUrl,
      ...(withProbe ? { NODE_OPTIONS: `--import=${pathToFileURL(probe).href}` } : {}),
    });

  /** The probe's report: the built-in modules and the ssh2 files the process loaded. */
  const loaded = (stderr: string): { builtins: string[]; ssh2: string[] } => {
    const line = stderr.split('\n').find((l) => l.startsWith('loaded: '));
    if (!line) throw new Error(`no probe report in:\n${stderr}`);
    return JSON.parse(line.slice('loaded: '.length)) as { builtins: string[]; ssh2: string[] };
  };

  beforeAll(async () => {
    ensureBuilt();
    emulator = await startEmulator({ executors: 10, readyDelayMs: 100 });
    sandbox = makeSandbox();
    probe = join(sandbox.dir, 'probe.mjs');
    writeFileSync(
      probe,
      [
        "import { createRequire } from 'node:module';",
        'const require = createRequire(import.meta.url);',
        "process.on('exit', () => {",
        "  const builtins = process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13));",
        "  const ssh2 = Object.keys(require.cache).filter((p) => p.includes('/ssh2/lib/')).map((p) => p.replace(/.*\\/ssh2\\/lib\\//, ''));",
        "  process.stderr.write('loaded: ' + JSON.stringify({ builtins, ssh2 }) + '\\n');",
        '});',
      ].join('\n'),
    );
    expect((await lium(['ls', '--limit', '3'])).code).toBe(0);
    expect((await lium(['up', '1', '-y', '--name', 'cold'])).code).toBe(0);
    expect((await lium(['ps'])).code).toBe(0);
    expect((await lium(['exec', '1', 'true'])).code).toBe(0);
  }, 120_000);

  afterAll(async () => {
    await emulator?.close();
    sandbox?.cleanup();
  });

  it('lium ls calls the API without loading undici', async () => {
    const run = await lium(['ls', '--json'], true);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).not.toHaveLength(0);
    const { builtins, ssh2 } = loaded(run.stderr);
    expect(builtins).toContain('http');
    expect(builtins.filter((m) => m.includes('undici'))).toEqual([]);
    expect(ssh2).toEqual([]);
  });

  it("lium exec loads ssh2's client and key parser, not its index, and no undici", async () => {
    const run = await lium(['exec', '1', 'echo', 'cold-ok'], true);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('cold-ok\n');
    const { builtins, ssh2 } = loaded(run.stderr);
    expect(builtins.filter((m) => m.includes('undici'))).toEqual([]);
    expect(ssh2).toContain('client.js');
    expect(ssh2).not.toContain('index.js');
    expect(ssh2).not.toContain('server.js');
    expect(ssh2).not.toContain('keygen.js');
  });

  // Node >= 22.1 caches compiled code itself (module.enableCompileCache); on Node 20 the bin's
  // compile-cache.js caches the CommonJS files, ssh2's above all.
  it.skipIf(typeof (Module as { enableCompileCache?: unknown }).enableCompileCache === 'function')(
    'a cold exec compiles ssh2 from the code cache the previous one wrote (Node 20)',
    async () => {
      const dir = join(
        sandbox.home,
        '.cache',
        'lium',
        'compile-cache',
        `${process.version}-${process.arch}`,
      );
      expect((await lium(['exec', '1', 'true'])).code).toBe(0);
      const written = new Map(
        readdirSync(dir).map((name) => [name, statSync(join(dir, name)).mtimeMs]),
      );
      // ssh2's client and its protocol files, each under the SHA-1 of its source.
      expect(written.size).toBeGreaterThanOrEqual(15);
      expect([...written.keys()].every((name) => /^[0-9a-f]{40}$/.test(name))).toBe(true);
      const again = await lium(['exec', '1', 'echo', 'cached-ok']);
      expect(again.stdout).toBe('cached-ok\n');
      // Every entry was accepted: a rejected one would have been written anew.
      const after = new Map(
        readdirSync(dir).map((name) => [name, statSync(join(dir, name)).mtimeMs]),
      );
      expect(after).toEqual(written);
    },
  );
});
