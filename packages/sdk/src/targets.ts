import { LiumTargetError } from './errors.ts';

/**
 * Target specs shared by every command that takes pods or executors: `2`, `1,3`, `1-3`,
 * `all`, a HUID, a name, an id, or a comma list mixing them. Indices are 1-based and refer to
 * a snapshot (the rows the user last saw), never to a fresh unordered list (reference §6.7).
 */
export type TargetToken =
  | {
      /** A 1-based index into the snapshot (`2`, or one of a range). */
      kind: 'index';
      /** The index, from 1. */
      index: number;
      /** The part of the spec it came from. */
      text: string;
    }
  | {
      /** `all`: every candidate. */
      kind: 'all';
      /** The part of the spec it came from. */
      text: string;
    }
  | {
      /** A HUID, name or id, matched against the live list. */
      kind: 'text';
      /** The text as given. */
      text: string;
    };

/** Ranges larger than this are refused rather than expanded (`1-99999999`). */
const MAX_RANGE = 10_000;

/** Splits a target spec (`1,3`, `1-3`, `all`, names) into tokens; ranges are expanded, bad ones throw. */
export function parseTargetSpec(spec: string): TargetToken[] {
  const parts = spec
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  if (parts.length === 0) {
    throw new LiumTargetError('No target given', {
      code: 'target_invalid',
      hint: 'Name a target: an index such as 1, a list 1,2, a range 1-3, all, a HUID, a name or an id.',
    });
  }
  const tokens: TargetToken[] = [];
  for (const text of parts) {
    if (/^all$/i.test(text)) {
      tokens.push({ kind: 'all', text });
    } else if (/^\d+$/.test(text)) {
      tokens.push({ kind: 'index', index: indexFrom(text), text });
    } else if (/^\d+\s*-\s*\d+$/.test(text)) {
      const [from, to] = text.split('-').map((n) => indexFrom(n.trim())) as [number, number];
      if (to < from || to - from >= MAX_RANGE) {
        throw new LiumTargetError(`Invalid range "${text}"`, {
          code: 'target_invalid',
          hint: 'Write ranges low to high, e.g. 1-3.',
        });
      }
      for (let index = from; index <= to; index++) tokens.push({ kind: 'index', index, text });
    } else {
      tokens.push({ kind: 'text', text });
    }
  }
  return tokens;
}

function indexFrom(text: string): number {
  const index = Number(text);
  if (!Number.isSafeInteger(index) || index < 1) {
    throw new LiumTargetError(`Invalid index "${text}"`, {
      code: 'target_invalid',
      hint: 'Indices start at 1.',
    });
  }
  return index;
}

/** What a resolver needs to know about one candidate. */
export interface Targetable {
  /** The thing's id. */
  id: string;
  /** Its human-readable id. */
  huid: string;
  /** Its name, when it has one. */
  name?: string;
}

/** Options of {@link resolveTargets}. */
export interface ResolveOptions<T extends Targetable> {
  /** What the things are called in messages: `pod`, `executor`. */
  noun: string;
  /** The live list: everything that exists now. */
  live: readonly T[];
  /** Ids in the order the user last saw them; undefined when there is no snapshot. */
  snapshot: readonly string[] | undefined;
  /** Why there is no usable snapshot, for the error (missing, expired). */
  snapshotProblem?: string | undefined;
  /**
   * What makes a snapshot, as the caller's user knows it: the CLI passes `lium ps`; the SDK's
   * default is the method (`lium.rememberPods()`).
   */
  listCommand: string;
  /** Whether `all` is accepted. */
  allowAll: boolean;
}

export function label(item: Targetable): string {
  return item.name ? `${item.huid} (${item.name})` : `${item.huid} (${item.id})`;
}

function listLabels(items: readonly Targetable[], max = 20): string[] {
  const labels = items.slice(0, max).map(label);
  if (items.length > max) labels.push(`… and ${items.length - max} more`);
  return labels;
}

