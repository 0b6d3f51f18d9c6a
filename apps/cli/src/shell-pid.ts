import { readFileSync } from 'node:fs';

/**
 * Process names that start `lium` on the user's behalf (`npx lium`, `pnpm exec lium`, a node
 * wrapper; Linux shows them by process title, e.g. `npm exec lium`): each run gets a fresh one, so they cannot stand for "this shell".
 */
const LAUNCHER = /^(node|npm|npx|pnpm|pnpx|yarn|bun|corepack)\b/;

/** `[name, parent pid]` of a process, from Linux's /proc; undefined elsewhere. */
function processInfo(pid: number): [string, number] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (name) state ppid …"; the name may itself hold spaces and parentheses.
    const open = stat.indexOf('(');
    const close = stat.lastIndexOf(')');
    const name = stat.slice(open + 1, close);
    const ppid = Number(stat.slice(close + 2).split(' ')[1]);
    return Number.isInteger(ppid) ? [name, ppid] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The pid of the shell the user typed `lium` in, which keys the `lium ps` snapshot so that
 * `lium exec 1` means row 1 of the last `ps` in this terminal. Usually the parent; launchers
 * such as `npx` (and the `sh -c` they run us through) are skipped. Where /proc is missing,
 * the parent. A shell with no `ps` of its own falls back to the newest one of any shell (SDK).
 */
export function shellPid(parent: number = process.ppid): number {
  let pid = parent;
  for (let depth = 0; depth < 6; depth++) {
    const info = processInfo(pid);
    if (!info) return pid;
    const [name, ppid] = info;
    const grandparent = processInfo(ppid);
    const launchedBy = grandparent !== undefined && LAUNCHER.test(grandparent[0]);
    const isLauncher = LAUNCHER.test(name) || (name === 'sh' && launchedBy);
    if (!isLauncher || ppid <= 1) return pid;
    pid = ppid;
  }
  return pid;
}
