import { SshTargetError } from './errors.ts';

/** Where to connect. `hostKeyId` (the pod id) selects the host-key pin; without it the pin is per host:port. */
export interface SshTarget {
  /** Host name or IP address. */
  host: string;
  /** SSH port. */
  port: number;
  /** The user to log in as. */
  user: string;
  /** The pod id whose pinned host key applies; without it the pin is per host:port. */
  hostKeyId?: string | undefined;
}

const USER = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,31}$/;
const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const IPV6 = /^[0-9A-Fa-f:.]+$/;

function refuse(command: string, why: string): never {
  throw new SshTargetError(`Cannot use SSH command ${JSON.stringify(command)}: ${why}`, {
    hint: 'The API sends exactly "ssh <user>@<host> -p <port>"; pass host, port and user explicitly otherwise.',
  });
}

function isHost(host: string): boolean {
  if (IPV4.test(host) || HOSTNAME.test(host)) return true;
  // A bare IPv6 literal (no scope id, no brackets) with at least two colons.
  return IPV6.test(host) && host.split(':').length >= 3 && !host.includes('%');
}

/**
 * Parses a pod's `ssh_connect_cmd`, which the API always sends as `ssh <user>@<host> -p <port>`
 * (lium-api.md §3.4). Strict on purpose: anything else (extra options, shell syntax) is refused,
 * so nothing from the server is ever run through a shell.
 */
export function parseSshConnectCmd(command: string): Pick<SshTarget, 'user' | 'host' | 'port'> {
  if (typeof command !== 'string') refuse(String(command), 'not a string');
  const tokens = command.trim().split(/[ \t]+/);
  if (tokens.length !== 2 && tokens.length !== 4) {
    refuse(command, 'expected "ssh <user>@<host> [-p <port>]"');
  }
  if (tokens[0] !== 'ssh') refuse(command, 'it does not start with "ssh"');
  const destination = tokens[1] ?? '';
  const at = destination.indexOf('@');
  if (at < 0 || at !== destination.lastIndexOf('@')) refuse(command, 'expected exactly one "@"');
  const user = destination.slice(0, at);
  const host = destination.slice(at + 1);
  if (!USER.test(user)) refuse(command, `invalid user name ${JSON.stringify(user)}`);
  if (!isHost(host)) refuse(command, `invalid host ${JSON.stringify(host)}`);
  let port = 22;
  if (tokens.length === 4) {
    if (tokens[2] !== '-p') refuse(command, `unexpected option ${JSON.stringify(tokens[2])}`);
    const portText = tokens[3] ?? '';
    if (!/^[1-9]\d{0,4}$/.test(portText) || Number(portText) > 65_535) {
      refuse(command, `invalid port ${JSON.stringify(portText)}`);
    }
    port = Number(portText);
  }
  return { user, host, port };
}

/** Validates an explicit target; used by every pool operation before connecting. */
export function assertTarget(target: SshTarget): void {
  if (!target || typeof target.host !== 'string' || !isHost(target.host)) {
    throw new SshTargetError(`Invalid SSH host ${JSON.stringify(target?.host)}`);
  }
  if (!Number.isInteger(target.port) || target.port < 1 || target.port > 65_535) {
    throw new SshTargetError(`Invalid SSH port ${JSON.stringify(target.port)}`, {
      host: target.host,
    });
  }
  if (typeof target.user !== 'string' || !USER.test(target.user)) {
    throw new SshTargetError(`Invalid SSH user ${JSON.stringify(target.user)}`, {
      host: target.host,
      port: target.port,
    });
  }
}

/** The pool key: one connection per (user, host, port, pin). */
export function targetKey(target: SshTarget): string {
  return `${target.user}@${target.host}:${target.port}#${target.hostKeyId ?? ''}`;
}

/** `host` for port 22, `[host]:port` otherwise: the host field OpenSSH writes in known_hosts. */
export function knownHostsHostField(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

// The one POSIX shell quoter, here so callers get it without loading ssh2.
export { shQuote } from './shell-quote.ts';
