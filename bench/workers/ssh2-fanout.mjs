// @ts-check
/**
 * P2's floor: what the pods' SSH servers cost a client that does nothing else. One process
 * with a bare ssh2 `Client` per pod: connect, `exec('true')`, wait for the exit, close, at most
 * `concurrency` at once (the SDK's default fan-out), with the same key as `lium`. No API
 * request, no host-key pinning, no output handling: a floor, not a product.
 * argv: targetsFile concurrency. targetsFile: JSON `[{ host, port, username }]`. The key path
 * comes from BENCH_KEY in the environment. Exits 1 if any exec fails or exits non-zero.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(new URL('../../packages/ssh/package.json', import.meta.url));
/** @type {typeof import('ssh2')} */
const ssh2 = require('ssh2');

const [targetsFile, concurrencyText] = process.argv.slice(2);
/** @type {{ host: string, port: number, username: string }[]} */
const targets = JSON.parse(readFileSync(String(targetsFile), 'utf8'));
// biome-ignore lint/suspicious/noUndeclaredEnvVars: set by the bench for this one process
const privateKey = readFileSync(String(process.env.BENCH_KEY));

/** @param {{ host: string, port: number, username: string }} target @returns {Promise<number>} */
function execTrue(target) {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    client.once('error', reject);
    client.once('ready', () => {
      client.setNoDelay(true);
      client.exec('true', (error, channel) => {
        if (error) return reject(error);
        channel.resume();
        channel.stderr.resume();
        channel.once('exit', (code) => {
          client.end();
          resolve(typeof code === 'number' ? code : 1);
        });
      });
    });
    client.connect({ ...target, privateKey, readyTimeout: 120_000 });
  });
}

const queue = [...targets];
let failed = 0;
const worker = async () => {
  for (let next = queue.shift(); next; next = queue.shift()) {
    const code = await execTrue(next).catch(() => 1);
    if (code !== 0) failed++;
  }
};
await Promise.all(Array.from({ length: Number(concurrencyText) || 32 }, worker));
if (failed > 0) {
  process.stderr.write(`${failed} of ${targets.length} pods failed\n`);
  process.exit(1);
}
