// @ts-check
/** P6: `lium ls --json` against an emulator with 5 000 executors, against `lium --version`. */
import { fileURLToPath } from 'node:url';
import { startEmulatorProcess } from '../lib/emulator.mjs';
import { liumBin } from '../lib/paths.mjs';
import { interleave, run } from '../lib/process.mjs';
import { ratioRow } from '../lib/row.mjs';
import { median } from '../lib/stats.mjs';
import { cliHome } from '../lib/workspace.mjs';

const EXECUTORS = 5000;
const floorScript = fileURLToPath(new URL('../workers/fetch-floor.mjs', import.meta.url));

export const specs = [
  {
    id: 'P6',
    what: `lium ls --json, ${EXECUTORS} executors`,
    baseline: 'lium --version',
    unit: 'ms',
    direction: /** @type {const} */ ('lower'),
    limit: 2,
  },
];

/** @param {import('../run.mjs').BenchContext} ctx */
export async function measure(ctx) {
  const emulator = await startEmulatorProcess({ executors: EXECUTORS });
  try {
    const { env } = await cliHome(emulator);
    const node = process.execPath;
    const check = await run(node, [liumBin, 'ls', '--json'], { env });
    const listed = check.code === 0 ? JSON.parse(check.stdout) : undefined;
    // The SDK asks for one page of 1000 (as the official client does), so fewer rows than
    // executors is expected; none at all is a failure.
    if (!Array.isArray(listed) || listed.length === 0) {
      throw new Error(
        `lium ls --json gave ${Array.isArray(listed) ? listed.length : 'no'} rows (exit ${check.code}): ${check.stderr.slice(-500)}`,
      );
    }
    ctx.log(`P6: lium ls --json lists ${listed.length} executors, ${check.stdout.length} bytes`);
    const times = await interleave(
      {
        version: () => run(node, [liumBin, '--version'], { env }),
        ls: () => run(node, [liumBin, 'ls', '--json'], { env }),
        floor: () => run(node, [floorScript], { env }),
      },
      ctx.quick ? 4 : 12,
    );
    const spec = /** @type {(typeof specs)[0]} */ (specs[0]);
    const [ls, floor, version] = [times.ls ?? [], times.floor ?? [], times.version ?? []];
    return [
      ratioRow({
        ...spec,
        samples: ls,
        baselineSamples: version,
        note: `lium ls --json printed ${listed.length} rows (${(check.stdout.length / 2 ** 20).toFixed(1)} MiB); floor (bare Node fetch + JSON.parse + print of GET /executors?size=1000, the SDK's call): ${median(floor).toFixed(0)} ms = ${(median(floor) / median(version)).toFixed(1)}× lium --version; lium ls --json = ${(median(ls) / median(floor)).toFixed(2)}× that floor.`,
      }),
    ];
  } finally {
    await emulator.stop();
  }
}
