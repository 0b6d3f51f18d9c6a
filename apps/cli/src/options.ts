import { CliUsageError } from './errors.ts';

/*
 * (yargs passes on only the message of what a coerce function throws, as a usage error.)
 *
 * Every option of every command is declared through these helpers, so what happens when it is
 * repeated or left without a value is decided here, once:
 *
 * - single options (`text`, `number`, `oneOf`, `flag`): the last one wins, as in most CLIs
 *   (`--limit 1 --limit 2` is `--limit 2`), never an array reaching code that expects one value;
 * - `repeatable` options (`--env`, `--exclude`) collect every value into a list.
 *
 * yargs turns `--limit abc` into NaN and a trailing `--limit` into nothing; these read the text
 * that was typed instead, so a bad value is a usage error (exit 2) that quotes it back, and a
 * missing one says so.
 */

type Named<O> = (name: string) => O;

export interface OptionExtra {
  /** One alias, or several (`['t', 'template_id']`, the official CLI's spellings). */
  alias?: string | readonly string[] | undefined;
  /** The option applies to every command (declared once on the root parser). */
  global?: boolean | undefined;
}

function extraOf(extra: OptionExtra | undefined): OptionExtra {
  return {
    ...(extra?.alias !== undefined ? { alias: extra.alias } : {}),
    ...(extra?.global ? { global: true } : {}),
  };
}

const lastOf = (raw: unknown): unknown => (Array.isArray(raw) ? raw.at(-1) : raw);

/** The text typed after `--name` (the last one if repeated), or a usage error if none was. */
function valueText(name: string, raw: unknown): string {
  const value = lastOf(raw);
  if (value === undefined || value === '' || typeof value === 'boolean') {
    throw new CliUsageError(`--${name} needs a value`);
  }
  return String(value);
}

