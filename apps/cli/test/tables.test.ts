import { type Emulator, startEmulator } from '@lium/emulator';
import { BEST_DEFINITION } from '@lium/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BEST_HELP } from '../src/commands/ls.ts';
import stringWidth from '../src/output/string-width.ts';
import { ensureBuilt, runBuilt, runInTerminal, screenLines } from './built-cli.ts';
import { makeSandbox, type Sandbox } from './helpers.ts';

/*
 * Issue #14, "choosing machines": tables that fit the terminal, the columns people choose by,
 * one definition of "best" that `up --gpu` follows, suggestions for a GPU name that matches
 * nothing. All through the built CLI against the emulator's default market (seed 1, 300
 * machines), where the example lives: 8×H100 at $13.28/h and at $21.84/h.
 */

interface LsRow {
  huid: string;
  price_per_gpu_hour: number;
  price_per_hour: number;
  is_pareto: boolean;
  tier: string | null;
  max_cuda_version: number | null;
  gpu_type: string;
}

let emulator: Emulator;
let sandbox: Sandbox;
let env: Record<string, string>;

beforeAll(async () => {
  ensureBuilt();
  emulator = await startEmulator({ executors: 300, readyDelayMs: 200 });
  sandbox = makeSandbox();
  env = {
    ...sandbox.env,
    LIUM_API_KEY: emulator.apiKey,
    LIUM_BASE_URL: emulator.baseUrl,
    TZ: 'UTC',
    LANG: 'en_US.UTF-8',
  };
}, 180_000);

afterAll(async () => {
  await runBuilt(['rm', 'all', '-y'], env);
  await emulator?.close();
  sandbox?.cleanup();
});

const widest = (lines: readonly string[]) => Math.max(0, ...lines.map((line) => stringWidth(line)));
const lsJson = async (args: string[]) =>
  JSON.parse((await runBuilt(['ls', ...args, '--json'], env)).stdout) as LsRow[];

describe('lium ls fits the terminal', () => {
  it('on an 80-column terminal: no line wider than 80, a screenful, and how to see more', async () => {
    const { code, screen } = await runInTerminal(['ls'], env, 80);
    expect(code).toBe(0);
    const lines = screenLines(screen).filter((line) => line.trim() !== '');
    expect(widest(lines), lines.join('\n')).toBeLessThanOrEqual(80);
    const rows = lines.filter((line) => /^\s*\d+\s{2}/.test(line));
    expect(rows).toHaveLength(20);
    expect(screen).toContain(
      '20 of 300 machines, ★ first, each by $/GPU·h; `--limit 300` shows all.',
    );
    expect(screen).toMatch(/Hidden to fit 80 columns: .*RAM/);
  }, 300_000);

  it('respects COLUMNS off a terminal; a pipe without it gets every row and column', async () => {
    const narrow = await runBuilt(['ls'], { ...env, COLUMNS: '80' });
    const narrowLines = narrow.stdout.trimEnd().split('\n');
    expect(narrowLines).toHaveLength(301);
    expect(widest(narrowLines)).toBeLessThanOrEqual(80);
    expect(narrowLines[0]).not.toContain('DISK');
    const wide = await runBuilt(['ls'], env);
    const wideLines = wide.stdout.trimEnd().split('\n');
    expect(wideLines).toHaveLength(301);
    expect(wideLines[0]).toMatch(/TIER\s+CUDA.*RAM\s+DISK/);
    expect(wide.stderr).not.toContain('Hidden');
  }, 300_000);

  it('shows tier (spot in the warning colour) and max CUDA', async () => {
    const colour = await runBuilt(['ls', '--limit', '40'], { ...env, FORCE_COLOR: '1' });
    expect(colour.stdout).toContain('\u001b[33mspot\u001b[39m');
    const rows = await lsJson(['--limit', '40']);
    const table = (await runBuilt(['ls', '--limit', '40'], env)).stdout.split('\n').slice(1);
    for (const [i, row] of rows.entries()) {
      expect(table[i]).toContain(row.huid);
      expect(table[i]).toContain(`  ${row.tier}  `);
      if (row.max_cuda_version !== null)
        expect(table[i]).toContain(row.max_cuda_version.toFixed(1));
    }
  }, 300_000);
});

