// @ts-check
/** P3: 100 sequential executeCommand calls on one pod in one SDK process vs 1 call with handshake. */
import { fileURLToPath } from 'node:url';
import { startEmulatorProcess } from '../lib/emulator.mjs';
import { rentPods } from '../lib/pods.mjs';
import { runOk } from '../lib/process.mjs';
import { ratioRow } from '../lib/row.mjs';
import { median } from '../lib/stats.mjs';
import { cliHome } from '../lib/workspace.mjs';

const CALLS = 100;
const worker = fileURLToPath(new URL('../workers/exec-loop.mjs', import.meta.url));

export const specs = [
  {
    id: 'P3',
    what: `${CALLS} sequential executeCommand, one pod, one SDK process`,
    baseline: '1 executeCommand including the SSH handshake',
    unit: 'ms',
    direction: /** @type {const} */ ('lower'),
    limit: 15,
  },
];

/** @param {import('../run.mjs').BenchContext} ctx */
export async function measure(ctx) {
  const emulator = await startEmulatorProcess({ executors: 100 });
  try {
    const user = await cliHome(emulator);
    const [pod] = await rentPods(user, 1);
    if (!pod) throw new Error('no pod rented');
    const rounds = ctx.quick ? 1 : 5;
    const result = await runOk(
      process.execPath,
      [worker, pod.id, String(CALLS), String(rounds), ctx.quick ? 'no-floor' : 'floor'],
      {
        env: user.env,
      },
    );
    const { single, many, bareSingle, bareMany } = JSON.parse(result.stdout);
    const perCall = (/** @type {number[]} */ n, /** @type {number[]} */ one) =>
      ((median(n) - median(one)) / (CALLS - 1)).toFixed(1);
    const floorNote = bareMany.length
      ? `floor with a bare ssh2 Client on the same pod: ${(median(bareMany) / median(bareSingle)).toFixed(1)}× (${CALLS} calls ${median(bareMany).toFixed(0)} ms, 1 call with handshake ${median(bareSingle).toFixed(0)} ms); per call on an open connection: ours ${perCall(many, single)} ms, bare ${perCall(bareMany, bareSingle)} ms.`
      : `per call on an open connection: ${perCall(many, single)} ms (the bare-ssh2 floor runs in full mode only).`;
    const spec = /** @type {(typeof specs)[0]} */ (specs[0]);
    return [
      ratioRow({
        ...spec,
        samples: many,
        baselineSamples: single,
        note: floorNote,
      }),
    ];
  } finally {
    await emulator.stop();
  }
}
