/** The account: who you are, balance, SSH keys, volumes. */
import { toUserInfo, type UserInfo } from './account-models.ts';
import type { LiumCore } from './core.ts';
import { toVolumeInfo, type VolumeInfo } from './models.ts';
import type { CallOptions } from './options.ts';
import { type RegisterKeysResult, registerSshKeys } from './ssh-key-registration.ts';
import { type SshKeyInfo, toSshKeyInfo } from './ssh-keys.ts';

export async function getMe(core: LiumCore, options?: CallOptions): Promise<UserInfo> {
  return toUserInfo(await (await core.api()).getMe({ signal: options?.signal }));
}

export async function getBalance(core: LiumCore, options?: CallOptions): Promise<number> {
  return (await getMe(core, options)).balanceUsd;
}

export async function listSshKeys(core: LiumCore, options?: CallOptions): Promise<SshKeyInfo[]> {
  return (await (await core.api()).getSshKeys({ signal: options?.signal })).map(toSshKeyInfo);
}

export async function addSshKey(
  core: LiumCore,
  key: { name: string; publicKey: string },
  options?: CallOptions,
): Promise<SshKeyInfo> {
  return toSshKeyInfo(await (await core.api()).createSshKey(key, { signal: options?.signal }));
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
