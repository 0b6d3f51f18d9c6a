export {
  assertProfileExists,
  type ConfigEntry,
  type ConfigSource,
  type LiumConfig,
  type LoadConfigOptions,
  loadConfig,
  WELL_KNOWN_KEYS,
} from './config.ts';
export {
  CONFIG_ERROR_CODES,
  type ConfigErrorCode,
  LiumConfigError,
  type LiumConfigErrorCode,
  type LiumConfigErrorOptions,
} from './errors.ts';
export { envVarNames, NO_DOT_SECTION } from './keys.ts';
export { isKnownConfigKey, KNOWN_CONFIG_KEYS } from './known-keys.ts';
export { CONFIG_FILE_NAME, defaultConfigDir, type Env } from './paths.ts';
export {
  assertProfileName,
  DEFAULT_PROFILE,
  PROFILE_ENV_VAR,
  type ProfileSource,
  profileSection,
  profileStateDir,
  type SelectedProfile,
  selectProfile,
} from './profiles.ts';
export {
  DEFAULT_BASE_URL,
  type LiumSettings,
  type ResolveSettingsOptions,
  resolveSettings,
  SETTING_KEYS,
  type SettingName,
  type SettingsOverrides,
} from './settings.ts';
export {
  DEFAULT_KEY_NAMES,
  type FindSshKeyOptions,
  findSshKey,
  type SshKeyPair,
} from './ssh-key.ts';
export { type WriteFileAtomicOptions, writeFileAtomic } from './write-file-atomic.ts';
