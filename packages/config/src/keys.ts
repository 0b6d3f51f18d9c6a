import { LiumConfigError } from './errors.ts';
import { hasControlCharacter, hasOuterWhitespace, pyStrip } from './ini/python-text.ts';

/** The section a key without a dot lives in (as in the official CLI's `ConfigManager._parse_key`). */
export const NO_DOT_SECTION = 'default';

export interface KeyParts {
  section: string;
  option: string;
}

/**
 * Every way a dotted key can be split into a section and an option, best first.
 *
 * `api.api_key` → `[api] api_key`; `token` → `[default] token`. Section names may contain dots
 * (`[workspace.team-a] api_key` is `workspace.team-a.api_key`), so the split at the last dot comes
 * first; the others let a key find an option whose name has a dot, as the official CLI writes
 * `lium config set a.b.c` (`[a] b.c`: it splits at the first dot).
 */
export function keyCandidates(key: string): KeyParts[] {
  const dots = [...key.matchAll(/\./g)].map((match) => match.index);
  if (dots.length === 0) return [{ section: NO_DOT_SECTION, option: key.toLowerCase() }];
  return dots
    .reverse()
    .map((dot) => ({ section: key.slice(0, dot), option: key.slice(dot + 1).toLowerCase() }));
}

/**
 * Checks that a key can be written to config.ini and read back by configparser as the same
 * section and option. Option names are lower-cased, as configparser does.
 */
export function assertWritableKey(key: string, { section, option }: KeyParts): void {
  const problem = keyProblem(section, option);
  if (problem === undefined) return;
  throw new LiumConfigError(`Invalid config key "${printable(key)}": ${problem}.`, {
    code: 'config_key_invalid',
    hint: 'Use section.option, e.g. api.api_key or ssh.key_path (a key without a dot goes to [default]).',
  });
}

function keyProblem(section: string, option: string): string | undefined {
  if (section === '') return 'the section name before the dot is empty';
  if (option === '') return 'the option name after the dot is empty';
  if (hasControlCharacter(section) || hasOuterWhitespace(section)) {
    return 'the section name has control characters or surrounding spaces';
  }
  if (hasControlCharacter(option) || hasOuterWhitespace(option)) {
    return 'the option name has control characters or surrounding spaces';
  }
  if (/[=:]/.test(option)) return 'an option name cannot contain "=" or ":"';
  if (/^[#;[]/.test(option)) return 'an option name cannot start with "#", ";" or "["';
  return undefined;
}

/**
 * Checks that configparser will read `value` back unchanged: one line, no control characters
 * other than an inner tab, no surrounding whitespace (configparser strips it). The value itself
 * never appears in the error.
 */
export function assertWritableValue(key: string, value: string): void {
  let problem: string | undefined;
  if (/[\r\n]/.test(value)) problem = 'it spans several lines';
  else if (hasControlCharacter(value.replaceAll('\t', ' ')))
    problem = 'it contains control characters';
  else if (pyStrip(value) !== value) problem = 'it starts or ends with whitespace';
  if (problem === undefined) return;
  throw new LiumConfigError(`Cannot store the value of ${printable(key)}: ${problem}.`, {
    code: 'config_value_invalid',
    hint: 'Remove the line breaks, control characters or surrounding spaces and set it again.',
  });
}

/**
 * The environment variables that override a dotted key, checked in this order: `LIUM_<KEY>` with
 * the key upper-cased and anything but letters and digits turned into `_` (`api.api_key` →
 * `LIUM_API_API_KEY`, as the official CLI's `ConfigManager.get` spells it), then for `api.api_key`
 * and `api.base_url` the short `LIUM_API_KEY` and `LIUM_BASE_URL`.
 */
export function envVarNames(key: string): string[] {
  const generic = `LIUM_${key.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
  const short = SHORT_VARS[key.toLowerCase()];
  return short === undefined ? [generic] : [generic, short];
}

const SHORT_VARS: Record<string, string> = {
  'api.api_key': 'LIUM_API_KEY',
  'api.base_url': 'LIUM_BASE_URL',
};

function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: replacing them is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}
