// @ts-check
/**
 * P6: `lium ls --json` and the `lium ls` table against an emulator with 5 000 executors, each
 * against the floor any Node client has: a bare `fetch` + `JSON.parse` + print of the same page
 * (workers/fetch-floor.mjs). `lium --version` is timed alongside, for reading only.
 */
import { fileURLToPath } from 'node:url';
import { startEmulatorProcess } from '../lib/emulator.mjs';
import { liumBin } from '../lib/paths.mjs';
import { interleave, run } from '../lib/process.mjs';
import { ratioRow } from '../lib/row.mjs';
import { median } from '../lib/stats.mjs';
import { cliHome } from '../lib/workspace.mjs';

const EXECUTORS = 5000;
const floorScript = fileURLToPath(new URL('../workers/fetch-floor.mjs', import.meta.url));
const FLOOR = 'bare Node fetch + JSON.parse + print of the same page';

export const specs = [
  {
    id: 'P6',
    what: `lium ls --json, ${EXECUTORS} executors`,
    baseline: FLOOR,
    unit: 'ms',
    direction: /** @type {const} */ ('lower'),
    limit: 1.2,
  },
  {
    id: 'P6',
    what: `lium ls (table), ${EXECUTORS} executors`,
    baseline: FLOOR,
    unit: 'ms',
    direction: /** @type {const} */ ('lower'),
    limit: 1.3,
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
    const table = await run(node, [liumBin, 'ls'], { env });
    const tableLines = table.stdout.split('\n').length;
    if (table.code !== 0 || tableLines < listed.length) {
      throw new Error(
        `lium ls printed ${tableLines} lines (exit ${table.code}): ${table.stderr.slice(-500)}`,
      );
    }
    ctx.log(`P6: lium ls --json lists ${listed.length} executors, ${check.stdout.length} bytes`);
    const times = await interleave(
      {
        floor: () => run(node, [floorScript], { env }),
        json: () => run(node, [liumBin, 'ls', '--json'], { env }),
        table: () => run(node, [liumBin, 'ls'], { env }),
        version: () => run(node, [liumBin, '--version'], { env }),
      },
      ctx.quick ? 4 : 12,
    );
    const [json, table_, floor, version] = [
      times.json ?? [],
      times.table ?? [],
      times.floor ?? [],
      times.version ?? [],
    ];
    const [jsonSpec, tableSpec] = /** @type {[(typeof specs)[0], (typeof specs)[0]]} */ (specs);
    const versionNote = `lium --version ${median(version).toFixed(0)} ms (the floor is ${(median(floor) / median(version)).toFixed(1)}× that)`;
    return [
      ratioRow({
        ...jsonSpec,
        samples: json,
        baselineSamples: floor,
        note: `printed ${listed.length} rows (${(check.stdout.length / 2 ** 20).toFixed(1)} MiB); the floor fetches GET /executors?size=1000 (the SDK's call); ${versionNote}.`,
      }),
      ratioRow({
        ...tableSpec,
        samples: table_,
        baselineSamples: floor,
        note: `${tableLines} lines of table; same floor run as the --json row.`,
      }),
    ];
  } finally {
    await emulator.stop();
  }
}
