import type { Stats } from 'node:fs';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const SIX_MONTHS_MS = 182 * 24 * 3600 * 1000;

/** The `ls -l` style line SFTP v3 clients show (`sftp> ls -l`), as OpenSSH's sftp-server does. */
export function longName(name: string, stats: Stats, now = Date.now()): string {
  const date = new Date(stats.mtimeMs);
  const recent = Math.abs(now - stats.mtimeMs) < SIX_MONTHS_MS;
  const day = String(date.getUTCDate()).padStart(2, ' ');
  const when = recent
    ? `${String(date.getUTCHours()).padStart(2, '0')}:${String(date.getUTCMinutes()).padStart(2, '0')}`
    : ` ${date.getUTCFullYear()}`;
  const owner = stats.uid === 0 ? 'root' : String(stats.uid);
  const group = stats.gid === 0 ? 'root' : String(stats.gid);
  return [
    modeString(stats.mode),
    String(stats.nlink).padStart(3, ' '),
    owner.padEnd(8, ' '),
    group.padEnd(8, ' '),
    String(stats.size).padStart(8, ' '),
    `${MONTHS[date.getUTCMonth()]} ${day} ${when}`,
    name,
  ].join(' ');
}

function modeString(mode: number): string {
  const type =
    (mode & 0o170000) === 0o040000
      ? 'd'
      : (mode & 0o170000) === 0o120000
        ? 'l'
        : (mode & 0o170000) === 0o020000
          ? 'c'
          : (mode & 0o170000) === 0o060000
            ? 'b'
            : (mode & 0o170000) === 0o010000
              ? 'p'
              : (mode & 0o170000) === 0o140000
                ? 's'
                : '-';
  let bits = '';
  for (const shift of [6, 3, 0]) {
    const triplet = (mode >> shift) & 7;
    bits += triplet & 4 ? 'r' : '-';
    bits += triplet & 2 ? 'w' : '-';
    bits += triplet & 1 ? 'x' : '-';
  }
  return type + bits;
}
