import { stripVTControlCharacters } from 'node:util';
import kleur from 'kleur';

/**
 * Decides whether one output stream gets colour, in the house order: the `--color`/`--no-color`
 * flag, then `NO_COLOR` (non-empty), then `FORCE_COLOR` (`0`/`false` off, anything else on),
 * then `TERM=dumb`, then whether that stream is a terminal.
 */
export function shouldUseColor(options: {
  flag: boolean | undefined;
  env: Readonly<Record<string, string | undefined>>;
  isTTY: boolean;
}): boolean {
  const { flag, env, isTTY } = options;
  if (flag !== undefined) return flag;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  if (env.TERM === 'dumb') return false;
  return isTTY;
}

export type Paint = (text: string) => string;

export interface Palette {
  readonly enabled: boolean;
  bold: Paint;
  dim: Paint;
  red: Paint;
  green: Paint;
  yellow: Paint;
  cyan: Paint;
  magenta: Paint;
  gray: Paint;
  /** A stable colour per position, for telling pods apart in interleaved output. */
  cycle(index: number): Paint;
}

const plain: Paint = (text) => text;

/**
 * kleur decides `enabled` once from stdout alone, which is wrong for stderr and for
 * `--no-color`; so kleur stays on and each stream gets its own palette that is either
 * kleur's colours or plain text.
 */
export function createPalette(enabled: boolean): Palette {
  kleur.enabled = true;
  const pick = (paint: Paint): Paint => (enabled ? paint : plain);
  const cycleColours: Paint[] = [
    (t: string) => kleur.cyan(t),
    (t: string) => kleur.magenta(t),
    (t: string) => kleur.yellow(t),
    (t: string) => kleur.green(t),
    (t: string) => kleur.blue(t),
    (t: string) => kleur.bold().cyan(t),
    (t: string) => kleur.bold().magenta(t),
  ].map(pick);
  return {
    enabled,
    bold: pick((t) => kleur.bold(t)),
    dim: pick((t) => kleur.dim(t)),
    red: pick((t) => kleur.red(t)),
    green: pick((t) => kleur.green(t)),
    yellow: pick((t) => kleur.yellow(t)),
    cyan: pick((t) => kleur.cyan(t)),
    magenta: pick((t) => kleur.magenta(t)),
    gray: pick((t) => kleur.gray(t)),
    cycle: (index) => cycleColours[index % cycleColours.length] ?? plain,
  };
}

/** Removes ANSI colour and cursor codes, for anything that must stay plain (JSON, widths). */
export function stripAnsi(text: string): string {
  return stripVTControlCharacters(text);
}
