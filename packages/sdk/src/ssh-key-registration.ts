import type { LiumAPIClient } from '@lium/api';
import {
  apiKeyDigest,
  defaultSshKeyName,
  fingerprintPublicKey,
  publicKeyIdentity,
  readKnownFingerprints,
  writeKnownFingerprints,
} from './ssh-key-cache.ts';

export interface RegisterKeysOptions {
  api: LiumAPIClient;
  apiKey: string;
  configDir: string;
  publicKeys: readonly string[];
  /** Check with the server even when the cache says every key is known. */
  force?: boolean | undefined;
  /** Name for new keys; default `cli-<user>@<host>`. */
  name?: string | undefined;
  signal?: AbortSignal | undefined;
}

/** What `registerSshKeys` did. */
export interface RegisterKeysResult {
  /** Public keys this call added to the account. */
  registered: string[];
  /** True when the cache answered and the server was not asked. */
  cached: boolean;
}

/**
 * Makes sure the account knows the local public keys (reference §4.4): skip when every key's
 * fingerprint is in the cache for this API key; otherwise list `/ssh-keys`, add the ones the
 * server lacks, and remember all of them.
 */
export async function registerSshKeys(options: RegisterKeysOptions): Promise<RegisterKeysResult> {
  const lines = options.publicKeys.map((line) => line.trim()).filter(Boolean);
  const digest = await apiKeyDigest(options.apiKey);
  const fingerprints = lines.map(fingerprintPublicKey);
  const known = await readKnownFingerprints(options.configDir, digest);
  if (!options.force && fingerprints.every((f) => known.has(f))) {
    return { registered: [], cached: true };
  }
  const call = { signal: options.signal };
  const serverKeys = await options.api.getSshKeys(call);
  const onServer = new Set(serverKeys.map((key) => publicKeyIdentity(key.public_key ?? '')));
  const registered: string[] = [];
  const name = options.name ?? defaultSshKeyName();
  for (const line of lines) {
    const identity = publicKeyIdentity(line);
    if (onServer.has(identity)) continue;
    await options.api.createSshKey({ name, publicKey: line }, call);
    onServer.add(identity);
    registered.push(line);
  }
  await writeKnownFingerprints(options.configDir, digest, [...known, ...fingerprints]);
  return { registered, cached: false };
}
