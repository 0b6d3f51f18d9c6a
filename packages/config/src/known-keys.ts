import { SETTING_KEYS } from './settings.ts';

/**
 * Every key lium (or the official CLI, sharing the file) reads from config.ini: the settings
 * the SDK resolves, then those only commands read. `lium config set` accepts these, so a typo
 * (`sshkey_path`) is refused instead of written where nothing reads it.
 */
export const KNOWN_CONFIG_KEYS: readonly string[] = [
  ...new Set([
    ...Object.values(SETTING_KEYS),
    'docker.username',
    'docker.password',
    'ssh.user',
    'ui.theme',
    'provider.coldkey',
    'provider.hotkey',
  ]),
];

/**
 * Sections whose option names are free: `[workspace.<name>] api_key` (a workspace's key, as the
 * official CLI saves it). Matched against the part of the key before its last dot.
 */
const OPEN_SECTIONS: readonly RegExp[] = [/^workspace\.[^.\s]+$/];

/** Whether `key` (`section.option`) is one lium knows; option names are case-insensitive. */
export function isKnownConfigKey(key: string): boolean {
  const dot = key.lastIndexOf('.');
  if (dot <= 0) return false;
  const section = key.slice(0, dot);
  const normal = `${section}.${key.slice(dot + 1).toLowerCase()}`;
  return KNOWN_CONFIG_KEYS.includes(normal) || OPEN_SECTIONS.some((open) => open.test(section));
}
