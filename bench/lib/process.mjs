// @ts-check
/** Child processes for measurements: argv arrays only (no shell), wall time from spawn to exit. */
import { spawn } from 'node:child_process';

/**
 * @typedef {object} RunResult
 * @property {number | null} code
 * @property {string | null} signal
 * @property {string} stdout
 * @property {string} stderr
 * @property {number} ms wall time from spawn to exit
 */

/**
 * Runs a program to completion and times it.
 * @param {string} command
 * @param {readonly string[]} args
 * @param {{ env?: NodeJS.ProcessEnv, cwd?: string, timeoutMs?: number, input?: string }} [options]
 * @returns {Promise<RunResult>}
 */
export function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, [...args], {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    /** @type {Buffer[]} */
    const out = [];
    /** @type {Buffer[]} */
    const err = [];
    child.stdout?.on('data', (chunk) => out.push(chunk));
    child.stderr?.on('data', (chunk) => err.push(chunk));
    if (options.input !== undefined) child.stdin?.end(options.input);
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 600_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        ms: Number(process.hrtime.bigint() - started) / 1e6,
      });
    });
  });
}

/**
 * The environment for our measured Node workers: only what they need. Inherited variables such
 * as NODE_EXTRA_CA_CERTS (about 55 ms per Node start here) would tax our side and not the
 * OpenSSH baselines.
 * @returns {NodeJS.ProcessEnv}
 */
export function workerEnv() {
  return { PATH: process.env.PATH, HOME: process.env.HOME };
}

/**
 * Like run(), but throws with the command's stderr when it does not exit 0.
 * @param {string} command
 * @param {readonly string[]} args
 * @param {Parameters<typeof run>[2]} [options]
 */
export async function runOk(command, args, options) {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    const name = [command, ...args].join(' ').slice(0, 200);
    throw new Error(
      `${name} exited with ${result.code ?? result.signal}\n${result.stderr.slice(-2000)}${result.stdout.slice(-1000)}`,
    );
  }
  return result;
}

/**
 * Times `runs` alternating executions of several commands (A B C A B C …), so drift in the
 * machine's load hits every command alike. Returns the wall times (ms) per command name.
 * @param {Record<string, () => Promise<RunResult>>} commands
 * @param {number} runs
 * @param {{ warmup?: number }} [options]
 * @returns {Promise<Record<string, number[]>>}
 */
export async function interleave(commands, runs, options = {}) {
  const names = Object.keys(commands);
  /** @type {Record<string, number[]>} */
  const times = Object.fromEntries(names.map((name) => [name, []]));
  for (let i = 0; i < (options.warmup ?? 1); i++) {
    for (const name of names) await /** @type {() => Promise<RunResult>} */ (commands[name])();
  }
  for (let i = 0; i < runs; i++) {
    for (const name of names) {
      const result = await /** @type {() => Promise<RunResult>} */ (commands[name])();
      if (result.code !== 0) {
        throw new Error(
          `${name} exited with ${result.code ?? result.signal}: ${result.stderr.slice(-1500)}`,
        );
      }
      /** @type {number[]} */ (times[name]).push(result.ms);
    }
  }
  return times;
}
