// @ts-check
/**
 * P5: sync of a 10 000-file mixed tree to a local OpenSSH sshd, then again after 1 % of the
 * files changed, with SshPool.sync, against `rsync -az -e ssh` of the same trees in the same run.
 */
import { fileURLToPath } from 'node:url';
import { startBenchSshd } from '../lib/openssh.mjs';
import { run, runOk, workerEnv } from '../lib/process.mjs';
import { ratioRow } from '../lib/row.mjs';
import { changeSome, writeTree } from '../lib/tree.mjs';
import { removeDir, tempDir } from '../lib/workspace.mjs';

const FULL_FILES = 10_000;
const QUICK_FILES = 2_000;
const CHANGED = 0.01;
const worker = fileURLToPath(new URL('../workers/sync.mjs', import.meta.url));

const lower = /** @type {const} */ ('lower');
export const specs = [
  {
    id: 'P5',
    what: 'sync 10 000 files (first, SshPool.sync)',
    baseline: 'rsync -az -e ssh, same tree',
    unit: 'ms',
    direction: lower,
    limit: 1.2,
  },
  {
    id: 'P5',
    what: 'sync after 1 % changed (SshPool.sync)',
    baseline: 'rsync -az -e ssh, same tree',
    unit: 'ms',
    direction: lower,
    limit: 1.2,
  },
];

/** @param {import('../run.mjs').BenchContext} ctx */
export async function measure(ctx) {
  const count = ctx.quick ? QUICK_FILES : FULL_FILES;
  const runs = ctx.quick ? 1 : 3;
  const sshd = await startBenchSshd();
  try {
    const source = await tempDir('tree');
    const tree = await writeTree(source, count);
    ctx.log(`P5: ${tree.files.length} files, ${(tree.bytes / 2 ** 20).toFixed(0)} MiB`);
    const at = `${sshd.user}@${sshd.host}`;
    const remoteShell = ['ssh', '-p', String(sshd.port), ...sshd.sshOptions].join(' ');

    /** @param {string} dest */
    const ours = async (dest) => {
      const result = await runOk(
        process.execPath,
        [worker, sshd.host, String(sshd.port), sshd.user, sshd.clientKeyPath, source, dest],
        { env: workerEnv() },
      );
      const report = JSON.parse(result.stdout);
      if (report.method !== 'rsync') ctx.log(`P5: SshPool.sync used ${report.method}`);
      return /** @type {{ ms: number, method: string, transferred: number }} */ (report);
    };
    /** @param {string} dest */
    const theirs = async (dest) => {
      const result = await run('rsync', ['-az', '-e', remoteShell, `${source}/`, `${at}:${dest}/`]);
      if (result.code !== 0) throw new Error(`rsync failed: ${result.stderr.slice(-800)}`);
      return result.ms;
    };

    /** @type {Record<'first' | 'again', { ours: number[], rsync: number[] }>} */
    const times = { first: { ours: [], rsync: [] }, again: { ours: [], rsync: [] } };
    let method = '';
    for (let i = 0; i < runs; i++) {
      const oursDest = await tempDir('sync-ours');
      const rsyncDest = await tempDir('sync-rsync');
      const first = await ours(oursDest);
      method = first.method;
      times.first.ours.push(first.ms);
      times.first.rsync.push(await theirs(rsyncDest));
      const changed = await changeSome(source, tree.files, CHANGED, 100 + i);
      const again = await ours(oursDest);
      times.again.ours.push(again.ms);
      times.again.rsync.push(await theirs(rsyncDest));
      await verifySame(source, oursDest);
      ctx.log(
        `P5 run ${i + 1}: first ours ${first.ms.toFixed(0)} ms / rsync ${times.first.rsync.at(-1)?.toFixed(0)} ms; after ${changed} changed ours ${again.ms.toFixed(0)} ms (${again.transferred} sent) / rsync ${times.again.rsync.at(-1)?.toFixed(0)} ms`,
      );
      await removeDir(oursDest);
      await removeDir(rsyncDest);
    }
    const [firstSpec, againSpec] = /** @type {[typeof specs[0], typeof specs[0]]} */ (specs);
    const label = count.toLocaleString('en-US').replace(',', ' ');
    const note = `SshPool.sync used ${method}; tree ${(tree.bytes / 2 ** 20).toFixed(0)} MiB.`;
    return [
      ratioRow({
        ...firstSpec,
        what: `sync ${label} files (first, SshPool.sync)`,
        samples: times.first.ours,
        baselineSamples: times.first.rsync,
        note,
      }),
      ratioRow({ ...againSpec, samples: times.again.ours, baselineSamples: times.again.rsync }),
    ];
  } finally {
    await sshd.stop();
  }
}

/** The synced copy must equal the source (a fast sync that copies nothing is no win). */
async function verifySame(/** @type {string} */ source, /** @type {string} */ dest) {
  const result = await run('diff', ['-rq', source, dest]);
  if (result.code !== 0)
    throw new Error(`synced tree differs from the source: ${result.stdout.slice(0, 500)}`);
}
