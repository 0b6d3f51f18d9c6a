/**
 * OpenSSH's forwards (`-L`, `-R`, `-D`) over a pod's pinned SSH connection: their spec syntax,
 * and opening them all (or none) for the life of a session.
 */
import { isLiumError } from '@lium/errors';
import type {
  DynamicForwardOptions,
  ForwardOptions,
  PortForward,
  RemoteForward,
  RemoteForwardOptions,
} from '@lium/ssh';
import { throwIfAborted } from './abort.ts';
import { LiumSdkError, LiumUsageError } from './errors.ts';
import type { Lium } from './lium.ts';
import type { PodInfo } from './models.ts';

/** The three kinds, by OpenSSH's flag letter. */
export type SshForwardKind = 'local' | 'remote' | 'dynamic';

/** `-L`: a port here reaching `host:port` as seen from the pod. */
export interface LocalForwardSpec {
  /** Which forward (`-L`). */
  kind: 'local';
  /** Address to listen on here (127.0.0.1 unless the spec named one). */
  bindHost: string;
  /** Port to listen on here (0: any free one). */
  bindPort: number;
  /** Host each connection goes to, as the pod resolves it. */
  host: string;
  /** Port each connection goes to on {@link LocalForwardSpec.host}. */
  port: number;
}

/** `-R`: a port on the pod reaching `host:port` as seen from here. */
export interface RemoteForwardSpec {
  /** Which forward (`-R`). */
  kind: 'remote';
  /** Address to listen on, on the pod (`localhost` unless the spec named one). */
  bindHost: string;
  /** Port to listen on, on the pod (0: the server picks one). */
  bindPort: number;
  /** Host each connection goes to, as this machine resolves it. */
  host: string;
  /** Port each connection goes to on {@link RemoteForwardSpec.host}. */
  port: number;
}

/** `-D`: a SOCKS5 proxy here whose connections leave from the pod. */
export interface DynamicForwardSpec {
  /** Which forward (`-D`). */
  kind: 'dynamic';
  /** Address the SOCKS5 proxy listens on here (127.0.0.1 unless the spec named one). */
  bindHost: string;
  /** Port the SOCKS5 proxy listens on here (0: any free one). */
  bindPort: number;
}

/** One parsed `-L`/`-R`/`-D` value. */
export type SshForwardSpec = LocalForwardSpec | RemoteForwardSpec | DynamicForwardSpec;

const FLAG: Record<SshForwardKind, string> = { local: '-L', remote: '-R', dynamic: '-D' };
const FORM: Record<SshForwardKind, string> = {
  local: '[bind_address:]port:host:hostport, e.g. 8080:localhost:80',
  remote: '[bind_address:]port:host:hostport, e.g. 9000:localhost:3000',
  dynamic: '[bind_address:]port, e.g. 1080',
};

/** `a:[::1]:b` → `a`, `::1`, `b`: colons split, except inside brackets (IPv6 addresses). */
function fields(text: string): string[] | undefined {
  const out: string[] = [];
  let current = '';
  let bracket = false;
  for (const char of text) {
    if (char === '[' && !bracket && current === '') bracket = true;
    else if (char === ']' && bracket) bracket = false;
    else if (char === ':' && !bracket) {
      out.push(current);
      current = '';
    } else current += char;
  }
  if (bracket) return undefined;
  out.push(current);
  return out;
}

/**
 * OpenSSH's `*` or an empty bind address: every interface (`0.0.0.0` here; on the pod, the
 * empty address OpenSSH sends, which the server's GatewayPorts setting may narrow).
 */
function bindOf(text: string | undefined, fallback: string, every: string): string {
  if (text === undefined) return fallback;
  return text === '' || text === '*' ? every : text;
}

/**
 * Parses one value of `-L`, `-R` or `-D` in OpenSSH's syntax (`[bind_address:]port:host:hostport`
 * or `[bind_address:]port`; IPv6 addresses in brackets). Pure; a bad one is a usage error naming
 * the flag and the form expected. `-L` and `-D` listen on 127.0.0.1 unless a bind address is
 * given, `-R` on the pod's `localhost`.
 */
export function parseSshForward(kind: SshForwardKind, text: string): SshForwardSpec {
  const flag = FLAG[kind];
  const bad = (why: string) =>
    new LiumUsageError(`${flag} ${JSON.stringify(text)}: ${why}`, {
      code: 'usage_error',
      hint: `Use ${flag} ${FORM[kind]}.`,
    });
  const parts = fields(text.trim());
  const port = (value: string | undefined, what: string, allowZero: boolean): number => {
    const n = value !== undefined && /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN;
    if (!(n >= (allowZero ? 0 : 1) && n <= 65_535)) {
      throw bad(`${what} must be a number from ${allowZero ? 0 : 1} to 65535`);
    }
    return n;
  };
  if (kind === 'dynamic') {
    if (!parts || parts.length > 2) throw bad('expected [bind_address:]port');
    const [bind, value] = parts.length === 2 ? parts : [undefined, parts[0]];
    return {
      kind,
      bindHost: bindOf(bind, '127.0.0.1', '0.0.0.0'),
      bindPort: port(value, 'the port', true),
    };
  }
  if (!parts || parts.length < 3 || parts.length > 4) {
    throw bad('expected [bind_address:]port:host:hostport');
  }
  const [bind, listen, host, hostPort] =
    parts.length === 4 ? parts : [undefined, parts[0], parts[1], parts[2]];
  if (!host) throw bad('the host to reach is missing');
  return {
    kind,
    bindHost:
      kind === 'local' ? bindOf(bind, '127.0.0.1', '0.0.0.0') : bindOf(bind, 'localhost', ''),
    bindPort: port(listen, 'the listening port', true),
    host,
    port: port(hostPort, 'hostport', false),
  };
}

