/**
 * A job `runJob` started in the background (`detach`), on the pod: its own session (so stopping
 * it stops everything it started), its output in `.lium-job.log`, its pid in `.lium-job.pid` and,
 * once it ended, its exit code in `.lium-job.exit`, all in the job's directory. A later run
 * follows it from there (`attach`), like `lium logs -f`, and learns how it ended.
 */

import { posix } from 'node:path';
import { shQuote } from '@lium/ssh/target';
import type { Lium } from './lium.ts';
import type { PodInfo } from './models.ts';

export const JOB_LOG = '.lium-job.log';
export const JOB_PID = '.lium-job.pid';
export const JOB_EXIT = '.lium-job.exit';
/** Touched every second while the job runs (pid checks fail across pid namespaces). */
export const JOB_ALIVE = '.lium-job.alive';
/** Created to ask the job to stop: its supervisor sends it SIGTERM. */
export const JOB_STOP = '.lium-job.stop';
/** A heartbeat older than this means the job died without writing its exit code. */
const STALE_SECONDS = 30;

/** Where a detached job is: still running, ended, or never started in that directory. */
export type DetachedJobState = 'running' | 'ended' | 'none';

/** The job's files, relative to the home directory. */
export function jobFiles(remoteDir: string): { log: string; pidFile: string; exitFile: string } {
  return {
    log: posix.join(remoteDir, JOB_LOG),
    pidFile: posix.join(remoteDir, JOB_PID),
    exitFile: posix.join(remoteDir, JOB_EXIT),
  };
}

/**
 * The supervisor (`sh -c SUPERVISOR lium-job COMMAND`): runs the command in a session of its own
 * (where `setsid` exists), keeps the heartbeat fresh, passes a stop request on as SIGTERM to the
 * whole session, and writes the exit code when the command ends.
 */
const SUPERVISOR = [
  '$(command -v setsid) sh -c "$1" & c=$!',
  `(while kill -0 $c 2>/dev/null; do touch ${JOB_ALIVE}; if [ -f ${JOB_STOP} ]; then kill -TERM -$c 2>/dev/null || kill -TERM $c; fi; sleep 1; done) &`,
  'wait $c; s=$?',
  `echo $s > ${JOB_EXIT}.tmp && mv ${JOB_EXIT}.tmp ${JOB_EXIT}`,
].join('\n');

/** The shell line that starts `command` in the background in `remoteDir` under the supervisor. */
export function startJobLine(remoteDir: string, command: string): string {
  return [
    `cd ${shQuote(remoteDir)}`,
    `rm -f ${JOB_EXIT} ${JOB_STOP}`,
    `touch ${JOB_ALIVE}`,
    `(nohup sh -c ${shQuote(SUPERVISOR)} lium-job ${shQuote(command)} > ${JOB_LOG} 2>&1 < /dev/null & echo $! > ${JOB_PID})`,
  ].join(' && ');
}

/** Whether a detached job runs (or ran) in `remoteDir` on the pod. */
export async function detachedJobState(
  lium: Lium,
  pod: PodInfo,
  remoteDir: string,
  signal: AbortSignal | undefined,
): Promise<DetachedJobState> {
  const probe = await lium.executeCommand(
    pod,
    `cd ${shQuote(remoteDir)} 2>/dev/null || exit 0; if [ -f ${JOB_EXIT} ]; then echo ended; elif [ -f ${JOB_PID} ]; then if [ -f ${JOB_ALIVE} ] && [ $(( $(date +%s) - $(stat -c %Y ${JOB_ALIVE}) )) -le ${STALE_SECONDS} ]; then echo running; else echo ended; fi; fi`,
    { signal },
  );
  const state = probe.stdout.toString().trim();
  return state === 'running' || state === 'ended' ? state : 'none';
}

/**
 * Follows the log by byte offset until the exit code is written (or the heartbeat goes stale);
 * the end is checked before the last read, so nothing written before it is missed.
 */
const FOLLOW = [
  'off=0',
  'while :; do',
  `  end=0; [ -f ${JOB_EXIT} ] && end=1`,
  `  if [ $end = 0 ] && [ $(( $(date +%s) - $(stat -c %Y ${JOB_ALIVE} 2>/dev/null || echo 0) )) -gt ${STALE_SECONDS} ]; then end=1; fi`,
  `  size=$(stat -c %s ${JOB_LOG} 2>/dev/null || echo 0)`,
  `  if [ "$size" -gt "$off" ]; then tail -c +$((off + 1)) ${JOB_LOG} | head -c $((size - off)); off=$size; fi`,
  '  [ $end = 1 ] && break',
  '  sleep 1',
  'done',
].join('\n');

/**
 * Streams the job's log from the start until the job ends, then resolves to its exit code
 * (null when it died before it could write one). Aborting stops following, not the job.
 */
export async function followDetachedJob(
  lium: Lium,
  pod: PodInfo,
  remoteDir: string,
  options: { signal?: AbortSignal | undefined; onOutput?: ((chunk: Buffer) => void) | undefined },
): Promise<number | null> {
  await lium.executeCommand(pod, `cd ${shQuote(remoteDir)} && ${FOLLOW}`, {
    signal: options.signal,
    ...(options.onOutput ? { onStdout: options.onOutput, onStderr: options.onOutput } : {}),
  });
  const exit = await lium.executeCommand(
    pod,
    `cat ${shQuote(jobFiles(remoteDir).exitFile)} 2>/dev/null`,
    { signal: options.signal },
  );
  const code = Number.parseInt(exit.stdout.toString().trim(), 10);
  return Number.isInteger(code) ? code : null;
}

/** Asks the job to stop (its whole session gets SIGTERM) and waits a little for it to end. */
export async function stopDetachedJob(
  lium: Lium,
  pod: PodInfo,
  remoteDir: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  await lium.executeCommand(
    pod,
    `cd ${shQuote(remoteDir)} && touch ${JOB_STOP} && for i in 1 2 3 4 5 6 7 8 9 10; do [ -f ${JOB_EXIT} ] && break; sleep 0.5; done; true`,
    { signal },
  );
}
