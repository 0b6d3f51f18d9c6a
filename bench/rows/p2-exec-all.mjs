// @ts-check
/**
 * P2: `lium exec all true` over many emulator pods against the same command on 1 pod (its own
 * emulator, so the baseline is literally the same command line): 64 pods (≤ 2×) and 256 pods
 * (≤ 4×), plus the CLI process's own CPU seconds and peak RSS (≤ 300 MiB at 256), measured inside
 * the process (workers/rusage-probe.mjs), so the client's share is visible apart from the
 * emulator's pod servers on the same two cores.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startEmulatorProcess } from '../lib/emulator.mjs';
import { liumBin } from '../lib/paths.mjs';
import { rentPods } from '../lib/pods.mjs';
import { run } from '../lib/process.mjs';
import { ratioRow } from '../lib/row.mjs';
import { median } from '../lib/stats.mjs';
import { cliHome, tempDir } from '../lib/workspace.mjs';

const probe = pathToFileURL(
  fileURLToPath(new URL('../workers/rusage-probe.mjs', import.meta.url)),
).href;
const RSS_LIMIT_MIB = 300;
const lower = /** @type {const} */ ('lower');

/** Fleet sizes: full run, --quick (smaller, so the quick run stays short). */
const SIZES = [
  { full: 64, quick: 16, limit: 2 },
  { full: 256, quick: 64, limit: 4 },
];

/** @param {number} pods @param {number} limit @param {number} [standsFor] the full size */
const timeSpec = (pods, limit, standsFor = pods) => ({
  id: 'P2',
  what: `lium exec all true, ${pods} pods${standsFor !== pods ? ` (--quick stand-in for ${standsFor}, same target)` : ''}`,
  baseline: 'lium exec all true, 1 pod',
  unit: 'ms',
  direction: lower,
  limit,
});
/** @param {number} pods @param {number} [standsFor] */
const rssSpec = (pods, standsFor = pods) => ({
  id: 'P2',
  what: `lium exec all true, ${pods} pods${standsFor !== pods ? ` (--quick stand-in for ${standsFor})` : ''}: the CLI's peak RSS`,
  baseline: `${RSS_LIMIT_MIB} MiB`,
  unit: 'MiB',
  direction: lower,
  limit: 1,
});

export const specs = [
  ...SIZES.map((size) => timeSpec(size.full, size.limit)),
  rssSpec(SIZES[1]?.full ?? 256),
];

/** @param {number} pods */
async function fleet(pods) {
  const emulator = await startEmulatorProcess({ executors: Math.max(pods, 100) });
  try {
    const user = await cliHome(emulator);
    const rented = await rentPods(user, pods, { concurrency: pods > 64 ? 16 : 8 });
    return { emulator, user, rented };
  } catch (error) {
    await emulator.stop();
    throw error;
  }
}

/**
 * One `lium exec all true`, with the process's own CPU and peak RSS.
 * @param {{ env: NodeJS.ProcessEnv }} user
 * @param {string} usageFile
 */
async function execAll(user, usageFile) {
  const result = await run(process.execPath, ['--import', probe, liumBin, 'exec', 'all', 'true'], {
    env: { ...user.env, BENCH_RUSAGE_FILE: usageFile },
  });
  const usage =
    result.code === 0 ? JSON.parse(await readFile(usageFile, 'utf8')) : { cpuSeconds: NaN };
  return { ...result, usage };
}

/**
 * @param {import('../run.mjs').BenchContext} ctx
 * @param {{ env: NodeJS.ProcessEnv }} one the 1-pod fleet's user
 * @param {number} size
 * @param {number} limit
 * @param {number} standsFor the full run's size
 */
async function measureSize(ctx, one, size, limit, standsFor) {
  const many = await fleet(size);
  try {
    ctx.log(`P2: ${many.rented.length} pods and 1 pod running`);
    const dir = await tempDir('rusage');
    const check = await execAll(many.user, join(dir, 'check.json'));
    if (check.code !== 0) throw new Error(`lium exec all true failed: ${check.stderr.slice(-800)}`);
    const runs = ctx.quick ? 3 : size > 64 ? 6 : 12;
    /** @type {Record<'one' | 'many', { ms: number, cpuSeconds: number, maxRssMiB: number }[]>} */
    const samples = { one: [], many: [] };
    for (let i = 0; i < runs; i++) {
      for (const [name, user] of /** @type {const} */ ([
        ['one', one],
        ['many', many.user],
      ])) {
        const result = await execAll(user, join(dir, `${name}-${i}.json`));
        if (result.code !== 0) {
          throw new Error(`lium exec all true (${name}) failed: ${result.stderr.slice(-800)}`);
        }
        samples[name].push({ ms: result.ms, ...result.usage });
      }
    }
    const cpu = (/** @type {'one' | 'many'} */ name) =>
      median(samples[name].map((s) => s.cpuSeconds)).toFixed(2);
    const rss = (/** @type {'one' | 'many'} */ name) =>
      Math.max(...samples[name].map((s) => s.maxRssMiB)).toFixed(0);
    const time = ratioRow({
      ...timeSpec(size, limit, standsFor),
      samples: samples.many.map((s) => s.ms),
      baselineSamples: samples.one.map((s) => s.ms),
      note: `the CLI process itself: ${cpu('many')} s CPU (median) and ${rss('many')} MiB peak RSS at ${size} pods, ${cpu('one')} s and ${rss('one')} MiB at 1 pod; the rest of the wall time is the emulator's ${size} pod servers on the same cores.`,
    });
    const memory = ratioRow({
      ...rssSpec(size, standsFor),
      samples: samples.many.map((s) => s.maxRssMiB),
      baselineSamples: [RSS_LIMIT_MIB],
      statistic: 'max',
    });
    return { time, memory };
  } finally {
    await many.emulator.stop();
  }
}

/** @param {import('../run.mjs').BenchContext} ctx */
export async function measure(ctx) {
  const one = await fleet(1);
  try {
    const rows = [];
    let memory;
    for (const size of SIZES) {
      const measured = await measureSize(
        ctx,
        one.user,
        ctx.quick ? size.quick : size.full,
        size.limit,
        size.full,
      );
      rows.push(measured.time);
      memory = measured.memory;
    }
    if (memory) rows.push(memory);
    return rows;
  } finally {
    await one.emulator.stop();
  }
}
