// @ts-check
/**
 * P4: upload and download of a 1 GiB file to a local OpenSSH sshd with SshPool, against
 * OpenSSH `scp` of the same file in the same run; plus our process's peak RSS.
 */
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBenchSshd } from '../lib/openssh.mjs';
import { run, runOk, workerEnv } from '../lib/process.mjs';
import { ratioRow } from '../lib/row.mjs';
import { writeRandomFile } from '../lib/tree.mjs';
import { tempDir } from '../lib/workspace.mjs';

const MiB = 2 ** 20;
const FULL_SIZE = 1024 * MiB;
const QUICK_SIZE = 128 * MiB;
const RSS_BUDGET_MIB = 150;
const worker = fileURLToPath(new URL('../workers/transfer.mjs', import.meta.url));

const lower = /** @type {const} */ ('lower');
const higher = /** @type {const} */ ('higher');
export const specs = [
  {
    id: 'P4',
    what: 'upload 1 GiB (SshPool.upload)',
    baseline: 'scp upload, same file',
    unit: 'MiB/s',
    direction: higher,
    limit: 1,
  },
  {
    id: 'P4',
    what: 'download 1 GiB (SshPool.download)',
    baseline: 'scp download, same file',
    unit: 'MiB/s',
    direction: higher,
    limit: 1,
  },
  {
    id: 'P4',
    what: 'peak RSS of our transfer process',
    baseline: `${RSS_BUDGET_MIB} MiB budget`,
    unit: 'MiB',
    direction: lower,
    limit: 1,
  },
];

/** @param {number} bytes @param {number} ms */
const mibPerSecond = (bytes, ms) => bytes / MiB / (ms / 1000);

/** @param {import('../run.mjs').BenchContext} ctx */
export async function measure(ctx) {
  const size = ctx.quick ? QUICK_SIZE : FULL_SIZE;
  const runs = ctx.quick ? 1 : 3;
  const sshd = await startBenchSshd();
  try {
    const local = await tempDir('transfer');
    const source = join(local, 'payload.bin');
    await writeRandomFile(source, size);
    const remoteDir = await tempDir('remote');
    const remote = join(remoteDir, 'payload.bin');
    const down = join(local, 'downloaded.bin');
    const at = `${sshd.user}@${sshd.host}`;
    const scp = ['-q', '-P', String(sshd.port), ...sshd.sshOptions];

    /** @param {'up' | 'down'} direction */
    const ours = async (direction) => {
      const [from, to] = direction === 'up' ? [source, remote] : [source, down];
      const result = await runOk(
        process.execPath,
        [worker, direction, sshd.host, String(sshd.port), sshd.user, sshd.clientKeyPath, from, to],
        { env: workerEnv() },
      );
      const report = JSON.parse(result.stdout);
      await checkSize(to, size);
      await rm(to, { force: true });
      return report;
    };
    /** @param {'up' | 'down'} direction */
    const theirs = async (direction) => {
      const args =
        direction === 'up'
          ? [...scp, source, `${at}:${remote}`]
          : [...scp, `${at}:${source}`, down];
      const result = await run('scp', args);
      if (result.code !== 0) throw new Error(`scp ${direction} failed: ${result.stderr}`);
      const to = direction === 'up' ? remote : down;
      await checkSize(to, size);
      await rm(to, { force: true });
      return result.ms;
    };

    /** @type {Record<'up' | 'down', { ours: number[], scp: number[] }>} */
    const rates = { up: { ours: [], scp: [] }, down: { ours: [], scp: [] } };
    /** @type {number[]} */
    const rss = [];
    for (let i = 0; i < runs; i++) {
      for (const direction of /** @type {const} */ (['up', 'down'])) {
        const report = await ours(direction);
        rates[direction].ours.push(mibPerSecond(size, report.ms));
        rss.push(report.maxRssMiB);
        rates[direction].scp.push(mibPerSecond(size, await theirs(direction)));
        ctx.log(
          `P4 ${direction} run ${i + 1}: ours ${rates[direction].ours.at(-1)?.toFixed(0)} MiB/s (RSS ${report.maxRssMiB.toFixed(0)} MiB), scp ${rates[direction].scp.at(-1)?.toFixed(0)} MiB/s`,
        );
      }
    }
    const label = `${size / MiB} MiB`;
    const [upSpec, downSpec, rssSpec] =
      /** @type {[typeof specs[0], typeof specs[0], typeof specs[0]]} */ (specs);
    return [
      ratioRow({
        ...upSpec,
        what: `upload ${label} (SshPool.upload)`,
        samples: rates.up.ours,
        baselineSamples: rates.up.scp,
      }),
      ratioRow({
        ...downSpec,
        what: `download ${label} (SshPool.download)`,
        samples: rates.down.ours,
        baselineSamples: rates.down.scp,
      }),
      ratioRow({ ...rssSpec, samples: rss, baselineSamples: [RSS_BUDGET_MIB], statistic: 'max' }),
    ];
  } finally {
    await sshd.stop();
  }
}

/** @param {string} path @param {number} size */
async function checkSize(path, size) {
  const found = (await stat(path)).size;
  if (found !== size) throw new Error(`${path} has ${found} bytes, expected ${size}`);
}
