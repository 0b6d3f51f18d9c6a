// @ts-check
/**
 * P2: `lium exec all true` over many emulator pods against the same command on 1 pod (its own
 * emulator, so the baseline is literally the same command line): 64 pods (≤ 2×) and 256 pods
 * (≤ 4×), plus the CLI process's own CPU seconds and peak RSS (≤ 300 MiB at 256), measured inside
 * the process (workers/rusage-probe.mjs), so the client's share is visible apart from the
 * emulator's pod servers on the same two cores. Extra rows: the same command against the floor
 * the pods set for any client, `workers/ssh2-fanout.mjs` (a bare ssh2 Client per pod: connect,
 * exec `true`, close, 32 at once, as the SDK), alternating with it, and the emulator process's
 * CPU seconds over each run (from /proc), so the client's share shows apart from the servers'.
 */
import { readFile, writeFile } from 'node:fs/promises';
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
const floorWorker = fileURLToPath(new URL('../workers/ssh2-fanout.mjs', import.meta.url));
const RSS_LIMIT_MIB = 300;
/** The SDK's default fan-out (`executeMany`), which the floor uses too. */
const FAN_OUT = 32;
/** Ours against the bare ssh2 floor: start-up, one API listing, pinning and output on top. */
const FLOOR_LIMIT = 1.25;
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

/** @param {number} pods @param {number} [standsFor] */
const floorSpec = (pods, standsFor = pods) => ({
  id: 'P2f',
  what: `lium exec all true, ${pods} pods, against a bare ssh2 fan-out${standsFor !== pods ? ` (--quick stand-in for ${standsFor})` : ''}`,
  baseline: `workers/ssh2-fanout.mjs: a bare ssh2 Client per pod (connect, exec true, close), ${FAN_OUT} at once, same pods`,
  unit: 'ms',
  direction: lower,
  limit: FLOOR_LIMIT,
});

export const specs = [
  ...SIZES.map((size) => timeSpec(size.full, size.limit)),
  rssSpec(SIZES[1]?.full ?? 256),
  ...SIZES.map((size) => floorSpec(size.full)),
];

/**
 * A process's CPU seconds so far, its own and its waited-for children's (the pod commands the
 * emulator spawns), from /proc; NaN where there is no /proc.
 * @param {number} pid
 */
async function cpuSecondsOf(pid) {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime stime cutime cstime are fields 14-17 of stat(5), in clock ticks (100 per second).
    return fields.slice(11, 15).reduce((sum, ticks) => sum + Number(ticks), 0) / 100;
  } catch {
    return Number.NaN;
  }
}

/**
 * The pods' SSH addresses as the API gives them, for the floor worker.
 * @param {{ baseUrl: string, apiKey: string }} emulator
 */
async function podTargets(emulator) {
  const response = await fetch(`${emulator.baseUrl}/pods`, {
    headers: { 'X-API-KEY': emulator.apiKey },
  });
  const rows = /** @type {{ ssh_connect_cmd: string | null }[]} */ (await response.json());
  return rows.map((row) => {
    const match = /ssh (\S+)@(\S+) -p (\d+)/.exec(row.ssh_connect_cmd ?? '');
    if (!match) throw new Error(`no SSH address in ${row.ssh_connect_cmd}`);
    return { username: match[1], host: match[2], port: Number(match[3]) };
  });
}

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
    const targetsFile = join(dir, 'targets.json');
    await writeFile(targetsFile, JSON.stringify(await podTargets(many.emulator)));
    const floorEnv = { ...many.user.env, BENCH_KEY: many.user.key.privateKeyPath };
    const floor = () =>
      run(process.execPath, [floorWorker, targetsFile, String(FAN_OUT)], { env: floorEnv });
    const floorCheck = await floor();
    if (floorCheck.code !== 0) throw new Error(`ssh2 fan-out failed: ${floorCheck.stderr}`);
    const runs = ctx.quick ? 3 : size > 64 ? 6 : 12;
    /** @type {Record<'one' | 'many', { ms: number, cpuSeconds: number, maxRssMiB: number }[]>} */
    const samples = { one: [], many: [] };
    /** @type {number[]} */
    const floorMs = [];
    /** @type {Record<'many' | 'floor', number[]>} */
    const serverCpu = { many: [], floor: [] };
    for (let i = 0; i < runs; i++) {
      for (const [name, user] of /** @type {const} */ ([
        ['one', one],
        ['many', many.user],
      ])) {
        const before = await cpuSecondsOf(many.emulator.pid);
        const result = await execAll(user, join(dir, `${name}-${i}.json`));
        if (result.code !== 0) {
          throw new Error(`lium exec all true (${name}) failed: ${result.stderr.slice(-800)}`);
        }
        samples[name].push({ ms: result.ms, ...result.usage });
        if (name === 'many') serverCpu.many.push((await cpuSecondsOf(many.emulator.pid)) - before);
      }
      const before = await cpuSecondsOf(many.emulator.pid);
      const bare = await floor();
      if (bare.code !== 0) throw new Error(`ssh2 fan-out failed: ${bare.stderr.slice(-800)}`);
      floorMs.push(bare.ms);
      serverCpu.floor.push((await cpuSecondsOf(many.emulator.pid)) - before);
    }
    const cpu = (/** @type {'one' | 'many'} */ name) =>
      median(samples[name].map((s) => s.cpuSeconds)).toFixed(2);
    const rss = (/** @type {'one' | 'many'} */ name) =>
      Math.max(...samples[name].map((s) => s.maxRssMiB)).toFixed(0);
    const time = ratioRow({
      ...timeSpec(size, limit, standsFor),
      samples: samples.many.map((s) => s.ms),
      baselineSamples: samples.one.map((s) => s.ms),
      note: `the CLI process itself: ${cpu('many')} s CPU (median) and ${rss('many')} MiB peak RSS at ${size} pods, ${cpu('one')} s and ${rss('one')} MiB at 1 pod; the emulator process (its ${size} ssh2 pod servers and the commands they spawn) ${median(serverCpu.many).toFixed(2)} s CPU per run; a bare ssh2 fan-out to the same pods (row P2f) ${median(floorMs).toFixed(0)} ms.`,
    });
    const againstFloor = ratioRow({
      ...floorSpec(size, standsFor),
      samples: samples.many.map((s) => s.ms),
      baselineSamples: floorMs,
      note: `the bare fan-out cost the emulator ${median(serverCpu.floor).toFixed(2)} s CPU per run (ours ${median(serverCpu.many).toFixed(2)} s); ours adds Node start-up, the CLI, one GET /pods, host-key pinning and per-pod output.`,
    });
    const memory = ratioRow({
      ...rssSpec(size, standsFor),
      samples: samples.many.map((s) => s.maxRssMiB),
      baselineSamples: [RSS_LIMIT_MIB],
      statistic: 'max',
    });
    return { time, memory, againstFloor };
  } finally {
    await many.emulator.stop();
  }
}

/** @param {import('../run.mjs').BenchContext} ctx */
export async function measure(ctx) {
  const one = await fleet(1);
  try {
    const rows = [];
    const floors = [];
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
      floors.push(measured.againstFloor);
      memory = measured.memory;
    }
    if (memory) rows.push(memory);
    rows.push(...floors);
    return rows;
  } finally {
    await one.emulator.stop();
  }
}
