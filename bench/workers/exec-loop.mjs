// @ts-check
/**
 * P3 worker, one SDK process: alternately times (a) a fresh Lium's first executeCommand (SSH
 * handshake included) and (b) a fresh Lium's `calls` sequential executeCommand calls.
 * argv: podId calls rounds floor|no-floor. Settings come from the environment (LIUM_*, HOME), never argv.
 * Prints { single: ms[], many: ms[], bareSingle: ms[], bareMany: ms[] } as JSON, where the bare
 * figures are the same with a bare ssh2 Client (no pool, no SDK): the floor of this library.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { builtEntry } from '../lib/paths.mjs';

const [podId, callsText, roundsText, floorMode] = process.argv.slice(2);
const withFloor = floorMode !== 'no-floor';
const calls = Number(callsText);
const rounds = Number(roundsText);
const { Lium } = await import(builtEntry('sdk'));

/** @param {number} count */
async function timeCalls(count) {
  const lium = new Lium({ env: process.env, homeDir: process.env.HOME });
  try {
    const pod = await lium.getPod(podId);
    const started = process.hrtime.bigint();
    for (let i = 0; i < count; i++) {
      const result = await lium.executeCommand(pod, 'true');
      if (result.exitCode !== 0) throw new Error(`true exited with ${result.exitCode}`);
    }
    return Number(process.hrtime.bigint() - started) / 1e6;
  } finally {
    await lium.close();
  }
}

// ssh2 as @lium/ssh resolves it (CommonJS).
const ssh2 = createRequire(new URL('../../packages/ssh/package.json', import.meta.url))('ssh2');
const setup = new Lium({ env: process.env, homeDir: process.env.HOME });
const target = setup.sshTarget(await setup.getPod(podId));
const privateKey = await readFile((await setup.getSshKey()).privateKeyPath);
await setup.close();

/** The same loop with a bare ssh2 Client on one connection. @param {number} count */
async function timeBareCalls(count) {
  const client = new ssh2.Client();
  const started = process.hrtime.bigint();
  await new Promise((resolve, reject) => {
    client.once('ready', resolve).once('error', reject);
    client.connect({ host: target.host, port: target.port, username: target.user, privateKey });
  });
  for (let i = 0; i < count; i++) {
    await new Promise((resolve, reject) => {
      client.exec('true', (/** @type {Error | undefined} */ error, /** @type {any} */ stream) => {
        if (error) return reject(error);
        stream.once('close', resolve);
        stream.resume();
        stream.stderr.resume();
      });
    });
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  client.end();
  return ms;
}

/** @type {Record<'single' | 'many' | 'bareSingle' | 'bareMany', number[]>} */
const times = { single: [], many: [], bareSingle: [], bareMany: [] };
await timeCalls(1); // warm-up: pins the host key, JITs the code paths
if (withFloor) await timeBareCalls(1);
for (let round = 0; round < rounds; round++) {
  times.single.push(await timeCalls(1));
  times.many.push(await timeCalls(calls));
  if (!withFloor) continue;
  times.bareSingle.push(await timeBareCalls(1));
  times.bareMany.push(await timeBareCalls(calls));
}
process.stdout.write(`${JSON.stringify(times)}\n`);
