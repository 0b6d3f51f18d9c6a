// @ts-check
/**
 * P7f's floor: the least a Node process can do for a cold `exec true` over SSH. Node starts,
 * loads ssh2's client alone (as @lium/ssh does), connects, authenticates with the key (no `none`
 * probe, as @lium/ssh), runs `true`, and exits with its status. No API, no CLI, no config, no
 * host-key pinning: a floor, not a product.
 * argv: host port username. The key path comes from BENCH_KEY in the environment.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(new URL('../../packages/ssh/package.json', import.meta.url));
/** @type {typeof import('ssh2').Client} */
const Client = require('ssh2/lib/client.js');

const [host, port, username] = process.argv.slice(2);
// biome-ignore lint/suspicious/noUndeclaredEnvVars: set by the bench for this one process
const privateKey = readFileSync(String(process.env.BENCH_KEY));
const client = new Client();
client.once('error', (error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
client.once('ready', () => {
  client.exec('true', (error, channel) => {
    if (error) throw error;
    channel.resume();
    channel.stderr.resume();
    channel.once('exit', (code) => {
      client.end();
      process.exitCode = typeof code === 'number' ? code : 1;
    });
  });
});
client.connect({
  host,
  port: Number(port),
  username,
  privateKey,
  authHandler: ['publickey'],
  readyTimeout: 60_000,
});
client.setNoDelay(true);
