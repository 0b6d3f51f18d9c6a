// @ts-check
/**
 * P5 worker: one `SshPool.sync` (what `lium rsync` and Lium.syncDirectory run) of a local
 * directory up to a remote one, compressed like `rsync -az`.
 * argv: host port user keyPath source dest. Prints { ms, method, transferred, bytes }.
 */
import { builtEntry } from '../lib/paths.mjs';

const [host, port, user, keyPath, source, dest] = process.argv.slice(2);
const { SshPool } = await import(builtEntry('ssh'));
const pool = new SshPool({ privateKeyPath: keyPath, hostKeyCheck: 'off' });
const started = process.hrtime.bigint();
try {
  const result = await pool.sync(
    { host, port: Number(port), user },
    { source, dest, direction: 'up', compress: true },
  );
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  process.stdout.write(
    `${JSON.stringify({ ms, method: result.method, transferred: result.transferred.length, bytes: result.bytes })}\n`,
  );
} finally {
  await pool.closeAll();
}
