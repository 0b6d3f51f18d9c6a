import { access, mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { type LiumSettings, type SshKeyPair, writeFileAtomic } from '@lium/config';
import { LiumError } from '@lium/errors';
import { KnownHostsStore } from '@lium/ssh/known-hosts';
import { parseSshConnectCmd } from '@lium/ssh/target';
import type { PodInfo } from './models.ts';

/**
 * A managed OpenSSH client config, so `ssh <huid>`, `scp`, `rsync -e ssh`, VS Code Remote-SSH and
 * Cursor reach pods by name with our key and our pinned host keys.
 *
 * - `<profile state dir>/ssh_config` (`~/.lium/ssh_config`, `~/.lium/profiles/<name>/ssh_config`)
 *   holds one `Host` block per running pod: HUID and name as aliases, `HostName`, `Port`,
 *   `User`, `IdentityFile`, and `UserKnownHostsFile` pointing at the pod's pinned host key with
 *   `StrictHostKeyChecking yes`. It is written atomically with mode 0600.
 * - {@link installSshInclude} adds one `Include` line (after a marker comment) at the very top
 *   of `~/.ssh/config`. OpenSSH uses the first value it obtains for each option, so a user's
 *   later `Host *` cannot override ours (a known SkyPilot trap). {@link uninstallSshInclude}
 *   removes exactly those two lines.
 */
export const SSH_CONFIG_FILE = 'ssh_config';

/** The comment line {@link installSshInclude} writes above its `Include` line. */
export const SSH_INCLUDE_MARKER =
  '# Added by `lium ssh-config --install` (Lium pods by name); `lium ssh-config --uninstall` removes it.';

const FILE_HEADER = [
  '# Managed by lium: `lium ssh-config` rewrites this file, and `lium up`, `down` and `ps` keep',
  '# it current. Edits here are lost; put your own settings in ~/.ssh/config.',
];

/** One pod's `Host` block. */
export interface SshConfigHost {
  /** The pod's id. */
  podId: string;
  /** The pod's HUID, its first alias. */
  huid: string;
  /** The pod's name; also an alias when it is a plain word that differs from the HUID. */
  name: string;
  /** The names `ssh` accepts for this pod: the HUID, then the name. */
  aliases: string[];
  /** The pod's SSH host (`HostName`). */
  hostName: string;
  /** Its SSH port (`Port`). */
  port: number;
  /** The login user (`User`). */
  user: string;
  /** The private key; absent when none was found (the agent or ssh's defaults are used). */
  identityFile: string | undefined;
  /** The pod's pinned host key (`<state dir>/known_hosts/<pod id>`). */
  knownHostsFile: string;
}

/** Errors of this module: `ssh_config_unwritable` (a path ssh_config cannot express). */
export class LiumSshConfigError extends LiumError {
  declare readonly code: 'ssh_config_unwritable';
}

/** Aliases must be plain words: ssh_config treats `*`, `?`, `!`, `,` and spaces as patterns. */
const PLAIN_ALIAS = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** True for the pods the managed file lists: running and reachable over SSH. */
export function isSshConfigPod(pod: PodInfo): boolean {
  return pod.status.toUpperCase() === 'RUNNING' && Boolean(pod.sshCmd);
}

/**
 * The `Host` block fields for a pod, or undefined when it is not running or has no usable SSH
 * command. `knownHostsDir` is the profile's pin directory (`<state dir>/known_hosts`).
 */
export function sshConfigHostFor(
  pod: PodInfo,
  options: { identityFile?: string | undefined; knownHostsDir: string },
): SshConfigHost | undefined {
  if (!isSshConfigPod(pod) || !pod.sshCmd) return undefined;
  let target: { host: string; port: number; user: string };
  try {
    target = parseSshConnectCmd(pod.sshCmd);
  } catch {
    return undefined;
  }
  const aliases = [pod.huid, pod.name].filter(
    (alias, i, all) => PLAIN_ALIAS.test(alias) && all.indexOf(alias) === i,
  );
  if (aliases.length === 0) aliases.push(pod.id);
  return {
    podId: pod.id,
    huid: pod.huid,
    name: pod.name,
    aliases,
    hostName: target.host,
    port: target.port,
    user: target.user,
    identityFile: options.identityFile,
    knownHostsFile: new KnownHostsStore(options.knownHostsDir).pathForId(pod.id),
  };
}

/** A path as an ssh_config argument: `%` doubled (ssh expands `%h`…), quoted when it has spaces. */
function pathArgument(path: string): string {
  if (/["\r\n]/.test(path)) {
    throw new LiumSshConfigError(
      'A path with a double quote or line break cannot be written to ssh_config',
      {
        code: 'ssh_config_unwritable',
        hint: 'Move the SSH key or the Lium config directory to a path without quotes.',
      },
    );
  }
  const escaped = path.replaceAll('%', '%%');
  return /\s/.test(escaped) ? `"${escaped}"` : escaped;
}

function unquotePath(text: string): string {
  const bare = text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1) : text;
  return bare.replaceAll('%%', '%');
}

/**
 * The managed file's text. Aliases already used by an earlier pod are left out of later blocks,
 * so each name reaches exactly one pod.
 */
export function renderSshConfig(
  hosts: readonly SshConfigHost[],
  options: { profile: string },
): string {
  const lines = [...FILE_HEADER, `# Profile: ${options.profile}`, ''];
  const taken = new Set<string>();
  for (const host of hosts) {
    const aliases = host.aliases.filter((alias) => !taken.has(alias.toLowerCase()));
    if (aliases.length === 0) continue;
    for (const alias of aliases) taken.add(alias.toLowerCase());
    lines.push(
      `# lium pod ${host.podId}`,
      `Host ${aliases.join(' ')}`,
      `  HostName ${host.hostName}`,
      `  Port ${host.port}`,
      `  User ${host.user}`,
    );
    if (host.identityFile !== undefined) {
      lines.push(`  IdentityFile ${pathArgument(host.identityFile)}`, '  IdentitiesOnly yes');
    }
    lines.push(
      `  UserKnownHostsFile ${pathArgument(host.knownHostsFile)}`,
      '  StrictHostKeyChecking yes',
      '',
    );
  }
  return lines.join('\n');
}

/** Reads back the blocks of a file {@link renderSshConfig} wrote (anything else is skipped). */
export function parseSshConfig(text: string): SshConfigHost[] {
  const hosts: SshConfigHost[] = [];
  let current: Partial<SshConfigHost> | undefined;
  const finish = () => {
    if (
      current?.podId &&
      current.aliases &&
      current.hostName &&
      current.port &&
      current.user &&
      current.knownHostsFile
    ) {
      const [huid = current.podId, name = ''] = current.aliases;
      hosts.push({
        podId: current.podId,
        huid,
        name,
        aliases: current.aliases,
        hostName: current.hostName,
        port: current.port,
        user: current.user,
        identityFile: current.identityFile,
        knownHostsFile: current.knownHostsFile,
      });
    }
    current = undefined;
  };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const pod = /^# lium pod (\S+)$/.exec(line);
    if (pod) {
      finish();
      current = { podId: pod[1] as string, identityFile: undefined };
      continue;
    }
    if (!current || line === '' || line.startsWith('#')) continue;
    const [, keyword = '', rest = ''] = /^(\S+)\s+(.*)$/.exec(line) ?? [];
    switch (keyword.toLowerCase()) {
      case 'host':
        current.aliases = rest.split(/\s+/);
        break;
      case 'hostname':
        current.hostName = rest;
        break;
      case 'port':
        current.port = Number(rest);
        break;
      case 'user':
        current.user = rest;
        break;
      case 'identityfile':
        current.identityFile = unquotePath(rest);
        break;
      case 'userknownhostsfile':
        current.knownHostsFile = unquotePath(rest);
        break;
    }
  }
  finish();
  return hosts;
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** What {@link SshConfigManager} needs from a `Lium`: its settings and (lazily) its key. */
export interface SshConfigSource {
  /** The resolved settings: profile, config directory, SSH key path. */
  getSettings(): Promise<LiumSettings>;
  /** The SSH key pair the pods accept; read only when a block is written. */
  getSshKey(): Promise<SshKeyPair>;
}

/** Options of `new SshConfigManager()`. */
export interface SshConfigManagerOptions {
  /** The user's OpenSSH config; default `$HOME/.ssh/config`. */
  userSshConfig?: string | undefined;
}

/** A change to apply to the managed file without listing pods again. */
export interface SshConfigChange {
  /** The complete pod list of the account (e.g. what `lium ps` fetched): replaces every block. */
  all?: readonly PodInfo[] | undefined;
  /** Pods to add or refresh (e.g. the ones `lium up` just started). */
  upsert?: readonly PodInfo[] | undefined;
  /** Pods (or pod ids) to drop (e.g. the ones `lium down` stopped). */
  remove?: readonly (PodInfo | string)[] | undefined;
}

/**
 * The managed ssh_config of one profile, and the `Include` line in the user's `~/.ssh/config`.
 *
 * ```ts
 * const sshConfig = await SshConfigManager.open(lium);
 * await sshConfig.write(await lium.listPods()); // ~/.lium/ssh_config
 * await sshConfig.install(); // Include it from the top of ~/.ssh/config
 * // then: ssh <huid>
 * ```
 */
export class SshConfigManager {
  /** The managed file of this profile. */
  readonly file: string;
  /** The user's OpenSSH config the `Include` line goes into. */
  readonly userSshConfig: string;
  /** The profile whose file this is (`default` or a name). */
  readonly profile: string;
  readonly #source: SshConfigSource;
  readonly #settings: LiumSettings;
  #identityFile: Promise<string | undefined> | undefined;

  private constructor(source: SshConfigSource, settings: LiumSettings, userSshConfig: string) {
    this.#source = source;
    this.#settings = settings;
    this.file = join(settings.configDir, SSH_CONFIG_FILE);
    this.userSshConfig = userSshConfig;
    this.profile = settings.profile;
  }

  /** Reads the settings of `lium` (no API call, no SSH). */
  static async open(
    lium: SshConfigSource,
    options: SshConfigManagerOptions = {},
  ): Promise<SshConfigManager> {
    const settings = await lium.getSettings();
    const userSshConfig =
      options.userSshConfig ?? join(process.env.HOME || homedir(), '.ssh', 'config');
    return new SshConfigManager(lium, settings, userSshConfig);
  }

  /** The `Include` line: every profile's managed file, the default one first. */
  get includeLine(): string {
    const root = dirname(this.#settings.configFile);
    return `Include ${pathArgument(join(root, SSH_CONFIG_FILE))} ${pathArgument(join(root, 'profiles', '*', SSH_CONFIG_FILE))}`;
  }

  /** True when the managed file exists (then `up`, `down` and `ps` keep it current). */
  exists(): Promise<boolean> {
    return exists(this.file);
  }

  /** The blocks for these pods (those not running or without SSH are left out). */
  async hostsFor(pods: readonly PodInfo[]): Promise<SshConfigHost[]> {
    const identityFile = await this.#identity();
    const knownHostsDir = join(this.#settings.configDir, 'known_hosts');
    return pods.flatMap((pod) => sshConfigHostFor(pod, { identityFile, knownHostsDir }) ?? []);
  }

  /** The text {@link write} would write for these pods. */
  async render(pods: readonly PodInfo[]): Promise<string> {
    return renderSshConfig(await this.hostsFor(pods), { profile: this.profile });
  }

  /** The blocks in the managed file now (empty when it does not exist). */
  async read(): Promise<SshConfigHost[]> {
    const text = await readText(this.file);
    return text === undefined ? [] : parseSshConfig(text);
  }

  /** Writes the file for these pods (the account's complete list), atomically with mode 0600. */
  async write(pods: readonly PodInfo[]): Promise<SshConfigHost[]> {
    const hosts = await this.hostsFor(pods);
    await this.#writeHosts(hosts);
    return hosts;
  }

  /**
   * Applies a change from data a command already has (no API call). With `onlyIfExists` (the
   * default) nothing happens unless the file exists; returns whether it was written.
   */
  async update(
    change: SshConfigChange,
    options: { onlyIfExists?: boolean } = {},
  ): Promise<boolean> {
    if ((options.onlyIfExists ?? true) && !(await this.exists())) return false;
    if (change.all !== undefined) {
      await this.write(change.all);
      return true;
    }
    const removed = new Set(
      (change.remove ?? []).map((pod) => (typeof pod === 'string' ? pod : pod.id)),
    );
    const upserts = change.upsert ?? [];
    for (const pod of upserts) removed.add(pod.id);
    const kept = (await this.read()).filter((host) => !removed.has(host.podId));
    await this.#writeHosts([...kept, ...(await this.hostsFor(upserts))]);
    return true;
  }

  /** Deletes this profile's managed file; false when there was none. */
  async remove(): Promise<boolean> {
    if (!(await this.exists())) return false;
    await rm(this.file, { force: true });
    return true;
  }

  /**
   * Deletes the managed file of every profile (`<config dir>/ssh_config` and
   * `<config dir>/profiles/NAME/ssh_config`), what `--uninstall` takes back; returns those removed.
   */
  async removeAll(): Promise<string[]> {
    const root = dirname(this.#settings.configFile);
    let names: string[] = [];
    try {
      names = await readdir(join(root, 'profiles'));
    } catch {
      // No named profile has state yet.
    }
    const files = [
      join(root, SSH_CONFIG_FILE),
      ...names.map((name) => join(root, 'profiles', name, SSH_CONFIG_FILE)),
    ];
    const removed: string[] = [];
    for (const file of files) {
      if (!(await exists(file))) continue;
      await rm(file, { force: true });
      removed.push(file);
    }
    return removed;
  }

  /** True when the `Include` line is at the very top of the user's `~/.ssh/config`. */
  async isInstalled(): Promise<boolean> {
    const text = (await readText(this.userSshConfig)) ?? '';
    return text.startsWith(`${SSH_INCLUDE_MARKER}\n${this.includeLine}\n`);
  }

  /** See {@link installSshInclude}. */
  install(): Promise<{
    /** True when the user's config was rewritten; false when it was already so. */
    changed: boolean;
  }> {
    return installSshInclude(this.userSshConfig, this.includeLine);
  }

  /** See {@link uninstallSshInclude}. */
  uninstall(): Promise<{
    /** True when the user's config was rewritten; false when it was already so. */
    changed: boolean;
  }> {
    return uninstallSshInclude(this.userSshConfig);
  }

  async #writeHosts(hosts: readonly SshConfigHost[]): Promise<void> {
    await writeFileAtomic(this.file, renderSshConfig(hosts, { profile: this.profile }), {
      mode: 0o600,
    });
  }

  #identity(): Promise<string | undefined> {
    this.#identityFile ??= this.#source.getSshKey().then(
      (key) => key.privateKeyPath,
      // No key file: ssh's own defaults or the agent may still log in.
      () => undefined,
    );
    return this.#identityFile;
  }
}

/** Our marker line and the line after it, wherever they are. */
function withoutOurLines(lines: string[]): { lines: string[]; found: boolean } {
  const out: string[] = [];
  let found = false;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] === SSH_INCLUDE_MARKER && /^Include\s/.test(lines[i + 1] ?? '')) {
      found = true;
      i += 1;
      continue;
    }
    out.push(lines[i] as string);
  }
  return { lines: out, found };
}

