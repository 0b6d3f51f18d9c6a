// @ts-check
/** P6: `lium ls --json` against an emulator with 5 000 executors, against `lium --version`. */
import { startEmulatorProcess } from '../lib/emulator.mjs';
import { liumBin } from '../lib/paths.mjs';
import { interleave, run } from '../lib/process.mjs';
import { ratioRow } from '../lib/row.mjs';
import { cliHome } from '../lib/workspace.mjs';

const EXECUTORS = 5000;

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
    if (!Array.isArray(listed) || listed.length !== EXECUTORS) {
      throw new Error(
        `lium ls --json gave ${Array.isArray(listed) ? listed.length : 'no'} rows (exit ${check.code}): ${check.stderr.slice(-500)}`,
      );
    }
    ctx.log(`P6: lium ls --json lists ${listed.length} executors, ${check.stdout.length} bytes`);
    const times = await interleave(
      {
        version: () => run(node, [liumBin, '--version'], { env }),
        ls: () => run(node, [liumBin, 'ls', '--json'], { env }),
      },
      ctx.quick ? 10 : 20,
    );
    const [spec] = specs;
    return [
      ratioRow({
        .../** @type {(typeof specs)[0]} */ (spec),
        samples: times.ls ?? [],
        baselineSamples: times.version ?? [],
      }),
    ];
  } finally {
    await emulator.stop();
  }
}
