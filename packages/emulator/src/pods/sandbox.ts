import { spawn } from 'node:child_process';
import { lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EmulatorError } from '../errors.ts';

export type SandboxMode = 'auto' | 'bwrap' | 'none';
export type Isolation = 'bwrap' | 'none';

/** The pod paths that come from the pod's data directory; everything else is the host's. */
export const POD_DIRS = ['root', 'workspace', 'tmp'] as const;
export type PodDir = (typeof POD_DIRS)[number];

/** Top-level host entries that the sandbox replaces or must never see. */
const REPLACED_TOP_LEVEL = new Set(['proc', 'dev', 'root', 'workspace', 'tmp']);

const BWRAP = '/usr/bin/bwrap';

/**
 * The host root, rebuilt from its top-level entries (read-only binds, symlinks kept as
 * symlinks), computed once per process: a plain `--ro-bind / /` cannot get a mount point for
 * `/workspace`, which the host does not have.
 */
let hostRootArgs: string[] | undefined;

function readHostRootArgs(): string[] {
  if (hostRootArgs) return hostRootArgs;
  const args: string[] = [];
  for (const name of readdirSync('/').sort()) {
    if (REPLACED_TOP_LEVEL.has(name)) continue;
    const path = `/${name}`;
    let isLink = false;
    try {
      isLink = lstatSync(path).isSymbolicLink();
    } catch {
      continue;
    }
    if (isLink) args.push('--symlink', readlinkSync(path), path);
    else args.push('--ro-bind', path, path);
  }
  hostRootArgs = args;
  return args;
}

export interface SandboxLayout {
  podId: string;
  /** Holds root/, workspace/ and tmp/. */
  dataDir: string;
  /** Host directories to hide behind an empty tmpfs (other pods' data). */
  hiddenHostDirs: readonly string[];
}

/**
 * bwrap arguments for one command of one pod: the pod's directories bound over /root,
 * /workspace and /tmp, the rest of the host read-only, a fresh /proc and /dev, its own pid,
 * uts and ipc namespaces, cwd /root. `--as-pid-1` when the shim is the namespace's init.
 */
export function bwrapArgs(layout: SandboxLayout, options: { shimIsInit: boolean }): string[] {
  const args = [...readHostRootArgs()];
  for (const dir of layout.hiddenHostDirs) {
    if (!isHiddenable(dir)) continue;
    args.push('--tmpfs', dir);
  }
  for (const dir of POD_DIRS) args.push('--bind', join(layout.dataDir, dir), `/${dir}`);
  args.push('--proc', '/proc', '--dev', '/dev');
  if (process.getuid?.() !== 0) args.push('--unshare-user', '--uid', '0', '--gid', '0');
  args.push(
    '--unshare-pid',
    '--unshare-ipc',
    '--unshare-uts',
    '--hostname',
    layout.podId.slice(0, 63) || 'pod',
    ...(options.shimIsInit ? ['--as-pid-1'] : []),
    '--die-with-parent',
    '--chdir',
    '/root',
    '--',
  );
  return args;
}

/** A hidden dir must sit below a bound top-level entry (not /tmp, /root: replaced anyway). */
function isHiddenable(dir: string): boolean {
  const top = dir.split('/')[1] ?? '';
  return dir.startsWith('/') && dir !== '/' && dirname(dir) !== '/' && !REPLACED_TOP_LEVEL.has(top);
}

let detected: Promise<Isolation> | undefined;

/**
 * Whether bubblewrap works here: it must be installed and able to build the pod layout (user
 * namespaces may be forbidden, e.g. by AppArmor on Ubuntu 24.04 or inside some containers).
 * The answer is cached for the process.
 */
export function detectSandbox(): Promise<Isolation> {
  detected ??= probeBwrap();
  return detected;
}

async function probeBwrap(): Promise<Isolation> {
  let args: string[];
  try {
    args = readHostRootArgs();
  } catch {
    return 'none';
  }
  const probeArgs = [
    ...args,
    '--tmpfs',
    '/root',
    '--tmpfs',
    '/workspace',
    '--tmpfs',
    '/tmp',
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    ...(process.getuid?.() === 0 ? [] : ['--unshare-user', '--uid', '0', '--gid', '0']),
    '--unshare-pid',
    '--as-pid-1',
    '--die-with-parent',
    '--',
    '/bin/sh',
    '-c',
    'test -d /workspace && ! touch /usr/.lium-probe 2>/dev/null',
  ];
  return new Promise((resolve) => {
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(BWRAP, probeArgs, { stdio: 'ignore' });
    } catch {
      resolve('none');
      return;
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.on('error', () => {
      clearTimeout(timer);
      resolve('none');
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code === 0 ? 'bwrap' : 'none');
    });
  });
}

export async function resolveIsolation(mode: SandboxMode): Promise<Isolation> {
  if (mode === 'none') return 'none';
  const found = await detectSandbox();
  if (mode === 'bwrap' && found !== 'bwrap') {
    throw new EmulatorError('bubblewrap is not usable on this machine', {
      code: 'sandbox_unavailable',
      hint: "Install bubblewrap and allow user namespaces, or start the pod with sandbox: 'auto' or 'none'.",
    });
  }
  return found;
}

export const BWRAP_PATH = BWRAP;

/**
 * One plain sentence on what a pod's commands get, for the emulator's start-up line and README.
 */
export function describeIsolation(isolation: Isolation): string {
  return isolation === 'bwrap'
    ? 'Pods are sandboxed with bubblewrap: each command sees its pod’s own /root, /workspace and /tmp, the rest of the machine read-only, its own /proc, /dev and process ids, and runs as root in /root.'
    : 'Pods are NOT sandboxed (bubblewrap is missing or not allowed here): commands run on this machine as the emulator’s user, with cwd and HOME set to the pod’s root directory; absolute paths such as /root or /tmp are this machine’s, so pods are isolated only as far as commands stay in their home. SFTP still maps /root, /workspace and /tmp into the pod’s directory.';
}
