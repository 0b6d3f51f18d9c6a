import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LiumConfigError } from './errors.ts';
import { IniDocument } from './ini/document.ts';
import {
  assertWritableKey,
  assertWritableValue,
  envVarNames,
  type KeyParts,
  keyCandidates,
} from './keys.ts';
import { CONFIG_FILE_NAME, defaultConfigDir, type Env } from './paths.ts';
import {
  DEFAULT_PROFILE,
  profileNotFound,
  profileOfSection,
  profileSection,
  type SelectedProfile,
  selectProfile,
} from './profiles.ts';
import { writeFileAtomic } from './write-file-atomic.ts';

/** Where a value came from: an environment variable or the config file. */
export type ConfigSource = 'env' | 'file';

/** One setting as `lium config show` lists it: its key, value and where the value came from. */
export interface ConfigEntry {
  /** Dotted key, `section.option`. */
  key: string;
  /** The value as written (the environment's, when it overrides the file). */
  value: string;
  /** Whether the value came from the environment or the file. */
  source: ConfigSource;
  /** The environment variable the value came from, when `source` is `env`. */
  envVar?: string;
}

/**
 * The config file of one profile, read by {@link loadConfig}: values with environment overrides
 * applied, and atomic 0600 writes that keep the file readable by Python's configparser.
 */
export interface LiumConfig {
  /** The config file (`<configDir>/config.ini`); it may not exist yet. */
  readonly path: string;
  /** The directory holding the config file. */
  readonly dir: string;
  /**
   * The profile this view reads and edits: `default` (the file's ordinary sections) or a named
   * one (its `[profile NAME]` section, whose options are dotted keys such as `api.api_key`).
   */
  readonly profile: string;
  /** Where {@link profile} came from: the `profile` option, `$LIUM_PROFILE`, or the default. */
  readonly profileSource: SelectedProfile['source'];
  /** Every profile in the file: `default` first, then each `[profile NAME]` in file order. */
  profiles(): string[];
  /** True for `default` and for each profile with a `[profile NAME]` section. */
  hasProfile(name: string): boolean;
  /**
   * The effective value of a dotted key (`api.api_key`; no dot means section `default`): a
   * non-empty environment override (see {@link envVarNames}) wins over the file. Values from the
   * file are as configparser reads them, including a `[DEFAULT]` fallback.
   */
  get(key: string): string | undefined;
  /** Where {@link get} takes the value from: `env`, `file`, or `undefined` when unset. */
  getSource(key: string): ConfigSource | undefined;
  /** The environment variable that currently overrides `key`, if any. */
  getEnvVar(key: string): string | undefined;
  /** Sets the value in the file (call {@link save} to write it). An environment override still wins. */
  set(key: string, value: string): void;
  /** Removes the key from the file (call {@link save} to write it); false when it was not there. */
  unset(key: string): boolean;
  /**
   * Every key in the file in file order with its effective value, then the well-known keys that
   * only the environment sets (`api.api_key`, `api.base_url`, `ssh.key_path`,
   * `template.default_id`).
   */
  list(): ConfigEntry[];
  /** Writes the file atomically with mode 0600 (the directory is created with 0700). */
  save(): Promise<void>;
}

/** Where {@link loadConfig} reads from. */
export interface LoadConfigOptions {
  /** Default {@link defaultConfigDir}: `$LIUM_CONFIG_DIR` or `~/.lium`. */
  configDir?: string | undefined;
  /** Environment for overrides and the default directory. Default `process.env`. */
  env?: Env | undefined;
  /**
   * The profile to read and edit; default a non-empty `$LIUM_PROFILE`, else `default`. It need
   * not exist yet (setting a key creates its section); see {@link LiumConfig.hasProfile}.
   */
  profile?: string | undefined;
}

/** Keys `list()` reports when only the environment sets them. */
export const WELL_KNOWN_KEYS = [
  'api.api_key',
  'api.base_url',
  'ssh.key_path',
  'template.default_id',
  'funding.wallet_path',
  'funding.default_wallet',
  'budget.max_hourly',
  'budget.max_price',
  'budget.idle_after',
] as const;

/**
 * Reads `<configDir>/config.ini` (a missing file is an empty config). A file that cannot be parsed
 * throws `LiumConfigError` `config_invalid` naming the file and line; since no `LiumConfig` exists
 * then, such a file is never overwritten.
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<LiumConfig> {
  const env = options.env ?? process.env;
  const dir = options.configDir ?? defaultConfigDir(env);
  const path = join(dir, CONFIG_FILE_NAME);
  const text = await readConfigText(path);
  const document = text === undefined ? IniDocument.empty() : IniDocument.parse(text, path);
  return new FileConfig(path, dir, document, env, selectProfile(options.profile, env));
}

/**
 * Throws `profile_not_found` (one line listing the profiles in the file) unless the config's
 * profile exists; `default` always does.
 */
