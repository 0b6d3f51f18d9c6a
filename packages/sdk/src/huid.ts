import * as crypto from 'node:crypto';

/**
 * Word lists of the seed SDK (`unconst/lium` 0.2.0, `lium/helpers.py` `generate_human_id`).
 * The order matters: a HUID indexes into these lists, so reordering changes every name.
 */
const ADJECTIVES = [
  'swift',
  'silent',
  'brave',
  'bright',
  'calm',
  'clever',
  'eager',
  'fierce',
  'gentle',
  'grand',
  'happy',
  'jolly',
  'kind',
  'lively',
  'merry',
  'noble',
  'proud',
  'silly',
  'witty',
  'zesty',
  'cosmic',
  'digital',
  'electric',
  'frozen',
  'golden',
  'hydro',
  'iron',
  'laser',
  'lunar',
  'solar',
] as const;

const NOUNS = [
  'hawk',
  'lion',
  'tiger',
  'eagle',
  'fox',
  'wolf',
  'shark',
  'viper',
  'cobra',
  'falcon',
  'jaguar',
  'leopard',
  'lynx',
  'panther',
  'puma',
  'cougar',
  'condor',
  'raven',
  'photon',
  'quasar',
  'vector',
  'matrix',
  'cipher',
  'pixel',
  'comet',
  'nebula',
  'nova',
  'orbit',
  'axiom',
  'sphinx',
] as const;

/**
 * The md5 of `text` in hex: the one-shot `crypto.hash` (Node 20.12+) where there is one, about
 * 8x cheaper than a `createHash` object per id on cold code (`lium ls` names 1 000 executors).
 */
const md5Hex: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('md5', text, 'hex')
    : (text) => crypto.createHash('md5').update(text, 'utf8').digest('hex');

/** What the seed returns for an empty id. */
export const INVALID_HUID = 'invalid-id-huid';

/**
 * A short human name for an id, e.g. `noble-matrix-a3`: md5 of the id, adjective from hex
 * digits 0–3, noun from hex digits 4–7, then the digest's last two hex digits. Same algorithm
 * and word lists as the seed SDK, so a name seen there names the same pod here.
 */
export function generateHumanId(id: string): string {
  if (!id) return INVALID_HUID;
  const hex = md5Hex(id);
  const adjective = ADJECTIVES[Number.parseInt(hex.slice(0, 4), 16) % ADJECTIVES.length];
  const noun = NOUNS[Number.parseInt(hex.slice(4, 8), 16) % NOUNS.length];
  return `${adjective}-${noun}-${hex.slice(-2)}`;
}

/** True when `text` has the shape of a HUID (`word-word-xx`, lower-case, two hex digits). */
export function looksLikeHumanId(text: string): boolean {
  return /^[a-z]+-[a-z]+-[0-9a-f]{2}$/.test(text);
}