describe('"best", defined once', () => {
  it('--sort price sorts by price alone; the default leads with ★ rows and says so', async () => {
    const byPrice = (await lsJson(['--sort', 'price'])).map((row) => row.price_per_gpu_hour);
    expect(byPrice).toEqual([...byPrice].sort((a, b) => a - b));
    const official = (await lsJson(['--sort', 'price_gpu'])).map((row) => row.price_per_gpu_hour);
    expect(official).toEqual(byPrice);
    const best = await lsJson([]);
    const firstPlain = best.findIndex((row) => !row.is_pareto);
    expect(firstPlain).toBeGreaterThan(0);
    expect(best.slice(firstPlain).every((row) => !row.is_pareto)).toBe(true);
    expect((await runBuilt(['ls', '--limit', '3'], env)).stderr).toContain(
      '★ first, each by $/GPU·h',
    );
    const footer = (await runBuilt(['ls', '--limit', '3', '--sort', 'price'], env)).stderr;
    expect(footer).toContain('3 of 300 machines, by $/GPU·h');
    expect(footer).not.toContain('★ first');
  }, 300_000);

  it('up --gpu H100 --count 8 rents the cheapest ★ machine: $13.28/h, not $21.84/h', async () => {
    const eights = await lsJson(['H100', '--count', '8']);
    const dear = eights.find((row) => row.price_per_hour === 21.84);
    const cheap = eights.find((row) => row.price_per_hour === 13.28);
    expect(dear?.is_pareto).toBe(true);
    expect(cheap).toMatchObject({ huid: 'hydro-vector-95', is_pareto: true });
    expect(eights[0]?.huid).toBe('hydro-vector-95');
    // No terminal to confirm on: up names its pick, then refuses.
    const up = await runBuilt(['up', '--gpu', 'H100', '--count', '8'], env);
    expect(up.code).toBe(1);
    expect(up.stderr).toMatch(/hydro-vector-95\s+8×H100.*\$13\.28\/h/);
    expect(up.stderr).not.toContain('21.84');
  }, 300_000);

  it('says what best means in ls --help, in the SDK’s words', async () => {
    expect(BEST_HELP).toBe(BEST_DEFINITION);
    const help = (await runBuilt(['ls', '--help'], env)).stdout.replace(/\s+/g, ' ');
    expect(help).toContain(BEST_DEFINITION);
    expect(help).toContain('`lium up --gpu GPU` rents the best of that GPU.');
  }, 300_000);
});

describe('up and ps show what people choose by', () => {
  it('up warns that a spot pod can be reclaimed, and not for a secure one', async () => {
    expect((await runBuilt(['ls', '--tier', 'spot', '--limit', '1'], env)).code).toBe(0);
    const spot = await runBuilt(['up', '1'], env);
    expect(spot.stderr).toMatch(/\$\d+\.\d\d\/h {2}spot\n/);
    expect(spot.stderr).toContain(
      '! A spot machine: the provider can reclaim a spot pod at any time.',
    );
    expect((await runBuilt(['ls', '--tier', 'secure', '--limit', '1'], env)).code).toBe(0);
    expect((await runBuilt(['up', '1'], env)).stderr).not.toContain('reclaim');
  }, 300_000);

  it('ls H10 suggests the nearest GPU names', async () => {
    const near = await runBuilt(['ls', 'H10'], env);
    expect(near.code).toBe(0);
    expect(near.stderr).toContain('No H10 machines. Did you mean H100');
    expect(near.stderr).toContain('`lium ls H100`');
  }, 300_000);

  it('up --json has removal_scheduled_at; ps shows template, ports and time to removal', async () => {
    expect((await runBuilt(['ls', '--limit', '2'], env)).code).toBe(0);
    const before = Date.now();
    const up = await runBuilt(['up', '1', '-y', '--ttl', '6h', '--json'], env);
    expect(up.code, up.stderr).toBe(0);
    const [pod] = JSON.parse(up.stdout) as { huid: string; removal_scheduled_at: string }[];
    const at = Date.parse(pod?.removal_scheduled_at ?? '');
    expect(pod?.removal_scheduled_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    expect(Math.abs(at - before - 6 * 3_600_000)).toBeLessThan(120_000);
    const human = await runBuilt(['up', '2', '-y', '--no-wait', '--ttl', '2h'], env);
    expect(human.stderr).toMatch(
      /Scheduled removal at [A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d\d [AP]M UTC \(in 1h 59m\)\./,
    );
    const wide = (await runBuilt(['ps'], { ...env, COLUMNS: '200' })).stdout.split('\n');
    expect(wide[0]).toMatch(/TEMPLATE\s+PORTS.*REMOVAL/);
    const row = wide.find((line) => line.includes(pod?.huid ?? '?'));
    expect(row).toMatch(/Pytorch \(Cuda\) 2\.4\.0\s+22:\d+/);
    expect(row).toMatch(/in 5h 5\dm/);
    const narrow = await runInTerminal(['ps'], env, 80);
    const lines = screenLines(narrow.screen).filter((line) => line.trim() !== '');
    expect(widest(lines), lines.join('\n')).toBeLessThanOrEqual(80);
    expect(lines[0]).toMatch(/TEMPLATE.*REMOVAL/);
  }, 300_000);
});