async function writeUserConfig(file: string, text: string): Promise<void> {
  let mode = 0o600;
  try {
    // Keep the user's permissions (OpenSSH refuses a config others can write).
    mode = (await stat(file)).mode & 0o777;
  } catch {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  }
  await writeFileAtomic(file, text, { mode });
}

/**
 * Puts `# marker` + `includeLine` at the very top of `file` (creating it, 0600, when missing).
 * An older copy of our two lines elsewhere in the file is moved, never duplicated; everything
 * else is kept byte for byte. Written atomically, keeping the file's mode.
 */
export async function installSshInclude(
  file: string,
  includeLine: string,
): Promise<{
  /** True when the user's config was rewritten; false when it was already so. */
  changed: boolean;
}> {
  const text = (await readText(file)) ?? '';
  const block = `${SSH_INCLUDE_MARKER}\n${includeLine}\n`;
  if (text.startsWith(block)) return { changed: false };
  const { lines } = withoutOurLines(text.split('\n'));
  await writeUserConfig(file, block + lines.join('\n'));
  return { changed: true };
}

/** Removes exactly the two lines {@link installSshInclude} added; false when they are not there. */
export async function uninstallSshInclude(file: string): Promise<{
  /** True when the user's config was rewritten; false when it was already so. */
  changed: boolean;
}> {
  const text = await readText(file);
  if (text === undefined) return { changed: false };
  const { lines, found } = withoutOurLines(text.split('\n'));
  if (!found) return { changed: false };
  await writeUserConfig(file, lines.join('\n'));
  return { changed: true };
}
