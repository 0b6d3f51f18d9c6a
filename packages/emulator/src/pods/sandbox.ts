import { spawn } from 'node:child_process';
import {
  accessSync,
  constants,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { EmulatorError } from '../errors.ts';
import {
  UNSHARE_OPTIONS,
  UNSHARE_OPTIONS_SH,
  UNSHARE_SETUP_PERL,
  UNSHARE_SETUP_SH,
} from './unshare.ts';

/**
 * What the caller asks for: `auto` takes bubblewrap, else `unshare`, else refuses; `none`
 * (only when asked for by name) runs pod commands on the host.
 */
export type SandboxMode = 'auto' | 'bwrap' | 'unshare' | 'none';
/** What a pod got. */
export type Isolation = 'bwrap' | 'unshare' | 'none';

export const SANDBOX_MODES: readonly SandboxMode[] = ['auto', 'bwrap', 'unshare', 'none'];

/**
 * `LIUM_EMULATOR_SANDBOX=unshare|bwrap|none` changes what `auto` means (for CI runs of the
 * same tests in each mode); an explicit option wins over it.
 */
export const SANDBOX_ENV = 'LIUM_EMULATOR_SANDBOX';

/** The pod paths that come from the pod's data directory; everything else is the host's. */
export const POD_DIRS = ['root', 'workspace', 'tmp'] as const;
export type PodDir = (typeof POD_DIRS)[number];

/** Top-level host entries that the sandbox replaces or must never see. */
const REPLACED_TOP_LEVEL = new Set(['proc', 'dev', 'root', 'workspace', 'tmp']);

/** An executable named `name` on PATH (then the usual system directories), or undefined. */
export function findProgram(name: string): string | undefined {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const dir of dirs) {
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  return undefined;
}

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

/** The directory inside a pod's data dir where the unshare mode builds the pod's root. */
export const NEW_ROOT_DIR = '.sandbox-root';

/**
 * unshare argv prefix for one command: the namespaces, then the setup (Perl in front of the
 * shim, or the sh script), then the layout arguments. The caller appends the shim's (or the
 * no-shim wrapper's) own arguments.
 */
export function unshareArgv(
  unshare: string,
  layout: SandboxLayout,
  setup: { perl: string; shimSource: string } | 'sh',
): string[] {
  const hidden = layout.hiddenHostDirs.filter(isHiddenable);
  const params = [
    join(layout.dataDir, NEW_ROOT_DIR),
    layout.dataDir,
    layout.podId.slice(0, 63) || 'pod',
    String(hidden.length),
    ...hidden,
  ];
  const program =
    setup === 'sh'
      ? ['/bin/sh', '-c', UNSHARE_SETUP_SH, 'sh']
      : [setup.perl, '-e', `${UNSHARE_SETUP_PERL}\n${setup.shimSource}`];
  const options = setup === 'sh' ? UNSHARE_OPTIONS_SH : UNSHARE_OPTIONS;
  return [unshare, ...options, '--', ...program, ...params];
}

interface Available {
  ok: boolean;
  /** Why not, in a few words (for the refusal). */
  why: string;
}

const probes = new Map<'bwrap' | 'unshare', Promise<Available>>();

function probe(kind: 'bwrap' | 'unshare'): Promise<Available> {
  let found = probes.get(kind);
  if (!found) {
    found = kind === 'bwrap' ? probeBwrap() : probeUnshare();
    probes.set(kind, found);
  }
  return found;
}

/**
 * Which isolation `auto` gives on this machine (cached for the process): bubblewrap when it is
 * on PATH and can build the pod layout (user namespaces may be forbidden, e.g. by AppArmor on
 * Ubuntu 24.04 or inside some containers), else `unshare`, else none of them (`undefined`).
 * `LIUM_EMULATOR_SANDBOX` counts, as for `auto`.
 */
export async function detectSandbox(): Promise<Isolation | undefined> {
  try {
    return await resolveIsolation('auto');
  } catch {
    return undefined;
  }
}

/** The shell test every probe runs inside the candidate sandbox. */
const PROBE_TEST =
  'test -d /workspace && test -f /root/.lium-probe && ! touch /usr/.lium-probe 2>/dev/null';

function runProbe(program: string, args: string[], extraFd: boolean): Promise<boolean> {
  return new Promise((resolve) => {
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(program, args, {
        // The unshare setup hands over to the no-shim wrapper's fd layout (4-6 = stdio).
        stdio: extraFd
          ? ['ignore', 'ignore', 'ignore', 'ignore', 'ignore', 'ignore', 'ignore']
          : 'ignore',
      });
    } catch {
      resolve(false);
      return;
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.on('error', () => {
      clearTimeout(timer);
      resolve(false);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code === 0);
    });
  });
}

function probeLayout(): { layout: SandboxLayout; cleanup: () => void } {
  const dataDir = mkdtempSync(join(tmpdir(), 'lium-sandbox-probe-'));
  for (const dir of POD_DIRS) mkdirSync(join(dataDir, dir));
  mkdirSync(join(dataDir, NEW_ROOT_DIR));
  // A marker only the pod's own /root holds.
  writeFileSync(join(dataDir, 'root', '.lium-probe'), '');
  return {
    layout: { podId: 'probe', dataDir, hiddenHostDirs: [] },
    cleanup: () => rmSync(dataDir, { recursive: true, force: true }),
  };
}

