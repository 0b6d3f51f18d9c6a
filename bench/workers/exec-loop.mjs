// @ts-check
/**
 * P3 worker, one SDK process: a fresh Lium opens its connection to the pod with one
 * executeCommand (untimed: handshake, host-key pin), then `calls` sequential executeCommand
 * calls on that open connection are timed, `rounds` times (a fresh Lium each).
 * argv: podId calls rounds. Settings come from the environment (LIUM_*, HOME), never argv.
 * Prints { open: ms[], firstCall: ms[] } as JSON: the timed loops, and each round's first call
 * (the handshake included), for the notes.
 */
import { builtEntry } from '../lib/paths.mjs';

const [podId, callsText, roundsText] = process.argv.slice(2);
const calls = Number(callsText);
const rounds = Number(roundsText);
const { Lium } = await import(builtEntry('sdk'));

/** @type {{ open: number[], firstCall: number[] }} */
const times = { open: [], firstCall: [] };
for (let round = 0; round < rounds; round++) {
  const lium = new Lium({ env: process.env, homeDir: process.env.HOME });
  try {
    const pod = await lium.getPod(podId);
    let started = process.hrtime.bigint();
    const first = await lium.executeCommand(pod, 'true');
    if (first.exitCode !== 0) throw new Error(`true exited with ${first.exitCode}`);
    times.firstCall.push(Number(process.hrtime.bigint() - started) / 1e6);
    started = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) {
      const result = await lium.executeCommand(pod, 'true');
      if (result.exitCode !== 0) throw new Error(`true exited with ${result.exitCode}`);
    }
    times.open.push(Number(process.hrtime.bigint() - started) / 1e6);
  } finally {
    await lium.close();
  }
}
process.stdout.write(`${JSON.stringify(times)}\n`);