export function assertProfileExists(config: LiumConfig): void {
  if (!config.hasProfile(config.profile)) {
    throw profileNotFound(config.profile, config.profiles(), config.path);
  }
}

async function readConfigText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new LiumConfigError(`Cannot read ${path}: ${(error as Error).message}`, {
      code: 'config_unreadable',
      file: path,
      cause: error,
      hint: `Check that ${path} is a file you can read (ls -l ${path}).`,
    });
  }
}

class FileConfig implements LiumConfig {
  constructor(
    readonly path: string,
    readonly dir: string,
    private readonly document: IniDocument,
    private readonly env: Env,
    private readonly selected: SelectedProfile,
  ) {}

  get profile(): string {
    return this.selected.name;
  }

  get profileSource(): SelectedProfile['source'] {
    return this.selected.source;
  }

  profiles(): string[] {
    const named = this.document.sections().flatMap((section) => profileOfSection(section) ?? []);
    return [DEFAULT_PROFILE, ...named];
  }

  hasProfile(name: string): boolean {
    return name === DEFAULT_PROFILE || this.document.hasSection(profileSection(name));
  }

  get(key: string): string | undefined {
    const fromEnv = this.fromEnv(key);
    if (fromEnv !== undefined) return fromEnv.value;
    const { section, option } = this.locate(key);
    return this.document.get(section, option);
  }

  getSource(key: string): ConfigSource | undefined {
    if (this.fromEnv(key) !== undefined) return 'env';
    const { section, option } = this.locate(key);
    return this.document.get(section, option) === undefined ? undefined : 'file';
  }

  getEnvVar(key: string): string | undefined {
    return this.fromEnv(key)?.name;
  }

  set(key: string, value: string): void {
    const parts = this.locate(key);
    assertWritableKey(key, parts);
    assertWritableValue(key, value);
    this.document.set(parts.section, parts.option, value);
  }

  unset(key: string): boolean {
    const { section, option } = this.locate(key);
    return this.document.unset(section, option);
  }

  list(): ConfigEntry[] {
    const entries: ConfigEntry[] = [];
    const seen = new Set<string>();
    const named = this.profile !== DEFAULT_PROFILE;
    for (const { section, option, value } of this.document.entries()) {
      // The default profile is every ordinary section; a named one is its own section only.
      if (named ? section !== profileSection(this.profile) : profileOfSection(section)) continue;
      const key = named ? option : `${section}.${option}`;
      seen.add(key);
      entries.push(this.entry(key, value));
    }
    for (const key of WELL_KNOWN_KEYS) {
      const fromEnv = this.fromEnv(key);
      if (!seen.has(key) && fromEnv !== undefined) {
        entries.push({ key, value: fromEnv.value, source: 'env', envVar: fromEnv.name });
      }
    }
    return entries;
  }

  async save(): Promise<void> {
    try {
      await writeFileAtomic(this.path, this.document.toString(), { mode: 0o600 });
    } catch (error) {
      throw new LiumConfigError(`Cannot write ${this.path}: ${(error as Error).message}`, {
        code: 'config_write_failed',
        file: this.path,
        cause: error,
        hint: `Check that you can write to ${this.dir}; the previous file was left unchanged.`,
      });
    }
  }

  private entry(key: string, fileValue: string): ConfigEntry {
    const fromEnv = this.fromEnv(key);
    return fromEnv === undefined
      ? { key, value: fileValue, source: 'file' }
      : { key, value: fromEnv.value, source: 'env', envVar: fromEnv.name };
  }

  /**
   * The section and option a key names: the first split that exists in the file, else the best.
   * In a named profile the section is `[profile NAME]` and the option the whole dotted key
   * (lower-cased as configparser reads it; a key without a dot is `default.<key>`).
   */
  private locate(key: string): KeyParts {
    const candidates = keyCandidates(key);
    if (this.profile !== DEFAULT_PROFILE) {
      const best = candidates[0] as KeyParts;
      assertWritableKey(key, best);
      return {
        section: profileSection(this.profile),
        option: `${best.section}.${best.option}`.toLowerCase(),
      };
    }
    const existing = candidates.find(({ section, option }) =>
      this.document.hasOwn(section, option),
    );
    return existing ?? (candidates[0] as KeyParts);
  }

  private fromEnv(key: string): { name: string; value: string } | undefined {
    for (const name of envVarNames(key)) {
      const value = this.env[name];
      // An empty variable counts as unset, as in the official SDK (`if api_key:`).
      if (value !== undefined && value !== '') return { name, value };
    }
    return undefined;
  }
}
