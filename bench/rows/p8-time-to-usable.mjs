// @ts-check
/**
 * P8: time to usable. `lium up 1 -y` (rent, wait until the pod answers SSH) as a whole process,
 * minus the emulator's ready delay (PENDING → RUNNING), at 0.5 s, 5 s and 60 s: the overshoot is
 * what the client adds (start-up, the rent, the poll interval, the handshake). Target: at most
 * 1.5 s at every delay, so the row's ratio is overshoot ÷ 1.5 s.
 */
import { startEmulatorProcess } from '../lib/emulator.mjs';
import { liumBin } from '../lib/paths.mjs';
import { run, runOk } from '../lib/process.mjs';
import { ratioRow } from '../lib/row.mjs';
import { median } from '../lib/stats.mjs';
import { cliHome } from '../lib/workspace.mjs';

const ALLOWED_S = 1.5;
const DELAYS_MS = [500, 5_000, 60_000];
const lower = /** @type {const} */ ('lower');

/** @param {number} delayMs */
const spec = (delayMs) => ({
  id: 'P8',
  what: `lium up 1 -y, overshoot past a ${delayMs / 1000} s ready delay`,
  baseline: `${ALLOWED_S} s allowed (wall time − ready delay)`,
  unit: 's',
  direction: lower,
  limit: 1,
});
export const specs = DELAYS_MS.map(spec);

/**
 * @param {import('../run.mjs').BenchContext} ctx
 * @param {number} delayMs
 */
async function measureDelay(ctx, delayMs) {
  const emulator = await startEmulatorProcess({ executors: 20, readyDelayMs: delayMs });
  try {
    const user = await cliHome(emulator);
    const lium = (/** @type {string[]} */ ...args) =>
      run(process.execPath, [liumBin, ...args], { env: user.env, timeoutMs: delayMs + 120_000 });
    const downAll = async () => {
      const down = await lium('down', 'all', '-y');
      if (down.code !== 0) throw new Error(`lium down all -y failed: ${down.stderr.slice(-800)}`);
    };
    const runs = ctx.quick ? 1 : delayMs >= 60_000 ? 2 : 4;
    /** @type {number[]} */
    const overshoots = [];
    /** @type {number[]} */
    const walls = [];
    /** @type {number[]} */
    const fixed = [];
    for (let i = 0; i < runs; i++) {
      // Untimed: the listing `up 1` refers to, as a user has it.
      await runOk(process.execPath, [liumBin, 'ls'], { env: user.env });
      const up = await lium('up', '1', '-y');
      if (up.code !== 0) throw new Error(`lium up 1 -y failed: ${up.stderr.slice(-800)}`);
      walls.push(up.ms / 1000);
      overshoots.push((up.ms - delayMs) / 1000);
      ctx.log(`P8 ${delayMs / 1000} s run ${i + 1}: ${(up.ms / 1000).toFixed(2)} s`);
      await downAll();
      // The part no poll interval can shorten: start-up, listing, key and rent requests.
      await runOk(process.execPath, [liumBin, 'ls'], { env: user.env });
      const noWait = await lium('up', '1', '-y', '--no-wait');
      if (noWait.code !== 0)
        throw new Error(`lium up --no-wait failed: ${noWait.stderr.slice(-800)}`);
      fixed.push(noWait.ms / 1000);
      await downAll();
    }
    const sorted = [...walls].sort((a, b) => a - b);
    return ratioRow({
      ...spec(delayMs),
      samples: overshoots,
      baselineSamples: [ALLOWED_S],
      statistic: 'max',
      note: `wall time ${sorted.map((s) => s.toFixed(2)).join(', ')} s at a ${delayMs / 1000} s ready delay (the ratio uses the largest overshoot); \`lium up 1 -y --no-wait\` (start-up, listing, key and rent, no waiting) took ${median(fixed).toFixed(2)} s of it.`,
    });
  } finally {
    await emulator.stop();
  }
}

/** @param {import('../run.mjs').BenchContext} ctx */
export async function measure(ctx) {
  const rows = [];
  for (const delayMs of DELAYS_MS) rows.push(await measureDelay(ctx, delayMs));
  return rows;
}
