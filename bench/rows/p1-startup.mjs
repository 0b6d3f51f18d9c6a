// @ts-check
/** P1: `lium --version` and `lium --help` wall time against `node -e 0`. */

import { liumBin } from '../lib/paths.mjs';
import { interleave, run } from '../lib/process.mjs';
import { ratioRow } from '../lib/row.mjs';
import { cliHome } from '../lib/workspace.mjs';

export const specs = [
  {
    id: 'P1',
    what: 'lium --version wall time',
    baseline: 'node -e 0',
    unit: 'ms',
    direction: /** @type {const} */ ('lower'),
    limit: 1.3,
  },
  {
    id: 'P1',
    what: 'lium --help wall time',
    baseline: 'node -e 0',
    unit: 'ms',
    direction: /** @type {const} */ ('lower'),
    limit: 1.6,
  },
];

/** @param {import('../run.mjs').BenchContext} ctx */
export async function measure(ctx) {
  const { env } = await cliHome();
  const node = process.execPath;
  const runs = ctx.quick ? 10 : 30;
  const times = await interleave(
    {
      node: () => run(node, ['-e', '0'], { env }),
      version: () => run(node, [liumBin, '--version'], { env }),
      help: () => run(node, [liumBin, '--help'], { env }),
    },
    runs,
    { warmup: 2 },
  );
  const [version, help] = /** @type {[(typeof specs)[0], (typeof specs)[0]]} */ (specs);
  return [
    ratioRow({ ...version, samples: times.version ?? [], baselineSamples: times.node ?? [] }),
    ratioRow({ ...help, samples: times.help ?? [], baselineSamples: times.node ?? [] }),
  ];
}
