// @ts-check
/** P2: `lium exec all true` over 64 emulator pods against the same on 1 pod. */
import { startEmulatorProcess } from '../lib/emulator.mjs';
import { liumBin } from '../lib/paths.mjs';
import { rentPods } from '../lib/pods.mjs';
import { interleave, run } from '../lib/process.mjs';
import { ratioRow } from '../lib/row.mjs';
import { cliHome } from '../lib/workspace.mjs';

const PODS = 64;
/** --quick: a smaller fleet, so the whole quick run stays under 3 minutes. */
const QUICK_PODS = 16;

export const specs = [
  {
    id: 'P2',
    what: `lium exec all true, ${PODS} pods`,
    baseline: 'lium exec all true, 1 pod',
    unit: 'ms',
    direction: /** @type {const} */ ('lower'),
    limit: 2,
  },
];

/**
 * One emulator per fleet size, so the baseline is literally the same command line.
 * @param {number} pods
 */
async function fleet(pods) {
  const emulator = await startEmulatorProcess({ executors: Math.max(pods, 100) });
  try {
    const user = await cliHome(emulator);
    const rented = await rentPods(user, pods);
    return { emulator, user, rented };
  } catch (error) {
    await emulator.stop();
    throw error;
  }
}

/** @param {import('../run.mjs').BenchContext} ctx */
export async function measure(ctx) {
  const size = ctx.quick ? QUICK_PODS : PODS;
  const many = await fleet(size);
  try {
    const one = await fleet(1);
    try {
      ctx.log(`P2: ${many.rented.length} pods and 1 pod running`);
      const node = process.execPath;
      const check = await run(node, [liumBin, 'exec', 'all', 'true'], { env: many.user.env });
      if (check.code !== 0)
        throw new Error(`lium exec all true failed: ${check.stderr.slice(-800)}`);
      const times = await interleave(
        {
          one: () => run(node, [liumBin, 'exec', 'all', 'true'], { env: one.user.env }),
          many: () => run(node, [liumBin, 'exec', 'all', 'true'], { env: many.user.env }),
        },
        ctx.quick ? 3 : 12,
      );
      const spec = /** @type {(typeof specs)[0]} */ (specs[0]);
      return [
        ratioRow({
          ...spec,
          what: `lium exec all true, ${size} pods`,
          samples: times.many ?? [],
          baselineSamples: times.one ?? [],
        }),
      ];
    } finally {
      await one.emulator.stop();
    }
  } finally {
    await many.emulator.stop();
  }
}
