// @ts-check
/**
 * The emulator in its own process (the `lium-emulator` bin), so its pod servers do not share an
 * event loop with the client being measured.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { emulatorBin } from './paths.mjs';

/**
 * @typedef {object} EmulatorProcess
 * @property {string} baseUrl
 * @property {string} apiKey
 * @property {number} pid
 * @property {() => Promise<void>} stop
 */

/**
 * @param {{ executors?: number, sandbox?: 'auto' | 'bwrap' | 'none', args?: string[] }} [options]
 *   `args`: more `lium-emulator` options, e.g. `['--fault', JSON]`
 * @returns {Promise<EmulatorProcess>}
 */
export async function startEmulatorProcess(options = {}) {
  const args = [
    emulatorBin,
    '--host',
    '127.0.0.1',
    '--ready-delay',
    '0',
    '--executors',
    String(options.executors ?? 300),
    '--sandbox',
    options.sandbox ?? 'none',
    ...(options.args ?? []),
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const ready = new Promise((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk.toString();
      const match = /LIUM_BASE_URL=(\S+) LIUM_API_KEY=(\S+)/.exec(stdout);
      if (match) resolve({ baseUrl: match[1], apiKey: match[2] });
    });
    child.once('exit', (code) => reject(new Error(`lium-emulator exited with ${code}: ${stderr}`)));
    child.once('error', reject);
    setTimeout(() => reject(new Error(`lium-emulator did not start in 60 s: ${stderr}`)), 60_000);
  });
  /** @type {{ baseUrl: string, apiKey: string }} */
  let api;
  try {
    api = /** @type {{ baseUrl: string, apiKey: string }} */ (await ready);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    ...api,
    pid: /** @type {number} */ (child.pid),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
