import { execFile, spawn } from 'node:child_process';

const cache = new Map<string, Promise<boolean>>();

/** Whether `command --version`-style probing succeeds (cached per process). */
export function commandRuns(command: string, args: string[]): Promise<boolean> {
  const key = [command, ...args].join('\0');
  let known = cache.get(key);
  if (!known) {
    known = new Promise((resolve) => {
      const child = spawn(command, args, { stdio: 'ignore' });
      child.on('error', () => resolve(false));
      child.on('close', (code) => resolve(code === 0));
    });
    cache.set(key, known);
  }
  return known;
}

let rsyncVersion: Promise<string | undefined> | undefined;

/** The first line of `rsync --version` (cached), or undefined when rsync does not run here. */
export function localRsyncVersion(): Promise<string | undefined> {
  rsyncVersion ??= new Promise((resolve) => {
    execFile('rsync', ['--version'], { timeout: 10_000 }, (error, stdout) => {
      resolve(error ? undefined : (String(stdout).split('\n')[0] ?? '').trim());
    });
  });
  return rsyncVersion;
}

/**
 * Whether a local rsync speaks what we use (`--info=progress2`, `--out-format`, protocol 31+):
 * samba rsync 3.1 or newer. macOS ships 2.6.9 or openrsync, which do not.
 */
export function rsyncVersionUsable(versionLine: string | undefined): boolean {
  if (!versionLine || /openrsync/i.test(versionLine)) return false;
  const match = /version\s+v?(\d+)\.(\d+)/.exec(versionLine);
  if (!match) return false;
  const major = Number(match[1]);
  const minor = Number(match[2]);
  return major > 3 || (major === 3 && minor >= 1);
}