/** What {@link openSshForwards} needs; {@link sshForwardDepsOf} builds it from a `Lium`. */
export interface SshForwardDeps {
  /** Opens a `-L` forward (`Lium.forwardPort`). */
  forwardPort(pod: PodInfo, options: ForwardOptions): Promise<PortForward>;
  /** Opens a `-R` forward (`Lium.forwardRemote`). */
  forwardRemote(pod: PodInfo, options: RemoteForwardOptions): Promise<RemoteForward>;
  /** Opens a `-D` SOCKS5 proxy (`Lium.forwardDynamic`). */
  forwardDynamic(pod: PodInfo, options: DynamicForwardOptions): Promise<PortForward>;
}

/** {@link SshForwardDeps} over a `Lium` (its pooled, host-key-pinned connections). */
export function sshForwardDepsOf(lium: Lium): SshForwardDeps {
  return {
    forwardPort: (pod, options) => lium.forwardPort(pod, options),
    forwardRemote: (pod, options) => lium.forwardRemote(pod, options),
    forwardDynamic: (pod, options) => lium.forwardDynamic(pod, options),
  };
}

/** An open forward: its spec, and the port it listens on (the pick when 0 was asked). */
export interface OpenSshForward {
  /** The forward as parsed from its flag. */
  spec: SshForwardSpec;
  /** Here for `-L`/`-D`, on the pod for `-R`. */
  boundPort: number;
}

/** The forwards {@link openSshForwards} opened. */
export interface SshForwards {
  /** Every forward opened, in the order of the flags. */
  forwards: OpenSshForward[];
  /** Settles when the SSH connection under them closes (they are down then). */
  disconnected: Promise<void>;
  /** Closes every forward (idempotent). */
  close(): Promise<void>;
}

/** `-L 8080:…` as the user wrote it, for messages. */
function shown(spec: SshForwardSpec): string {
  const flag = FLAG[spec.kind];
  return spec.kind === 'dynamic'
    ? `${flag} ${spec.bindPort}`
    : `${flag} ${spec.bindPort}:${spec.host}:${spec.port}`;
}

function openError(error: unknown, spec: SshForwardSpec): unknown {
  if (isLiumError(error)) return error;
  if (spec.kind === 'remote') {
    return new LiumSdkError(
      `${shown(spec)}: the pod refused to listen on port ${spec.bindPort} (in use there, or forwarding is off)`,
      {
        code: 'remote_port_unavailable',
        hint: 'Pick another port on the pod (0 lets the server choose one).',
        cause: error,
      },
    );
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code !== 'EADDRINUSE' && code !== 'EACCES' && code !== 'EADDRNOTAVAIL') return error;
  const where = `${spec.bindHost}:${spec.bindPort}`;
  return new LiumSdkError(
    code === 'EADDRINUSE'
      ? `${shown(spec)}: local port ${spec.bindPort} is already in use`
      : code === 'EACCES'
        ? `${shown(spec)}: not allowed to listen on ${where}`
        : `${shown(spec)}: ${spec.bindHost} is not an address of this machine`,
    {
      code: 'local_port_unavailable',
      hint: 'Pick another local port (0 for any free one).',
      cause: error,
    },
  );
}

async function openOne(
  deps: SshForwardDeps,
  pod: PodInfo,
  spec: SshForwardSpec,
): Promise<{ boundPort: number; forward: PortForward | RemoteForward }> {
  if (spec.kind === 'local') {
    const forward = await deps.forwardPort(pod, {
      localHost: spec.bindHost,
      localPort: spec.bindPort,
      remoteHost: spec.host,
      remotePort: spec.port,
    });
    return { boundPort: forward.localPort, forward };
  }
  if (spec.kind === 'remote') {
    const forward = await deps.forwardRemote(pod, {
      remoteBind: spec.bindHost,
      remotePort: spec.bindPort,
      localHost: spec.host,
      localPort: spec.port,
    });
    return { boundPort: forward.remotePort, forward };
  }
  const forward = await deps.forwardDynamic(pod, {
    localHost: spec.bindHost,
    localPort: spec.bindPort,
  });
  return { boundPort: forward.localPort, forward };
}

/**
 * Opens every forward over the pod's pinned SSH connection, in order. All or nothing: when one
 * cannot open (`local_port_unavailable`, `remote_port_unavailable`, an SSH error), the ones
 * already open are closed again.
 */
export async function openSshForwards(
  deps: SshForwardDeps,
  pod: PodInfo,
  specs: readonly SshForwardSpec[],
  options: { signal?: AbortSignal | undefined } = {},
): Promise<SshForwards> {
  const opened: {
    spec: SshForwardSpec;
    boundPort: number;
    forward: PortForward | RemoteForward;
  }[] = [];
  const closeAll = async () => {
    const all = opened.splice(0);
    await Promise.all(all.map(({ forward }) => forward.close().catch(() => undefined)));
  };
  try {
    for (const spec of specs) {
      throwIfAborted(options.signal);
      try {
        opened.push({ spec, ...(await openOne(deps, pod, spec)) });
      } catch (error) {
        throw openError(error, spec);
      }
    }
  } catch (error) {
    await closeAll();
    throw error;
  }
  return {
    forwards: opened.map(({ spec, boundPort }) => ({ spec, boundPort })),
    disconnected:
      opened.length === 0
        ? new Promise<void>(() => undefined)
        : Promise.race(opened.map(({ forward }) => forward.disconnected)),
    close: closeAll,
  };
}