/** Matches one free-text target: exact id, then HUID, then name, then a unique id prefix. */
function matchText<T extends Targetable>(text: string, live: readonly T[]): T[] {
  const lower = text.toLowerCase();
  const byId = live.filter((item) => item.id.toLowerCase() === lower);
  if (byId.length > 0) return byId;
  const byHuid = live.filter((item) => item.huid === lower);
  if (byHuid.length > 0) return byHuid;
  const byName = live.filter((item) => item.name !== undefined && item.name === text);
  if (byName.length > 0) return byName;
  if (text.length >= 6) {
    return live.filter((item) => item.id.toLowerCase().startsWith(lower));
  }
  return [];
}

/**
 * Resolves a target spec against the live list (and the snapshot for indices). Every target
 * must name exactly one live item; duplicates in the result are removed, order kept.
 */
export function resolveTargets<T extends Targetable>(
  spec: string,
  options: ResolveOptions<T>,
): T[] {
  const { noun, live, snapshot } = options;
  const byId = new Map(live.map((item) => [item.id, item]));
  const result = new Map<string, T>();
  for (const token of parseTargetSpec(spec)) {
    if (token.kind === 'all') {
      if (!options.allowAll) {
        throw new LiumTargetError(`"all" is not accepted for ${noun}s`, { code: 'target_invalid' });
      }
      if (live.length === 0) {
        throw new LiumTargetError(`You have no ${noun}s`, { code: 'target_not_found' });
      }
      const ordered = snapshot
        ? [
            ...snapshot.flatMap((id) => byId.get(id) ?? []),
            ...live.filter((item) => !snapshot.includes(item.id)),
          ]
        : live;
      for (const item of ordered) result.set(item.id, item);
      continue;
    }
    if (token.kind === 'index') {
      if (!snapshot) {
        throw new LiumTargetError(
          `Cannot resolve ${noun} index ${token.index}: ${options.snapshotProblem ?? 'no list was shown yet'}`,
          {
            code: 'no_snapshot',
            hint: `Run \`${options.listCommand}\` first, or name the ${noun} by HUID, name or id.`,
          },
        );
      }
      const id = snapshot[token.index - 1];
      if (id === undefined) {
        throw new LiumTargetError(
          `There is no ${noun} #${token.index}; the last \`${options.listCommand}\` showed ${snapshot.length}`,
          {
            code: 'target_not_found',
            hint:
              snapshot.length === 0
                ? `It listed none: run \`${options.listCommand}\` again, or name the ${noun} by HUID, name or id.`
                : `Use an index from 1 to ${snapshot.length}.`,
          },
        );
      }
      const item = byId.get(id);
      if (!item) {
        throw new LiumTargetError(
          `${noun[0]?.toUpperCase()}${noun.slice(1)} #${token.index} of the last \`${options.listCommand}\` (${id}) no longer exists`,
          {
            code: 'target_not_found',
            hint: `Run \`${options.listCommand}\` again to see what is there now.`,
            candidates: listLabels(live),
          },
        );
      }
      result.set(item.id, item);
      continue;
    }
    const match = resolveText(token.text, live, noun);
    result.set(match.id, match);
  }
  return [...result.values()];
}

/**
 * The one item a free-text target (id, HUID, name, id prefix) names; throws `target_not_found`
 * listing what exists, or `target_ambiguous` listing what matched.
 */
export function resolveText<T extends Targetable>(
  text: string,
  live: readonly T[],
  noun: string,
): T {
  const matches = matchText(text, live);
  if (matches.length === 0) {
    throw new LiumTargetError(`No ${noun} matches "${text}"`, {
      code: 'target_not_found',
      hint:
        live.length > 0
          ? `Existing ${noun}s: ${listLabels(live, 10).join(', ')}`
          : `You have no ${noun}s.`,
      candidates: listLabels(live),
    });
  }
  if (matches.length > 1) {
    throw new LiumTargetError(`"${text}" matches ${matches.length} ${noun}s`, {
      code: 'target_ambiguous',
      hint: `Name one by id: ${matches.map((m) => `${m.id} ${label(m)}`).join(', ')}`,
      candidates: listLabels(matches),
    });
  }
  return matches[0] as T;
}
