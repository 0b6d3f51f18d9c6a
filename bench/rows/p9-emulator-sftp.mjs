// @ts-check
/**
 * P9: the emulator's SFTP server against a real OpenSSH sshd on the same machine (issue #12):
 * the same file up and down with OpenSSH `sftp` and with SshPool (what `lium scp` runs), to an
 * emulated pod (its own `lium-emulator` process, sandbox auto) and to sshd, alternating.
 * Target: the emulated pod is at least 0.8x as fast, so tests and demos see what real pods
 * (which run OpenSSH) give.
 */
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulatorProcess } from '../lib/emulator.mjs';
import { sshClientOptions, startBenchSshd } from '../lib/openssh.mjs';
import { rentPods } from '../lib/pods.mjs';
import { run, runOk, workerEnv } from '../lib/process.mjs';
import { ratioRow } from '../lib/row.mjs';
import { writeRandomFile } from '../lib/tree.mjs';
import { cliHome, tempDir } from '../lib/workspace.mjs';

const MiB = 2 ** 20;
const FULL_SIZE = 512 * MiB;
const QUICK_SIZE = 128 * MiB;
const worker = fileURLToPath(new URL('../workers/transfer.mjs', import.meta.url));

const higher = /** @type {const} */ ('higher');
/** @param {string} what */
const spec = (what) => ({
  id: 'P9',
  what,
  baseline: 'the same transfer to OpenSSH sshd',
  unit: 'MiB/s',
  direction: higher,
  limit: 0.8,
});
export const specs = [
  spec('emulated pod: sftp upload'),
  spec('emulated pod: sftp download'),
  spec('emulated pod: SshPool upload (lium scp)'),
  spec('emulated pod: SshPool download (lium scp)'),
];

/** @param {string} path @param {number} size */
async function checkSize(path, size) {
  const found = (await stat(path)).size;
  if (found !== size) throw new Error(`${path} has ${found} bytes, expected ${size}`);
}

/** @param {number} bytes @param {number} ms */
const rate = (bytes, ms) => bytes / MiB / (ms / 1000);

/**
 * @typedef {object} Server
 * @property {number} port
 * @property {string} user
 * @property {string} keyPath
 * @property {string} remoteDir where the payload goes on that server
 * @property {(path: string) => Promise<void>} removeRemote
 * @property {(path: string, size: number) => Promise<void>} checkRemote
 */

/** @param {import('../run.mjs').BenchContext} ctx */
export async function measure(ctx) {
  const size = ctx.quick ? QUICK_SIZE : FULL_SIZE;
  const runs = ctx.quick ? 1 : 3;
  const sshd = await startBenchSshd();
  const emulator = await startEmulatorProcess({ executors: 20, sandbox: 'auto' });
  try {
    const user = await cliHome(emulator);
    const [pod] = await rentPods(user, 1);
    if (!pod) throw new Error('no pod rented');
    const rows = /** @type {{ id: string, ssh_connect_cmd: string | null }[]} */ (
      await (
        await fetch(`${emulator.baseUrl}/pods`, { headers: { 'X-API-KEY': emulator.apiKey } })
      ).json()
    );
    const cmd = rows.find((row) => row.id === pod.id)?.ssh_connect_cmd ?? '';
    const podPort = Number(/-p (\d+)/.exec(cmd)?.[1]);
    if (!podPort) throw new Error(`no SSH port in ${cmd}`);
    const local = await tempDir('emu-sftp');
    const source = join(local, 'payload.bin');
    await writeRandomFile(source, size);
    const sshdRemote = await tempDir('emu-sftp-remote');

    /** @param {number} port @param {string} keyPath */
    const common = (port, keyPath) => ['-q', '-P', String(port), ...sshClientOptions(keyPath)];
    const targets = {
      emulator: { port: podPort, user: 'root', keyPath: user.key.privateKeyPath, dir: '/root' },
      sshd: { port: sshd.port, user: sshd.user, keyPath: sshd.clientKeyPath, dir: sshdRemote },
    };
    /**
     * One timed transfer; returns MiB/s. The pod copy is checked and removed through sftp too.
     * @param {'sftp' | 'pool'} client @param {'up' | 'down'} direction
     * @param {keyof typeof targets} where
     */
    const once = async (client, direction, where) => {
      const t = targets[where];
      const remote = `${t.dir}/payload.bin`;
      const down = join(local, 'downloaded.bin');
      let ms;
      if (client === 'sftp') {
        const line = direction === 'up' ? `put ${source} ${remote}` : `get ${remote} ${down}`;
        const result = await run(
          'sftp',
          [...common(t.port, t.keyPath), '-b', '-', `${t.user}@127.0.0.1`],
          {
            input: `${line}\n`,
          },
        );
        if (result.code !== 0)
          throw new Error(`sftp ${direction} to ${where} failed: ${result.stderr}`);
        ms = result.ms;
      } else {
        const [from, to] = direction === 'up' ? [source, remote] : [remote, down];
        const result = await runOk(
          process.execPath,
          [worker, direction, '127.0.0.1', String(t.port), t.user, t.keyPath, from, to],
          { env: workerEnv() },
        );
        ms = JSON.parse(result.stdout).ms;
      }
      if (direction === 'down') {
        await checkSize(down, size);
        await rm(down, { force: true });
      } else {
        const ls = await run(
          'sftp',
          [...common(t.port, t.keyPath), '-b', '-', `${t.user}@127.0.0.1`],
          {
            input: `ls -l ${remote}\n`,
          },
        );
        if (!ls.stdout.includes(String(size)))
          throw new Error(`${where}: ${remote} is not ${size} bytes`);
      }
      return rate(size, ms);
    };

    /** @type {Record<string, { emulator: number[], sshd: number[] }>} */
    const samples = {};
    const plan = /** @type {const} */ ([
      ['sftp', 'up'],
      ['sftp', 'down'],
      ['pool', 'up'],
      ['pool', 'down'],
    ]);
    for (let i = 0; i < runs; i++) {
      for (const [client, direction] of plan) {
        const key = `${client} ${direction}`;
        samples[key] ??= { emulator: [], sshd: [] };
        // Each upload leaves the payload in place for the download after it; the order of
        // the two servers alternates between runs.
        const order = i % 2 === 0 ? ['emulator', 'sshd'] : ['sshd', 'emulator'];
        for (const where of /** @type {('emulator' | 'sshd')[]} */ (order)) {
          samples[key][where].push(await once(client, direction, where));
        }
        ctx.log(
          `P9 ${key} run ${i + 1}: emulator ${samples[key].emulator.at(-1)?.toFixed(0)} MiB/s, sshd ${samples[key].sshd.at(-1)?.toFixed(0)} MiB/s`,
        );
      }
    }
    const keys = ['sftp up', 'sftp down', 'pool up', 'pool down'];
    return specs.map((s, i) => {
      const k = /** @type {string} */ (keys[i]);
      const got = /** @type {{ emulator: number[], sshd: number[] }} */ (samples[k]);
      return ratioRow({
        ...s,
        what: `${s.what}, ${size / MiB} MiB`,
        samples: got.emulator,
        baselineSamples: got.sshd,
      });
    });
  } finally {
    await emulator.stop();
    await sshd.stop();
  }
}