/** A typed word shown back in a message: quoted, and cut if it is very long. */
export function echo(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

export interface TextOption {
  type: 'string';
  requiresArg: true;
  describe: string;
  coerce: (raw: unknown) => string;
}
export interface TextOptionWithDefault extends TextOption {
  default: string;
}

/** One string value; the last wins when repeated. */
export function text(describe: string, extra?: OptionExtra): Named<TextOption>;
export function text(
  describe: string,
  extra: OptionExtra & { default: string },
): Named<TextOptionWithDefault>;
export function text(
  describe: string,
  extra?: OptionExtra & { default?: string },
): Named<TextOption | TextOptionWithDefault> {
  return (name) => ({
    type: 'string',
    // Without it, yargs gives a bare `--sort` its default instead of saying a value is missing.
    requiresArg: true,
    describe,
    ...extraOf(extra),
    ...(extra?.default !== undefined ? { default: extra.default } : {}),
    coerce: (raw: unknown) => valueText(name, raw),
  });
}

export type NumberRule = 'whole-positive' | 'positive' | 'port' | 'latitude' | 'longitude';

const ruleText: Record<NumberRule, string> = {
  'whole-positive': 'a whole number of at least 1',
  positive: 'a number above 0',
  port: 'a port number (1-65535)',
  latitude: 'a latitude in degrees (-90 to 90)',
  longitude: 'a longitude in degrees (-180 to 180)',
};

function fits(value: number, rule: NumberRule): boolean {
  if (rule === 'latitude') return Number.isFinite(value) && Math.abs(value) <= 90;
  if (rule === 'longitude') return Number.isFinite(value) && Math.abs(value) <= 180;
  if (!Number.isFinite(value) || value <= 0) return false;
  if (rule === 'port') return Number.isInteger(value) && value <= 65_535;
  return rule === 'positive' || Number.isInteger(value);
}

export interface NumberOption {
  type: 'string';
  requiresArg: true;
  describe: string;
  coerce: (raw: unknown) => number;
}

/** One number; the last wins when repeated; anything else is a usage error quoting the text. */
export function number(
  rule: NumberRule,
  describe: string,
  extra?: OptionExtra,
): Named<NumberOption> {
  return (name) => ({
    // A string, not a number: yargs would turn "abc" into NaN before we could quote it.
    type: 'string',
    requiresArg: true,
    describe,
    ...extraOf(extra),
    coerce: (raw: unknown) => {
      const typed = valueText(name, raw);
      // A sign only where the rule allows values below zero (coordinates).
      const sign = rule === 'latitude' || rule === 'longitude' ? '[+-]?' : '[+]?';
      const shape = new RegExp(`^\\s*${sign}(\\d+\\.?\\d*|\\.\\d+)(e[+-]?\\d+)?\\s*$`, 'i');
      const value = shape.test(typed) ? Number(typed) : NaN;
      if (!fits(value, rule)) {
        throw new CliUsageError(`--${name} must be ${ruleText[rule]}, not ${echo(typed)}`);
      }
      return value;
    },
  });
}

export interface ChoiceOption<C extends string> {
  type: 'string';
  requiresArg: true;
  describe: string;
  choices: readonly C[];
  coerce: (raw: unknown) => C;
}
export interface ChoiceOptionWithDefault<C extends string> extends ChoiceOption<C> {
  default: C;
}

function choose<C extends string>(
  name: string,
  choices: readonly C[],
  raw: unknown,
  aliases: Readonly<Record<string, C>> = {},
): C {
  const typed = valueText(name, raw);
  const found = choices.find((choice) => choice === typed) ?? aliases[typed];
  if (found === undefined) {
    throw new CliUsageError(`--${name} must be one of ${choices.join(', ')}, not ${echo(typed)}`);
  }
  return found;
}

/** One of a fixed list; the last wins when repeated; one line naming the choices otherwise. */
/** Other spellings a choice accepts (the official CLI's `price_gpu` for our `price`). */
export interface ChoiceAliases<C extends string> {
  aliases?: Readonly<Record<string, NoInfer<C>>> | undefined;
}

export function oneOf<const C extends string>(
  choices: readonly C[],
  describe: string,
  extra?: OptionExtra & ChoiceAliases<C>,
): Named<ChoiceOption<C>>;
export function oneOf<const C extends string>(
  choices: readonly C[],
  describe: string,
  extra: OptionExtra & ChoiceAliases<C> & { default: NoInfer<C> },
): Named<ChoiceOptionWithDefault<C>>;
export function oneOf<const C extends string>(
  choices: readonly C[],
  describe: string,
  extra?: OptionExtra & ChoiceAliases<C> & { default?: C },
): Named<ChoiceOption<C> | ChoiceOptionWithDefault<C>> {
  return (name) => ({
    type: 'string',
    requiresArg: true,
    describe,
    // yargs checks the choices after coerce has mapped an alias onto one of them.
    choices,
    ...extraOf(extra),
    ...(extra?.default !== undefined ? { default: extra.default } : {}),
    coerce: (raw: unknown) => choose(name, choices, raw, extra?.aliases),
  });
}

export interface FlagOption {
  type: 'boolean';
  describe: string;
  default: boolean;
  coerce: (raw: unknown) => boolean;
}
export interface OptionalFlagOption {
  type: 'boolean';
  describe: string;
  coerce: (raw: unknown) => boolean | undefined;
}

/** A boolean (`--x`, `--no-x`); the last wins when repeated. */
export function flag(
  describe: string,
  extra?: OptionExtra & { default?: boolean },
): Named<FlagOption> {
  const fallback = extra?.default ?? false;
  return () => ({
    type: 'boolean',
    describe,
    default: fallback,
    ...extraOf(extra),
    coerce: (raw: unknown) => {
      const value = lastOf(raw);
      return typeof value === 'boolean' ? value : fallback;
    },
  });
}

/** A boolean without a default: undefined unless `--x` or `--no-x` was given. */
export function optionalFlag(describe: string, extra?: OptionExtra): Named<OptionalFlagOption> {
  return () => ({
    type: 'boolean',
    describe,
    ...extraOf(extra),
    coerce: (raw: unknown) => {
      const value = lastOf(raw);
      return typeof value === 'boolean' ? value : undefined;
    },
  });
}

export interface RepeatableOption {
  type: 'string';
  requiresArg: true;
  describe: string;
  coerce: (raw: unknown) => string[];
}

/**
 * A list: every `--name VALUE` adds one. Not yargs' `array: true`, which would swallow the
 * positionals after it (`lium exec 1 -e K=V nvidia-smi`).
 */
export function repeatable(describe: string, extra?: OptionExtra): Named<RepeatableOption> {
  return (name) => ({
    type: 'string',
    requiresArg: true,
    describe,
    ...extraOf(extra),
    coerce: (raw: unknown) => {
      const values = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
      return values.map((value) => valueText(name, value));
    },
  });
}

/** Names each helper's option: `options({ limit: number('whole-positive', '…') })`. */
export function options<S extends Record<string, Named<object>>>(
  specs: S,
): { [K in keyof S]: ReturnType<S[K]> } {
  return Object.fromEntries(Object.entries(specs).map(([name, spec]) => [name, spec(name)])) as {
    [K in keyof S]: ReturnType<S[K]>;
  };
}
