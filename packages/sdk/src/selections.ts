/**
 * The lists a user last saw (`ls`, `ps`) and the targets that refer to them: `1`, `1-3`,
 * HUIDs, names, ids. Snapshots are scoped to this shell, the base URL and the account.
 */
import type { LiumCore } from './core.ts';
import { listExecutors } from './executors.ts';
import type { ExecutorInfo, PodInfo } from './models.ts';
import type { CallOptions } from './options.ts';
import { listPods } from './pods.ts';
import { type PreconnectOutcome, speculate } from './preconnect.ts';
import {
  chooseScopedSnapshot,
  type SnapshotKind,
  snapshotScope,
  writeScopedSnapshot,
} from './scoped-snapshots.ts';
import { readExecutorSnapshot, writeExecutorSnapshot } from './snapshots.ts';
import { resolveTargets } from './targets.ts';

function shellPid(core: LiumCore): number {
  return core.options.shellPid ?? process.ppid;
}

async function scopeOf(core: LiumCore): Promise<string> {
  const settings = await core.settings();
  return snapshotScope(settings.baseUrl, settings.apiKey ?? '');
}

export async function rememberExecutors(
  core: LiumCore,
  executors: readonly ExecutorInfo[],
): Promise<void> {
  const { configDir } = await core.settings();
  const scope = await scopeOf(core);
  await writeExecutorSnapshot(configDir, executors, new Date(), scope);
  const ids = executors.map((e) => e.id);
  await writeScopedSnapshot(configDir, 'ls', ids, { shellPid: shellPid(core), scope });
}

export async function rememberPods(core: LiumCore, pods: readonly PodInfo[]): Promise<void> {
  const { configDir } = await core.settings();
  const ids = pods.map((p) => p.id);
  const ssh: Record<string, string> = {};
  for (const pod of pods) if (pod.sshCmd) ssh[pod.id] = pod.sshCmd;
  const words = pods.flatMap((p) => (p.name && p.name !== p.huid ? [p.huid, p.name] : [p.huid]));
  await writeScopedSnapshot(configDir, 'ps', ids, {
    shellPid: shellPid(core),
    scope: await scopeOf(core),
    ssh,
    words,
  });
}

/**
 * `14:05:09`, local time. Not `toLocaleTimeString()`: its first call loads the locale data,
 * 15-190 ms (idle to loaded machine) that `lium exec 1` from another shell paid before its
 * first API request.
 */
function clockTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/**
 * The HUIDs and names of the pods last listed (this shell's list, else an unambiguous one of
 * another shell, however old), read from disk without calling the API; undefined when no list
 * was kept. For shell completion, which must answer at once.
 */
export async function rememberedPodWords(core: LiumCore): Promise<string[] | undefined> {
  const { configDir } = await core.settings();
  const choice = await chooseScopedSnapshot(configDir, 'ps', {
    shellPid: shellPid(core),
    scope: await scopeOf(core),
  });
  return choice.kind === 'own' || choice.kind === 'other' ? choice.snapshot.words : undefined;
}

/** The GPU types of the machines last listed by `ls` (from disk, no API call). */
export async function rememberedGpuTypes(core: LiumCore): Promise<string[]> {
  const { configDir } = await core.settings();
  const snapshot = await readExecutorSnapshot(configDir);
  return [...new Set((snapshot?.executors ?? []).map((e) => e.gpuType).filter(Boolean))];
}

/**
 * The ids an index refers to: this shell's list; else another shell's when unambiguous
 * (said through `onWarning`); else, for machines, a `last_selection.json` of the Python CLI.
 */
async function snapshotIds(
  core: LiumCore,
  kind: SnapshotKind,
): Promise<{
  ids: string[] | undefined;
  ssh: Record<string, string>;
  problem: string | undefined;
}> {
  const { configDir } = await core.settings();
  const scope = await scopeOf(core);
  const noun = kind === 'ls' ? 'machine' : 'pod';
  const choice = await chooseScopedSnapshot(configDir, kind, { shellPid: shellPid(core), scope });
  if (choice.kind === 'own') {
    // A machine list stays this shell's until replaced; a pod list goes stale in 10 minutes.
    if (kind === 'ps' && choice.snapshot.expired) {
      return {
        ids: undefined,
        ssh: {},
        problem: 'the last pod list is more than 10 minutes old',
      };
    }
    return { ids: choice.snapshot.ids, ssh: choice.snapshot.ssh, problem: undefined };
  }
  if (choice.kind === 'other') {
    core.warn(
      `Using the ${noun} list shown in another shell (pid ${choice.snapshot.shellPid}) at ${clockTime(choice.snapshot.takenAt)}.`,
    );
    return { ids: choice.snapshot.ids, ssh: choice.snapshot.ssh, problem: undefined };
  }
  if (choice.kind === 'ambiguous') {
    return {
      ids: undefined,
      ssh: {},
      problem: `this shell has no ${noun} list, and ${choice.shells.length} other shells showed different ones`,
    };
  }
  if (kind === 'ls') {
    const python = await readExecutorSnapshot(configDir);
    if (python && python.scope === undefined && python.executors.length > 0) {
      core.warn('Using the machine list of the Python lium CLI (last_selection.json).');
      return { ids: python.executors.map((e) => e.id), ssh: {}, problem: undefined };
    }
  }
  return {
    ids: undefined,
    ssh: {},
    problem:
      kind === 'ls'
        ? 'no machine list was shown in this shell yet'
        : 'no pod list was shown in the last 10 minutes',
  };
}

export async function resolveExecutors(
  core: LiumCore,
  spec: string,
  options?: CallOptions,
): Promise<ExecutorInfo[]> {
  const [snapshot, live] = await Promise.all([
    snapshotIds(core, 'ls'),
    listExecutors(core, options ?? {}),
  ]);
  return resolveTargets(spec, {
    noun: 'executor',
    live,
    snapshot: snapshot.ids,
    snapshotProblem: snapshot.problem,
    listCommand: core.options.listCommands?.executors ?? 'lium.rememberExecutors()',
    allowAll: false,
  });
}

/** Options of `Lium.resolvePods`. */
export interface ResolvePodsOptions extends CallOptions {
  /**
   * For a single index (`1`): start the SSH handshake to the address the last pod listing kept
   * for that pod while the API confirms it, so the command that follows does not wait for the
   * API first. Only with the pod's host key already pinned; the connection is used only when
   * the API names the same pod at the same address, and closed before this returns otherwise.
   */
  preconnect?: boolean | undefined;
  /** What became of the speculative connection (with `preconnect`). */
  onPreconnect?: ((outcome: PreconnectOutcome) => void) | undefined;
}

export async function resolvePods(
  core: LiumCore,
  spec: string,
  options?: ResolvePodsOptions,
): Promise<PodInfo[]> {
  const listing = listPods(core, options);
  // Settled below either way; until then an API error must not count as unhandled.
  listing.catch(() => undefined);
  const snapshot = await snapshotIds(core, 'ps');
  const speculation = options?.preconnect ? await speculate(core, spec, snapshot) : undefined;
  let resolved: PodInfo[] | undefined;
  try {
    resolved = resolveTargets(spec, {
      noun: 'pod',
      live: await listing,
      snapshot: snapshot.ids,
      snapshotProblem: snapshot.problem,
      listCommand: core.options.listCommands?.pods ?? 'lium.rememberPods()',
      allowAll: true,
    });
    return resolved;
  } finally {
    if (speculation) options?.onPreconnect?.(await speculation.settle(resolved));
  }
}
