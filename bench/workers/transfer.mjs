// @ts-check
/**
 * P4 worker: one upload or download of one file with @lium/ssh's SshPool (what `lium scp` and
 * Lium.uploadFile run), in its own process so its peak RSS is ours alone.
 * argv: up|down host port user keyPath source dest [tuning JSON]. Prints { ms, bytes, maxRssMiB }.
 * The optional tuning ({ "chunkSize": …, "concurrency": … }) tries other SFTP request sizes and
 * depths when profiling a miss.
 */
import { builtEntry } from '../lib/paths.mjs';

const [direction, host, port, user, keyPath, source, dest, tuningJson] = process.argv.slice(2);
const { SshPool } = await import(builtEntry('ssh'));
const target = { host, port: Number(port), user };
/** @type {{ chunkSize?: number, concurrency?: number }} */
const tuning = tuningJson ? JSON.parse(tuningJson) : {};
const pool = new SshPool({ privateKeyPath: keyPath, hostKeyCheck: 'off' });
const started = process.hrtime.bigint();
try {
  const result =
    direction === 'up'
      ? await pool.upload(target, source, dest, tuning)
      : await pool.download(target, source, dest, tuning);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const maxRssMiB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ ms, bytes: result.bytes, maxRssMiB })}\n`);
} finally {
  await pool.closeAll();
}
