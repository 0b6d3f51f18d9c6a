import { spawn } from 'node:child_process';

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
