import { DEFAULT_BASE_URL } from '@lium/errors';
import * as v from 'valibot';
import { assertProfileExists, loadConfig } from './config.ts';
import { LiumConfigError } from './errors.ts';
import { defaultConfigDir, type Env, expandHome, homeDirOf } from './paths.ts';
import { profileStateDir } from './profiles.ts';

export { DEFAULT_BASE_URL } from '@lium/errors';

/**
 * The settings a command runs with, resolved from flags, the environment and the config file
 * (in that order of precedence) by {@link resolveSettings}.
 */
export interface LiumSettings {
  /** `api.api_key` (`LIUM_API_KEY`): the account's API key. Absent when none is configured. */
  apiKey?: string;
  /** Without a trailing slash. Default `https://lium.io/api`. */
  baseUrl: string;
  /** `ssh.key_path` with `~` expanded; pass it to `findSshKey({ keyPath })`. */
  sshKeyPath?: string;
  /** `template.default_id`: the template `up` uses when none is given. */
  defaultTemplateId?: string;
  /** `funding.wallet_path` with `~` expanded: where `lium fund` looks for Bittensor wallets. */
  walletPath?: string;
  /** `funding.default_wallet`: the wallet `lium fund` uses without `--wallet`. */
  defaultWallet?: string;
  /** `pay.api_key` (`LIUM_PAY_API_KEY`): the pay API's shared key, for funding. */
  payApiKey?: string;
  /** `pay.url` (`LIUM_PAY_URL`): the pay API's base URL, without a trailing slash. */
  payBaseUrl?: string;
  /** `budget.max_hourly`: the most USD per hour all running pods may cost together. */
  maxHourlyUsd?: number;
  /** `budget.max_price`: the most USD per GPU-hour one rented machine may cost. */
  maxPricePerGpuHour?: number;
  /** `budget.idle_after` (`2h`, `90m`, `30s`): when `lium ps` calls an unused pod idle. */
  idleAfter?: string;
  /** Where this profile keeps its state (index snapshots, pinned host keys, ssh_config). */
  configDir: string;
  /** The config file every profile is read from (`~/.lium/config.ini`). */
  configFile: string;
  /** The active profile: `default` or the name of a `[profile NAME]` section. */
  profile: string;
}

/** Values from command-line flags or code; they win over the environment and the file. */
export interface SettingsOverrides {
  /** Overrides `api.api_key`. */
  apiKey?: string | undefined;
  /** Overrides `api.base_url`. */
  baseUrl?: string | undefined;
  /** Overrides `ssh.key_path` (`~` is expanded). */
  sshKeyPath?: string | undefined;
  /** Overrides `template.default_id`. */
  defaultTemplateId?: string | undefined;
  /** Overrides `funding.wallet_path` (`~` is expanded). */
  walletPath?: string | undefined;
  /** Overrides `funding.default_wallet`. */
  defaultWallet?: string | undefined;
  /** Overrides `pay.api_key`. */
  payApiKey?: string | undefined;
  /** Overrides `pay.url`. */
  payBaseUrl?: string | undefined;
  /** Overrides `budget.max_hourly`, as typed (a positive number of USD). */
  maxHourlyUsd?: string | undefined;
  /** Overrides `budget.max_price`, as typed (a positive number of USD). */
  maxPricePerGpuHour?: string | undefined;
  /** Overrides `budget.idle_after` (`2h`, `90m`, `30s`). */
  idleAfter?: string | undefined;
}

/** Where {@link resolveSettings} reads from. */
export interface ResolveSettingsOptions {
  /** Default {@link defaultConfigDir}: `$LIUM_CONFIG_DIR` or `~/.lium`. */
  configDir?: string | undefined;
  /** Environment for overrides and the default directory. Default `process.env`. */
  env?: Env | undefined;
  /** The profile to use; default a non-empty `$LIUM_PROFILE`, else `default`. It must exist. */
  profile?: string | undefined;
  /** Values from flags or code, which win over the environment and the file. */
  overrides?: SettingsOverrides | undefined;
}

/** A setting's name in code (`apiKey`); {@link SETTING_KEYS} maps each to its config key. */
export type SettingName = keyof SettingsOverrides;

/** The config key behind each setting. */
export const SETTING_KEYS: Readonly<Record<SettingName, string>> = {
  apiKey: 'api.api_key',
  baseUrl: 'api.base_url',
  sshKeyPath: 'ssh.key_path',
  defaultTemplateId: 'template.default_id',
  walletPath: 'funding.wallet_path',
  defaultWallet: 'funding.default_wallet',
  payApiKey: 'pay.api_key',
  payBaseUrl: 'pay.url',
  maxHourlyUsd: 'budget.max_hourly',
  maxPricePerGpuHour: 'budget.max_price',
  idleAfter: 'budget.idle_after',
};

const positiveUsd = v.pipe(
  v.string(),
  v.trim(),
  v.check(
    (text: string) => /^(\d+\.?\d*|\.\d+)$/.test(text) && Number(text) > 0,
    'must be a number of USD above 0 (e.g. 12.5)',
  ),
);