async function probeBwrap(): Promise<Available> {
  if (process.platform !== 'linux') return { ok: false, why: `bubblewrap needs Linux` };
  const bwrap = findProgram('bwrap');
  if (!bwrap) return { ok: false, why: 'bubblewrap (bwrap) is not on PATH' };
  let probeSet: ReturnType<typeof probeLayout>;
  try {
    readHostRootArgs();
    probeSet = probeLayout();
  } catch (error) {
    return { ok: false, why: `cannot prepare a pod layout (${(error as Error).message})` };
  }
  try {
    const args = [
      ...bwrapArgs(probeSet.layout, { shimIsInit: false }),
      '/bin/sh',
      '-c',
      PROBE_TEST,
    ];
    const ok = await runProbe(bwrap, args, false);
    return ok ? { ok, why: '' } : { ok, why: 'bubblewrap cannot create user namespaces here' };
  } finally {
    probeSet.cleanup();
  }
}

async function probeUnshare(): Promise<Available> {
  if (process.platform !== 'linux') return { ok: false, why: `namespaces need Linux` };
  const unshare = findProgram('unshare');
  if (!unshare) return { ok: false, why: 'unshare (util-linux) is not on PATH' };
  let probeSet: ReturnType<typeof probeLayout>;
  try {
    probeSet = probeLayout();
  } catch (error) {
    return { ok: false, why: `cannot prepare a pod layout (${(error as Error).message})` };
  }
  try {
    const perl = findPerl();
    const setup = perl ? { perl, shimSource: PROBE_PERL_TAIL } : 'sh';
    const args = unshareArgv(unshare, probeSet.layout, setup).slice(1);
    const ok = await runProbe(unshare, [...args, '/bin/sh', '-c', PROBE_TEST], true);
    return ok
      ? { ok, why: '' }
      : { ok, why: '`unshare --user --map-root-user --mount` is not allowed here' };
  } finally {
    probeSet.cleanup();
  }
}

/** Stands in for the shim after the Perl setup in the probe: run the test, pass its status. */
const PROBE_PERL_TAIL = 'exec { $ARGV[0] } @ARGV; POSIX::_exit(127);';

function findPerl(): string | undefined {
  try {
    accessSync('/usr/bin/perl', constants.X_OK);
    return '/usr/bin/perl';
  } catch {
    return undefined;
  }
}

/**
 * The isolation a pod gets for `mode`. `auto` (or `LIUM_EMULATOR_SANDBOX`) never falls back to
 * running on the host: where neither bubblewrap nor unshare works it refuses, with the fix.
 */
export async function resolveIsolation(mode: SandboxMode): Promise<Isolation> {
  const wanted = mode === 'auto' ? envSandbox() : mode;
  if (wanted === 'none') return 'none';
  if (wanted === 'bwrap' || wanted === 'unshare') {
    const found = await probe(wanted);
    if (found.ok) return wanted;
    throw refusal(`sandbox '${wanted}' is not usable: ${found.why}`);
  }
  const [bwrap, unshare] = [await probe('bwrap'), await probe('unshare')];
  if (bwrap.ok) return 'bwrap';
  if (unshare.ok) return 'unshare';
  throw refusal(`cannot isolate pods here: ${bwrap.why}, and ${unshare.why}`);
}

function envSandbox(): SandboxMode {
  const value = process.env[SANDBOX_ENV]?.trim();
  return value && (SANDBOX_MODES as readonly string[]).includes(value)
    ? (value as SandboxMode)
    : 'auto';
}

function refusal(message: string): EmulatorError {
  return new EmulatorError(message, {
    code: 'sandbox_unavailable',
    hint:
      process.platform === 'linux'
        ? 'Install bubblewrap (apt-get install bubblewrap) or util-linux and allow unprivileged user namespaces, or run the emulator inside a Linux container; --sandbox none runs pod commands unsandboxed on this machine.'
        : 'Run the emulator inside Linux or a Linux container (e.g. Docker); --sandbox none runs pod commands unsandboxed on this machine.',
  });
}

/** The loud warning of `--sandbox none`, logged at every pod start. */
export const NO_SANDBOX_WARNING =
  'WARNING: sandbox none: this pod is NOT isolated. Its commands run on this machine as the emulator\u2019s user; /root, /workspace and /tmp are this machine\u2019s own (relative paths start in the pod\u2019s directory). Use --sandbox auto for an isolated pod.';

/**
 * One plain sentence on what a pod's commands get, for the emulator's start-up line and README.
 */
export function describeIsolation(isolation: Isolation): string {
  switch (isolation) {
    case 'bwrap':
      return 'Pods are sandboxed with bubblewrap: exec, shells, SFTP, rsync and forwards see the pod\u2019s own /root, /workspace and /tmp, the rest of the machine read-only, its own /proc and process ids, and commands run as root in /root.';
    case 'unshare':
      return 'Pods are sandboxed with unshare (user, mount, pid, uts and ipc namespaces; bubblewrap is not available): exec, shells, SFTP, rsync and forwards see the pod\u2019s own /root, /workspace and /tmp, the rest of the machine read-only, and commands run as root in /root.';
    case 'none':
      return NO_SANDBOX_WARNING;
  }
}
