#!/usr/bin/env node
// @ts-check
/**
 * `pnpm bench [--quick] [--only P1,P4]`: measures each figure of issue #7 against its baseline in
 * the same run and writes bench/results.json and bench/RESULTS.md. Never fails CI: a row that
 * cannot run is written as not met, with the reason, and the exit code stays 0.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { machineFacts } from './lib/machine.mjs';
import { resultsPath, writeReport } from './lib/report.mjs';
import { failedRow, ratioFigure } from './lib/row.mjs';
import { removeAllTempDirs } from './lib/workspace.mjs';
import * as p1 from './rows/p1-startup.mjs';
import * as p2 from './rows/p2-exec-all.mjs';
import * as p3 from './rows/p3-exec-loop.mjs';
import * as p4 from './rows/p4-transfer.mjs';
import * as p5 from './rows/p5-sync.mjs';
import * as p6 from './rows/p6-ls.mjs';
import * as p7 from './rows/p7-cold-exec.mjs';
import * as p8 from './rows/p8-time-to-usable.mjs';
import * as p9 from './rows/p9-emulator-sftp.mjs';

/**
 * @typedef {object} BenchContext
 * @property {boolean} quick smaller sizes, fewer runs (under 3 minutes in all)
 * @property {(message: string) => void} log progress on stderr
 */

/**
 * @typedef {object} RowModule
 * @property {{ id: string, what: string, baseline: string, unit: string,
 *   direction: 'lower' | 'higher', limit: number }[]} specs
 * @property {(ctx: BenchContext) => Promise<import('./lib/row.mjs').Row[]>} measure
 */

/** @type {RowModule[]} */
const modules = [p1, p2, p3, p4, p5, p6, p7, p8, p9];

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    render: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h' },
  },
  strict: true,
});
if (values.help) {
  process.stdout.write(
    'Usage: pnpm bench [--quick] [--only P1,P3] [--render]\n  --quick   smaller sizes and fewer runs (< 3 min)\n  --only    run only these rows\n  --render  only rewrite RESULTS.md from results.json (after editing findings.md)\n',
  );
  process.exit(0);
}

if (values.render) {
  const { machine, rows } = JSON.parse(await readFile(resultsPath, 'utf8'));
  await writeReport(machine, rows);
  process.exit(0);
}

const started = Date.now();
/** @type {BenchContext} */
const ctx = {
  quick: values.quick ?? false,
  log: (message) =>
    process.stderr.write(
      `[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s] ${message}\n`,
    ),
};
const only = values.only?.split(',').map((id) => id.trim().toUpperCase());

const cleanup = () => {
  removeAllTempDirs().finally(() => process.exit(130));
};
process.once('SIGINT', cleanup);
process.once('SIGTERM', cleanup);

const machine = await machineFacts({ quick: ctx.quick });
/** @type {import('./lib/row.mjs').Row[]} */
const rows = [];
/**
 * A build running next to the bench (another `pnpm build`, an editor's watcher) can replace a
 * package's `dist/` mid-row; the worker then cannot load it. Such a row gets one more try.
 * @param {unknown} error
 */
const isMissingBuild = (error) =>
  error instanceof Error && /ERR_MODULE_NOT_FOUND|Cannot find module/.test(error.message);

for (const mod of modules) {
  const id = mod.specs[0]?.id ?? '?';
  if (only && !mod.specs.some((spec) => only.includes(spec.id.toUpperCase()))) continue;
  ctx.log(`${id}: ${mod.specs.map((spec) => spec.what).join('; ')}`);
  for (let attempt = 1; ; attempt++) {
    try {
      const measured = await mod.measure(ctx);
      for (const row of measured) {
        ctx.log(
          `${row.id} ${row.what}: ${ratioFigure(row)} vs ${row.baselineMedian} → ${row.ratio}× (${row.target}) ${row.met ? 'met' : 'NOT met'}`,
        );
      }
      rows.push(...measured);
      break;
    } catch (error) {
      const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
      if (attempt === 1 && isMissingBuild(error)) {
        ctx.log(
          `${id}: a build output vanished mid-row (a build running alongside?); retrying in 30 s`,
        );
        await new Promise((resolve) => setTimeout(resolve, 30_000));
        continue;
      }
      ctx.log(`${id} failed: ${detail}`);
      rows.push(...mod.specs.map((spec) => failedRow(spec, error)));
      break;
    } finally {
      await removeAllTempDirs();
    }
  }
}
const written = await writeReport(machine, rows);
ctx.log(
  `wrote ${written.resultsPath} and ${written.markdownPath} in ${((Date.now() - started) / 1000).toFixed(0)} s`,
);
process.exit(0);
