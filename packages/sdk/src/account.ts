/** The account: who you are, balance, SSH keys, volumes. */
import type { SshKey, User } from '@lium/api';
import type { LiumCore } from './core.ts';
import { toVolumeInfo, type VolumeInfo } from './models.ts';
import type { CallOptions } from './options.ts';
import { type RegisterKeysResult, registerSshKeys } from './ssh-key-registration.ts';

export async function getMe(core: LiumCore, options?: CallOptions): Promise<User> {
  return (await core.api()).getMe({ signal: options?.signal });
}

export async function getBalance(core: LiumCore, options?: CallOptions): Promise<number> {
  const me = await getMe(core, options);
  return typeof me.balance === 'number' ? me.balance : 0;
}

export async function listSshKeys(core: LiumCore, options?: CallOptions): Promise<SshKey[]> {
  return (await core.api()).getSshKeys({ signal: options?.signal });
}

export async function addSshKey(
  core: LiumCore,
  key: { name: string; publicKey: string },
  options?: CallOptions,
): Promise<SshKey> {
  return (await core.api()).createSshKey(key, { signal: options?.signal });
}

export async function removeSshKey(
  core: LiumCore,
  id: string,
  options?: CallOptions,
): Promise<void> {
  await (await core.api()).deleteSshKey(id, { signal: options?.signal });
}

export async function syncSshKeys(
  core: LiumCore,
  options: CallOptions & { force?: boolean | undefined; name?: string | undefined } = {},
): Promise<RegisterKeysResult> {
  const { api, apiKey, settings } = await core.context();
  return registerSshKeys({
    api,
    apiKey,
    configDir: settings.configDir,
    publicKeys: (await core.sshKey()).publicKeys,
    force: options.force ?? true,
    name: options.name ?? core.options.sshKeyName,
    signal: options.signal,
  });
}

export async function listVolumes(core: LiumCore, options?: CallOptions): Promise<VolumeInfo[]> {
  return (await (await core.api()).getVolumes({ signal: options?.signal })).map(toVolumeInfo);
}

export async function createVolume(
  core: LiumCore,
  volume: { name: string; description?: string | undefined },
  options?: CallOptions,
): Promise<VolumeInfo> {
  const api = await core.api();
  return toVolumeInfo(
    await api.createVolume(
      { name: volume.name, description: volume.description ?? '' },
      { signal: options?.signal },
    ),
  );
}

export async function updateVolume(
  core: LiumCore,
  id: string,
  changes: { name?: string | undefined; description?: string | undefined },
  options?: CallOptions,
): Promise<VolumeInfo> {
  const api = await core.api();
  return toVolumeInfo(await api.updateVolume(id, changes, { signal: options?.signal }));
}

export async function deleteVolume(
  core: LiumCore,
  id: string,
  options?: CallOptions,
): Promise<void> {
  await (await core.api()).deleteVolume(id, { signal: options?.signal });
}