const FIELD_SCHEMAS = {
  apiKey: v.pipe(
    v.string(),
    v.trim(),
    v.regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces'),
  ),
  baseUrl: v.pipe(
    v.string(),
    v.trim(),
    v.check(isHttpUrl, 'must be an http:// or https:// URL'),
    v.transform((url: string) => url.replace(/\/+$/, '')),
  ),
  sshKeyPath: v.pipe(v.string(), v.trim(), v.nonEmpty('must not be empty')),
  defaultTemplateId: v.pipe(v.string(), v.trim(), v.nonEmpty('must not be empty')),
  walletPath: v.pipe(v.string(), v.trim(), v.nonEmpty('must not be empty')),
  defaultWallet: v.pipe(
    v.string(),
    v.trim(),
    v.regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/, 'must be a wallet name (letters, digits, _ . -)'),
  ),
  payApiKey: v.pipe(
    v.string(),
    v.trim(),
    v.regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces'),
  ),
  payBaseUrl: v.pipe(
    v.string(),
    v.trim(),
    v.check(isHttpUrl, 'must be an http:// or https:// URL'),
    v.transform((url: string) => url.replace(/\/+$/, '')),
  ),
  maxHourlyUsd: positiveUsd,
  maxPricePerGpuHour: positiveUsd,
  idleAfter: v.pipe(
    v.string(),
    v.trim(),
    v.regex(/^(\d+\.?\d*|\.\d+)[smhd]$/i, 'must be a duration such as 2h, 90m or 30s'),
  ),
} satisfies Record<SettingName, v.GenericSchema<string, string>>;

/**
 * The settings the SDK and CLI run with. For each one the first non-empty value wins:
 * `overrides` (flags), then the environment (`LIUM_API_API_KEY`, `LIUM_API_KEY`, `LIUM_BASE_URL`,
 * `LIUM_<SECTION>_<KEY>`), then the active profile in `config.ini` (`--profile`/`profile`, else
 * `$LIUM_PROFILE`, else `default`), then the default. A profile that is not in the file throws
 * `profile_not_found` listing the ones that are. Each value is validated; a bad one
 * throws `LiumConfigError` `config_value_invalid` naming where it came from (never the value).
 */
export async function resolveSettings(options: ResolveSettingsOptions = {}): Promise<LiumSettings> {
  const env = options.env ?? process.env;
  const configDir = options.configDir ?? defaultConfigDir(env);
  const config = await loadConfig({ configDir, env, profile: options.profile });
  assertProfileExists(config);
  const overrides = options.overrides ?? {};

  const resolve = (name: SettingName): string | undefined => {
    const key = SETTING_KEYS[name];
    const override = overrides[name];
    const fromOverride = override !== undefined && override !== '';
    const raw = fromOverride ? override : config.get(key);
    if (raw === undefined || raw === '') return undefined;
    const result = v.safeParse(FIELD_SCHEMAS[name], raw);
    if (result.success) return result.output;

    const envVar = config.getEnvVar(key);
    const fromFile = !fromOverride && envVar === undefined;
    const origin = fromOverride
      ? `the ${name} option`
      : fromFile
        ? `${config.profile === 'default' ? sectionAndOption(key) : `[profile ${config.profile}] ${key}`} in ${config.path}`
        : `$${envVar}`;
    throw new LiumConfigError(`${key} (from ${origin}) ${result.issues[0].message}.`, {
      code: 'config_value_invalid',
      file: fromFile ? config.path : undefined,
      hint: fromFile
        ? `Correct ${origin}.`
        : `Correct ${fromOverride ? `the ${name} option` : `$${envVar}`}, or unset it to use the config file.`,
    });
  };

  const settings: LiumSettings = {
    baseUrl: resolve('baseUrl') ?? DEFAULT_BASE_URL,
    configDir: profileStateDir(configDir, config.profile),
    configFile: config.path,
    profile: config.profile,
  };
  const apiKey = resolve('apiKey');
  if (apiKey !== undefined) settings.apiKey = apiKey;
  const sshKeyPath = resolve('sshKeyPath');
  if (sshKeyPath !== undefined) settings.sshKeyPath = expandHome(sshKeyPath, homeDirOf(env));
  const defaultTemplateId = resolve('defaultTemplateId');
  if (defaultTemplateId !== undefined) settings.defaultTemplateId = defaultTemplateId;
  const walletPath = resolve('walletPath');
  if (walletPath !== undefined) settings.walletPath = expandHome(walletPath, homeDirOf(env));
  const defaultWallet = resolve('defaultWallet');
  if (defaultWallet !== undefined) settings.defaultWallet = defaultWallet;
  const payApiKey = resolve('payApiKey');
  if (payApiKey !== undefined) settings.payApiKey = payApiKey;
  const payBaseUrl = resolve('payBaseUrl');
  if (payBaseUrl !== undefined) settings.payBaseUrl = payBaseUrl;
  const maxHourly = resolve('maxHourlyUsd');
  if (maxHourly !== undefined) settings.maxHourlyUsd = Number(maxHourly);
  const maxPrice = resolve('maxPricePerGpuHour');
  if (maxPrice !== undefined) settings.maxPricePerGpuHour = Number(maxPrice);
  const idleAfter = resolve('idleAfter');
  if (idleAfter !== undefined) settings.idleAfter = idleAfter;
  return settings;
}

/** `api.api_key` → `[api] api_key`. */
function sectionAndOption(key: string): string {
  const dot = key.lastIndexOf('.');
  return `[${key.slice(0, dot)}] ${key.slice(dot + 1)}`;
}

function isHttpUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const { protocol, hostname } = new URL(text);
  return (protocol === 'http:' || protocol === 'https:') && hostname !== '';
}
