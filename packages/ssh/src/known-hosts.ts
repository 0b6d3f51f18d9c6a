import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@lium/config';
import { SshTargetError } from './errors.ts';
import { knownHostsHostField, type SshTarget } from './target.ts';

/** One key line of an OpenSSH known_hosts file. */
export interface KnownHostEntry {
  /** The host patterns of the line (`[127.0.0.1]:2222`, `lium-pod-<id>`). */
  hosts: string[];
  /** The key type, e.g. `ssh-ed25519`. */
  keyType: string;
  /** The public key, base64 as in the file. */
  keyBase64: string;
}

/**
 * What checking a presented host key found: no pin yet (now `pinned`, or `unpinned` when told not
 * to pin), the pinned key (`match`),
 * or another key than the pinned one (`mismatch`, with what was expected).
 */
export type HostKeyVerdict =
  | {
      /** There was no pin; the presented key is now pinned. */
      kind: 'pinned';
      /** The known_hosts file. */
      path: string;
    }
  | {
      /** The presented key is the pinned one. */
      kind: 'match';
      /** The known_hosts file. */
      path: string;
    }
  | {
      /** Nothing pinned yet, and `verify` was told not to pin (a speculative connect). */
      kind: 'unpinned';
      /** The known_hosts file. */
      path: string;
    }
  | {
      /** The presented key differs from the pinned one. */
      kind: 'mismatch';
      /** The known_hosts file. */
      path: string;
      /** The pinned entries. */
      expected: KnownHostEntry[];
      /** The type of the key the server presented. */
      presentedType: string;
    };

const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** `SHA256:<base64>` as `ssh-keygen -l` prints it. */
export function fingerprint(keyBase64: string): string {
  const digest = createHash('sha256').update(Buffer.from(keyBase64, 'base64')).digest('base64');
  return `SHA256:${digest.replace(/=+$/, '')}`;
}

/** The algorithm name at the start of an SSH public key blob (`ssh-ed25519`, `ecdsa-sha2-nistp256`, …). */
export function keyTypeOfBlob(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const length = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + length).toString('latin1');
}

export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('@')) continue;
    const [hosts, keyType, keyBase64] = line.split(/\s+/);
    if (!hosts || !keyType || !keyBase64) continue;
    entries.push({ hosts: hosts.split(','), keyType, keyBase64 });
  }
  return entries;
}

function formatEntry(entry: KnownHostEntry): string {
  return `${entry.hosts.join(',')} ${entry.keyType} ${entry.keyBase64}\n`;
}

/**
 * Trust-on-first-use host keys, one OpenSSH-format file per pod (`<dir>/<pod id>`) or, for targets
 * without a pod id, per host:port. Pods are recycled on the same host:port with new keys, so a pin
 * belongs to the pod, not to the address. The files work with
 * `ssh -o UserKnownHostsFile=<file> -o StrictHostKeyChecking=yes`.
 */
export class KnownHostsStore {
  /** @param dir The directory holding one known_hosts file per pod id. */
  constructor(readonly dir: string) {}

  /** The file holding the pin for a pod id. */
  pathForId(hostKeyId: string): string {
    if (!SAFE_ID.test(hostKeyId)) {
      throw new SshTargetError(`Invalid host key id ${JSON.stringify(hostKeyId)}`, {
        hint: 'Use the pod id (letters, digits, ".", "_" and "-").',
      });
    }
    return join(this.dir, hostKeyId);
  }

  /** The file holding the pin for a target: its pod id's file, else one per host:port. */
  pathFor(target: SshTarget): string {
    if (target.hostKeyId !== undefined) return this.pathForId(target.hostKeyId);
    const safeHost = target.host.replace(/[^A-Za-z0-9.-]/g, '_');
    return join(this.dir, `host_${safeHost}_${target.port}`);
  }

  /**
   * The entries of a known_hosts file; none when it does not exist. Read synchronously: the file
   * is a line or two, read twice per connection, and `fs/promises` `readFile` (open, fstat, read,
   * close, each a thread-pool round trip) cost 5-6× the CPU of `readFileSync` here, which
   * `lium exec all` on 256 pods paid 512 times.
   */
  async read(path: string): Promise<KnownHostEntry[]> {
    try {
      return parseKnownHosts(readFileSync(path, 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  /** Key types already pinned for a target, so the handshake can ask for the same algorithm. */
  async pinnedKeyTypes(target: SshTarget): Promise<string[]> {
    return [...new Set((await this.read(this.pathFor(target))).map((entry) => entry.keyType))];
  }

  /**
   * Checks a presented key against the pin; pins it when there is none yet. A pod file matches on
   * the key alone (the pod may be reached through another address); the current host field is
   * added so OpenSSH finds it too. With `pin: false` an unpinned target is not pinned
   * (verdict `unpinned`): a key seen at a remembered, possibly stale address must never become
   * the pod's pin.
   */
  async verify(
    target: SshTarget,
    keyBlob: Buffer,
    options: { pin?: boolean } = {},
  ): Promise<HostKeyVerdict> {
    const path = this.pathFor(target);
    const presented: KnownHostEntry = {
      hosts: [knownHostsHostField(target.host, target.port)],
      keyType: keyTypeOfBlob(keyBlob),
      keyBase64: keyBlob.toString('base64'),
    };
    const entries = await this.read(path);
    if (entries.length === 0) {
      if (options.pin === false) return { kind: 'unpinned', path };
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      await writeFileAtomic(path, formatEntry(presented), { mode: 0o600 });
      return { kind: 'pinned', path };
    }
    const same = entries.filter(
      (entry) => entry.keyType === presented.keyType && entry.keyBase64 === presented.keyBase64,
    );
    if (same.length === 0) {
      return { kind: 'mismatch', path, expected: entries, presentedType: presented.keyType };
    }
    const hostField = presented.hosts[0] ?? '';
    if (!same.some((entry) => entry.hosts.includes(hostField))) {
      const text = entries.map(formatEntry).join('') + formatEntry(presented);
      await writeFileAtomic(path, text, { mode: 0o600 });
    }
    return { kind: 'match', path };
  }

  /** Removes a pin (after a pod was rebuilt and legitimately got a new key). */
  async forget(path: string): Promise<boolean> {
    try {
      await rm(path);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }
}
