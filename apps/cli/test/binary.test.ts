import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Emulator, startEmulator } from '@lium/emulator';
import { init as lexerReady, parse as parseModule } from 'es-module-lexer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/main.ts';
import { ensureBuilt } from './built-cli.ts';
import { CaptureStream } from './helpers.ts';

const cliDir = fileURLToPath(new URL('..', import.meta.url));
const bin = join(cliDir, 'bin', 'lium.js');
const demoScript = pathToFileURL(join(cliDir, '..', '..', 'scripts', 'demo.mjs')).href;

function lium(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
  });
}

describe('the built lium binary', () => {
  let emulator: Emulator;

  beforeAll(async () => {
    ensureBuilt();
    emulator = await startEmulator({ executors: 40, readyDelayMs: 200 });
  }, 120_000);

  afterAll(async () => {
    await emulator?.close();
  });

  it('starts, prints its version and help, and refuses bad usage with exit 2', () => {
    const version = lium(['--version']);
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    // The bin answers --version itself (CommonJS, nothing imported): it must match the package.
    const pkg = JSON.parse(readFileSync(join(cliDir, 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(version.stdout).toBe(`${pkg.version}\n`);
    const help = lium(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Exit codes');
    const bad = lium(['nope']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('nope');
  });

  it('prints the help text the build wrote, and it is what the commands print now', async () => {
    for (const width of [80, 100]) {
      const stdout = new CaptureStream();
      stdout.columns = width;
      const stderr = new CaptureStream();
      const code = await run(['--help'], {
        stdout,
        stderr,
        stdin: process.stdin,
        env: {},
        cwd: cliDir,
      });
      expect(code).toBe(0);
      // Built from the same sources (ensureBuilt rebuilds a stale dist), so any drift fails here.
      expect(readFileSync(join(cliDir, 'dist', `help-${width}.txt`), 'utf8')).toBe(stdout.text);
      // Off a terminal the bin prints the 80-column text without loading the parser.
      if (width === 80) expect(lium(['--help']).stdout).toBe(stdout.text);
    }
  });

  it('loads neither the SDK nor ssh2 before a command needs them', async () => {
    // Static imports (and re-exports) reachable from the entry, chunk by chunk, as the lexer Node
    // itself is modelled on reads them from the minified bundle; dynamic import() is not followed.
    await lexerReady;
    const dist = join(cliDir, 'dist');
    const staticImports = (file: string): string[] =>
      parseModule(readFileSync(join(dist, file), 'utf8'))[0]
        .filter((entry) => entry.d === -1 && entry.n !== undefined)
        .map((entry) => entry.n as string);
    const reachable = (entry: string): Set<string> => {
      const seen = new Set<string>();
      const visit = (file: string) => {
        for (const spec of staticImports(file)) {
          if (seen.has(spec)) continue;
          seen.add(spec);
          if (spec.startsWith('./')) visit(spec.slice(2));
        }
      };
      visit(entry);
      return seen;
    };
    const fromMain = [...reachable('main.js')];
    // The version and the bundler's few-line runtime (with the built-in it needs) only.
    expect(fromMain.length).toBeGreaterThan(0);
    for (const spec of fromMain) expect(spec).toMatch(/^(\.\/(version|rolldown-runtime)-|node:)/);
    const cliFile = readdirSync(dist).find((name) => /^cli-.*\.js$/.test(name)) as string;
    const fromCli = [...reachable(cliFile)];
    // The scan sees the parser (so an empty list cannot pass for a clean one).
    expect(fromCli.some((spec) => spec.startsWith('./yargs-'))).toBe(true);
    // Nor the wallet (polkadot-js) or the Docker client, which only `fund`, `scp --coldkey` and
    // `image` load.
    for (const heavy of ['@lium/bittensor', 'dockerode']) {
      expect(fromCli).not.toContain(heavy);
    }
    expect(fromCli).not.toContain('ssh2');
    // @lium/ssh is a dependency, not bundled: a command that does not connect may load only its
    // light entries (host-key pins, target parsing), never its main entry.
    expect(fromCli).not.toContain('@lium/ssh');
    // The SDK (a dependency too) is imported by the commands that use it, never up front.
    expect(fromCli).not.toContain('@lium/sdk');
  });

  it('runs the demo workflow end to end: ls, up, ps, exec, scp both ways, rsync, down', async () => {
    const { runWorkflow } = (await import(demoScript)) as {
      runWorkflow(options: {
        baseUrl: string;
        apiKey: string;
        log: (line: string) => void;
      }): Promise<number>;
    };
    const lines: string[] = [];
    const failed = await runWorkflow({
      baseUrl: emulator.baseUrl,
      apiKey: emulator.apiKey,
      log: (line) => lines.push(line),
    });
    const transcript = lines.join('\n');
    expect(transcript, transcript).toContain('All 10 steps passed');
    expect(failed).toBe(0);
  }, 180_000);
});
