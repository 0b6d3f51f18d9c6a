import { isLiumError, LiumError } from '@lium/errors';
import type { ForwardOptions, PortForward } from '@lium/ssh';
import { throwIfAborted } from './abort.ts';
import { LiumSdkError, LiumUsageError } from './errors.ts';
import type { Lium } from './lium.ts';
import type { PodInfo } from './models.ts';

/** One tunnel: the pod's `localhost:remotePort` on `127.0.0.1:localPort` here. */
export interface PortMapping {
  /** The pod's port to reach. */
  remotePort: number;
  /** Undefined: the same number as `remotePort` (the CLI's `port-forward 1 8888`). */
  localPort: number | undefined;
}

function port(text: string, spec: string, allowZero: boolean): number {
  const value = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= (allowZero ? 0 : 1) && value <= 65_535)) {
    throw new LiumUsageError(`Invalid port "${text}" in "${spec}"`, {
      code: 'usage_error',
      hint: 'Ports are numbers from 1 to 65535: PORT or PORT:LOCAL, e.g. 8888 or 8888:9999.',
    });
  }
  return value;
}

/**
 * `8888`, `8888:9999` (pod port, then local port; local 0 = any free one), or several at once
 * (`8888,6006:7000`, or one spec per array entry). Pure; a usage error names the bad part, and a
 * local port asked for twice is refused.
 */
export function parsePortMappings(specs: string | readonly string[]): PortMapping[] {
  const parts = (typeof specs === 'string' ? [specs] : specs)
    .flatMap((spec) => spec.split(','))
    .map((part) => part.trim())
    .filter((part) => part !== '');
  if (parts.length === 0) {
    throw new LiumUsageError('Name a port to forward', {
      code: 'usage_error',
      hint: 'e.g. `8888` or `8888:9999` (pod port, then local port).',
    });
  }
  const mappings = parts.map((part): PortMapping => {
    const pieces = part.split(':');
    if (pieces.length > 2) {
      throw new LiumUsageError(`Invalid port mapping "${part}"`, {
        code: 'usage_error',
        hint: 'Use PORT or PORT:LOCAL, e.g. 8888 or 8888:9999.',
      });
    }
    const remotePort = port(pieces[0] ?? '', part, false);
    const localPort = pieces[1] === undefined ? undefined : port(pieces[1], part, true);
    return { remotePort, localPort };
  });
  const locals = mappings.map((m) => m.localPort ?? m.remotePort).filter((p) => p !== 0);
  const twice = locals.find((p, i) => locals.indexOf(p) !== i);
  if (twice !== undefined) {
    throw new LiumUsageError(`Local port ${twice} is asked for twice`, {
      code: 'usage_error',
      hint: 'Give each forward its own local port (PORT:LOCAL).',
    });
  }
  return mappings;
}

/** What {@link openPortForwards} needs; {@link portForwardDepsOf} builds it from a `Lium`. */
export interface PortForwardDeps {
  /** Opens one tunnel over the pod's pinned SSH connection (`Lium.forwardPort`). */
  forwardPort(pod: PodInfo, options: ForwardOptions): Promise<PortForward>;
}

/** {@link PortForwardDeps} over a `Lium` (its pooled, host-key-pinned connections). */
export function portForwardDepsOf(lium: Lium): PortForwardDeps {
  return { forwardPort: (pod, options) => lium.forwardPort(pod, options) };
}

/** An open tunnel. */
export interface OpenForward {
  /** The pod's port it reaches. */
  remotePort: number;
  /** The local port it listens on, on 127.0.0.1. */
  localPort: number;
  /** `http://127.0.0.1:<localPort>` */
  url: string;
}

/** The tunnels {@link openPortForwards} opened. */
export interface PortForwards {
  /** Every tunnel, in the order asked. */
  forwards: OpenForward[];
  /** Settles when the SSH connection under any of the tunnels closes (they are down then). */
  disconnected: Promise<void>;
  /** Closes every tunnel (idempotent). */
  close(): Promise<void>;
}

function localPortError(error: unknown, mapping: PortMapping): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code !== 'EADDRINUSE' && code !== 'EACCES') return error;
  const local = mapping.localPort ?? mapping.remotePort;
  return new LiumError(
    code === 'EADDRINUSE'
      ? `Local port ${local} is already in use`
      : `Not allowed to listen on local port ${local}`,
    {
      code: 'local_port_unavailable',
      hint: `Pick another local port: ${mapping.remotePort}:<LOCAL> (or ${mapping.remotePort}:0 for any free one).`,
      cause: error,
    },
  );
}

/**
 * Opens one tunnel per mapping from `127.0.0.1` here to the pod's `localhost`, all through the
 * pod's pinned SSH connection (never a relay to its public ports). All or nothing: when one
 * cannot open (`local_port_unavailable`, an SSH error), the others are closed again.
 */
export async function openPortForwards(
  deps: PortForwardDeps,
  pod: PodInfo,
  mappings: readonly PortMapping[],
  options: { signal?: AbortSignal } = {},
): Promise<PortForwards> {
  const opened: { mapping: PortMapping; forward: PortForward }[] = [];
  const closeAll = async () => {
    const all = opened.splice(0);
    await Promise.all(all.map(({ forward }) => forward.close().catch(() => undefined)));
  };
  try {
    for (const mapping of mappings) {
      throwIfAborted(options.signal);
      try {
        const forward = await deps.forwardPort(pod, {
          remotePort: mapping.remotePort,
          localPort: mapping.localPort ?? mapping.remotePort,
          localHost: '127.0.0.1',
        });
        opened.push({ mapping, forward });
      } catch (error) {
        throw isLiumError(error) ? error : localPortError(error, mapping);
      }
    }
  } catch (error) {
    await closeAll();
    throw error;
  }
  return {
    forwards: opened.map(({ mapping, forward }) => ({
      remotePort: mapping.remotePort,
      localPort: forward.localPort,
      url: `http://127.0.0.1:${forward.localPort}`,
    })),
    disconnected: Promise.race(opened.map(({ forward }) => forward.disconnected)),
    close: closeAll,
  };
}

/**
 * Opens the tunnels, reports them through `onReady`, and holds them until `signal` fires
 * (Ctrl-C); then closes them and resolves. Rejects when a tunnel cannot open, and with
 * `port_forward_closed` when the SSH connection under them closes first (the pod stopped, the
 * network dropped): the tunnels are down then, and holding on would only hide it.
 */
export async function holdPortForwards(
  deps: PortForwardDeps,
  pod: PodInfo,
  mappings: readonly PortMapping[],
  options: { signal: AbortSignal; onReady?: (forwards: OpenForward[]) => void },
): Promise<OpenForward[]> {
  const open = await openPortForwards(deps, pod, mappings, { signal: options.signal });
  try {
    options.onReady?.(open.forwards);
    const ended = await new Promise<'aborted' | 'disconnected'>((resolve) => {
      if (options.signal.aborted) resolve('aborted');
      else options.signal.addEventListener('abort', () => resolve('aborted'), { once: true });
      void open.disconnected.then(() => resolve('disconnected'));
    });
    if (ended === 'disconnected' && !options.signal.aborted) {
      throw new LiumSdkError(
        `The SSH connection to ${pod.name || pod.huid} closed; the port forward is down`,
        {
          code: 'port_forward_closed',
          hint: 'Check that the pod still runs (lium.getPod), then open the forward again.',
        },
      );
    }
    return open.forwards;
  } finally {
    await open.close();
  }
}
