// Child processes for the release scripts: every command has a time limit, its output is kept
// for the failure message, and every background process is remembered so `stopAll()` (called
// on exit, on failure and on Ctrl-C) ends it.
import { spawn } from 'node:child_process';

const running = new Set();

/** Thrown when a command exits non-zero or runs out of time; the message carries its output. */
export class CommandError extends Error {}

function tail(text, lines = 40) {
  const all = text.trimEnd().split('\n');
  return all.slice(-lines).join('\n');
}

/**
 * Runs `command args` and resolves `{ code, stdout, stderr }`. Rejects with a CommandError
 * (naming the command, exit code and the end of its output) unless `allowFailure` is set.
 */
export function run(command, args, { cwd, env, timeoutMs = 300_000, allowFailure = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    running.add(child);
    const stdout = [];
    const stderr = [];
    child.stdout.on('data', (chunk) => stdout.push(chunk));
    child.stderr.on('data', (chunk) => stderr.push(chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child, 'SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      running.delete(child);
      reject(new CommandError(`${command} could not start: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      const result = {
        code: code ?? 128,
        signal,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      };
      if ((result.code !== 0 || timedOut) && !allowFailure) {
        const why = timedOut ? `ran out of time (${timeoutMs / 1000} s)` : `exited ${result.code}`;
        reject(
          new CommandError(
            `\`${[command, ...args].join(' ')}\` ${why} in ${cwd ?? process.cwd()}\n` +
              `--- stdout (end) ---\n${tail(result.stdout)}\n--- stderr (end) ---\n${tail(result.stderr)}`,
          ),
        );
        return;
      }
      resolve(result);
    });
  });
}

/**
 * Starts `command args` in the background, in its own process group. Resolves once `ready(output)`
 * returns a value (which it resolves to; at once without `ready`), rejects if the process exits
 * or `timeoutMs` passes first. `output()` is everything it printed so far.
 */
export function startBackground(command, args, { cwd, env, ready, timeoutMs = 60_000 }) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    running.add(child);
    let output = '';
    let settled = false;
    if (!ready) {
      settled = true;
      resolve({ child, value: undefined, output: () => output });
    }
    const timer = ready
      ? setTimeout(() => {
          if (settled) return;
          settled = true;
          reject(
            new CommandError(
              `${command} did not get ready in ${timeoutMs / 1000} s:\n${tail(output)}`,
            ),
          );
        }, timeoutMs)
      : undefined;
    const onData = (chunk) => {
      output += chunk.toString('utf8');
      if (settled) return;
      const value = ready(output);
      if (value !== undefined && value !== null && value !== false) {
        settled = true;
        clearTimeout(timer);
        resolve({ child, value, output: () => output });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code, signal) => {
      running.delete(child);
      clearTimeout(timer);
      if (settled) return;
      settled = true;
      reject(
        new CommandError(
          `${command} exited (${code ?? signal}) before it was ready:\n${tail(output)}`,
        ),
      );
    });
  });
}

function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

/** Ends one background process (its whole group): SIGTERM, then SIGKILL after `graceMs`. */
export async function stop(child, graceMs = 5_000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  killGroup(child, 'SIGTERM');
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Ends every process this module started that is still running. */
export async function stopAll() {
  await Promise.all([...running].map((child) => stop(child)));
}

/** Same as stopAll, synchronously, for `process.on('exit')`: SIGKILL to every group left. */
export function killAllNow() {
  for (const child of running) killGroup(child, 'SIGKILL');
}
