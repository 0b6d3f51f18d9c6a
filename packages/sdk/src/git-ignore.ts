/**
 * gitignore(5) patterns, as git reads them: blank lines and `#` comments are skipped, `!`
 * re-includes, a trailing `/` matches directories only, a `/` at the start or in the middle
 * anchors the pattern at the directory of the file it is in (otherwise it matches a name at any
 * depth below it), `*` `?` `[…]` never cross a `/`, and `**` does (`**​/x`, `x/**`, `a/**​/b`).
 * The last matching rule wins; deeper files come later, so they win over the ones above.
 */

export interface IgnoreRule {
  /** `!pattern`: a match re-includes. */
  negate: boolean;
  /** `pattern/`: matches directories only. */
  dirOnly: boolean;
  /** Directory of the ignore file, relative to the root (`''` at the root, else `a/b`). */
  base: string;
  /** Matches the path relative to `base`. */
  regex: RegExp;
}

/** A character class `[…]` starting at `glob[start]`, as a regex, and where it ends. */
function charClass(glob: string, start: number): { regex: string; end: number } | undefined {
  let i = start + 1;
  let body = '';
  if (glob[i] === '!' || glob[i] === '^') {
    body += '^';
    i++;
  }
  if (glob[i] === ']') {
    body += '\\]';
    i++;
  }
  for (; i < glob.length; i++) {
    const char = glob[i] as string;
    if (char === ']') return { regex: `(?!/)[${body}]`, end: i };
    if (char === '\\' && i + 1 < glob.length) body += `\\${glob[++i]}`;
    else body += char === '\\' || char === '[' ? `\\${char}` : char;
  }
  return undefined;
}

/** One pattern (no leading `/`, no trailing `/`) as a regex body over a relative path. */
function globToRegex(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i] as string;
    if (char === '*' && glob[i + 1] === '*') {
      const atStart = i === 0 || glob[i - 1] === '/';
      const atEnd = i + 2 === glob.length || glob[i + 2] === '/';
      if (atStart && atEnd) {
        if (i + 2 === glob.length) {
          out += '.*'; // `x/**`: everything inside
          i += 1;
        } else {
          out += '(?:.*/)?'; // `**/x`, `a/**/b`: zero or more directories
          i += 2;
        }
        continue;
      }
      out += '[^/]*'; // any other `**` is two ordinary stars
      i += 1;
    } else if (char === '*') {
      out += '[^/]*';
    } else if (char === '?') {
      out += '[^/]';
    } else if (char === '[') {
      const found = charClass(glob, i);
      if (found) {
        out += found.regex;
        i = found.end;
      } else {
        out += '\\[';
      }
    } else if (char === '\\' && i + 1 < glob.length) {
      out += (glob[++i] as string).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else {
      out += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return out;
}

/** Trailing spaces are dropped unless escaped with a backslash. */
function trimTrailingSpaces(line: string): string {
  let end = line.length;
  while (end > 0 && line[end - 1] === ' ' && line[end - 2] !== '\\') end--;
  return line.slice(0, end);
}

/** The rules of one ignore file in directory `base` (`''` for the root). */
export function parseIgnoreFile(text: string, base = ''): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = trimTrailingSpaces(raw);
    if (line === '' || line.startsWith('#')) continue;
    const negate = line.startsWith('!');
    if (negate) line = line.slice(1);
    else if (line.startsWith('\\!') || line.startsWith('\\#')) line = line.slice(1);
    const dirOnly = line.endsWith('/') && !line.endsWith('\\/');
    if (dirOnly) line = line.replace(/\/+$/, '');
    if (line === '') continue;
    const anchored = line.includes('/');
    if (line.startsWith('/')) line = line.slice(1);
    const body = globToRegex(line);
    rules.push({
      negate,
      dirOnly,
      base,
      regex: new RegExp(anchored ? `^${body}$` : `^(?:.*/)?${body}$`),
    });
  }
  return rules;
}

/**
 * Whether `path` (relative to the root, `/`-separated) is ignored by `rules` (in the order git
 * reads them: the root's file first, deeper files later): the last rule that matches decides;
 * undefined when none does. Whether a parent directory is ignored is the caller's to check
 * first (git never looks inside an ignored directory, so nothing in it can be re-included).
 */
export function ignoredBy(
  rules: readonly IgnoreRule[],
  path: string,
  isDir: boolean,
): boolean | undefined {
  for (let i = rules.length - 1; i >= 0; i--) {
    const rule = rules[i] as IgnoreRule;
    if (rule.dirOnly && !isDir) continue;
    let relative = path;
    if (rule.base !== '') {
      if (!path.startsWith(`${rule.base}/`)) continue;
      relative = path.slice(rule.base.length + 1);
    }
    if (rule.regex.test(relative)) return !rule.negate;
  }
  return undefined;
}
