/** SSH to pods: the target of a pod, commands (one pod or many), shells, port forwards. */
import type {
  DynamicForwardOptions,
  ForwardOptions,
  PortForward,
  RemoteForward,
  RemoteForwardOptions,
  ShellOptions,
} from '@lium/ssh';
import type { SshTarget } from '@lium/ssh/target';
import type { LiumCore } from './core.ts';
import type { PodInfo } from './models.ts';
import { asReadable, asWritable } from './node-streams.ts';
import type {
  CallOptions,
  CommandResult,
  ExecuteManyEvent,
  ExecuteManyOptions,
  ExecuteOptions,
  LiumShellOptions,
  PodRef,
} from './options.ts';
import { getPod, podOf } from './pods.ts';
import { sshTarget } from './ssh-target.ts';

export { sshTarget };

/**
 * Pods `executeMany` runs at once unless told otherwise. Handshakes cost the client little and
 * OpenSSH limits unauthenticated connections per server, not per client: against 64 pods, 10 at
 * a time took 7.0 s (seven waves of handshakes), 32 took 4.1-5.1 s (bench P2).
 */
const EXECUTE_MANY_CONCURRENCY = 32;

/** The pod a reference names and its SSH target (a PodInfo without SSH yet is refreshed). */
export async function podTarget(
  core: LiumCore,
  ref: PodRef,
  options?: CallOptions,
): Promise<{ pod: PodInfo; target: SshTarget }> {
  let pod = await podOf(core, ref, options);
  if (!pod.sshCmd && typeof ref !== 'string') pod = await getPod(core, pod.id, options);
  const target = sshTarget(pod);
  core.activity.note(pod.id);
  return { pod, target };
}

export async function executeCommand(
  core: LiumCore,
  pod: PodRef,
  command: string,
  options: ExecuteOptions = {},
): Promise<CommandResult> {
  const { target } = await podTarget(core, pod, options);
  const { env, timeoutMs, signal, stdin, onStdout, onStderr } = options;
  const result = await (await core.pool()).exec(target, command, {
    env,
    timeoutMs,
    signal,
    stdin,
    onStdout,
    onStderr,
  });
  return { ...result, success: result.exitCode === 0 };
}

export async function* executeMany(
  core: LiumCore,
  pods: readonly PodRef[],
  command: string,
  options: ExecuteManyOptions = {},
): AsyncGenerator<ExecuteManyEvent> {
  const resolved = await Promise.all(
    pods.map(async (ref) => {
      try {
        return await podTarget(core, ref, options);
      } catch (error) {
        return { pod: typeof ref === 'string' ? undefined : ref, ref, error };
      }
    }),
  );
  const byKey = new Map<string, PodInfo>();
  const targets: { key: string; target: SshTarget }[] = [];
  for (const entry of resolved) {
    if ('target' in entry) {
      byKey.set(entry.pod.id, entry.pod);
      targets.push({ key: entry.pod.id, target: entry.target });
    } else if (entry.pod) {
      yield { type: 'result', pod: entry.pod, error: entry.error };
    } else {
      throw entry.error;
    }
  }
  if (targets.length === 0) return;
  const pool = await core.pool();
  const { execMany } = await import('./ssh-runtime.ts');
  for await (const event of execMany(pool, targets, command, {
    concurrency: options.concurrency ?? EXECUTE_MANY_CONCURRENCY,
    env: options.env,
    timeoutMs: options.timeoutMs,
    signal: options.signal,
  })) {
    const pod = byKey.get(event.key) as PodInfo;
    if (event.type === 'line') {
      yield { type: 'line', pod, stream: event.stream, line: event.line };
    } else if (event.result) {
      yield {
        type: 'result',
        pod,
        result: { ...event.result, success: event.result.exitCode === 0 },
      };
    } else {
      yield { type: 'result', pod, error: event.error };
    }
  }
}

export async function shell(
  core: LiumCore,
  pod: PodRef,
  options: LiumShellOptions & CallOptions = {},
): Promise<number> {
  const { target } = await podTarget(core, pod, options);
  const shellOptions: ShellOptions = {
    stdin: options.stdin === undefined ? undefined : asReadable(options.stdin),
    stdout: options.stdout === undefined ? undefined : asWritable(options.stdout),
    preferSystemSsh: options.preferSystemSsh,
  };
  return (await core.pool()).shell(target, shellOptions);
}

export async function forwardPort(
  core: LiumCore,
  pod: PodRef,
  options: ForwardOptions & CallOptions,
): Promise<PortForward> {
  const { target } = await podTarget(core, pod, options);
  const { signal: _signal, ...rest } = options;
  return (await core.pool()).forwardPort(target, rest);
}

export async function forwardRemote(
  core: LiumCore,
  pod: PodRef,
  options: RemoteForwardOptions & CallOptions,
): Promise<RemoteForward> {
  const { target } = await podTarget(core, pod, options);
  const { signal: _signal, ...rest } = options;
  return (await core.pool()).forwardRemote(target, rest);
}

export async function forwardDynamic(
  core: LiumCore,
  pod: PodRef,
  options: DynamicForwardOptions & CallOptions,
): Promise<PortForward> {
  const { target } = await podTarget(core, pod, options);
  const { signal: _signal, ...rest } = options;
  return (await core.pool()).forwardDynamic(target, rest);
}
