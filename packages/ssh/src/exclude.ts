/**
 * rsync's exclude rules, the common subset: `*` and `?` stop at `/`, `**` crosses it, `[…]`
 * classes; a trailing `/` matches directories only; a leading `/` anchors at the sync root; a
 * pattern with an inner `/` or `**` matches the end of the relative path, otherwise the last
 * component. An excluded directory excludes everything below it.
 */
export type ExcludeMatcher = (relative: string, isDir: boolean) => boolean;

function globToRegex(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i] as string;
    if (char === '*') {
      if (glob[i + 1] === '*') {
        out += '.*';
        i++;
      } else {
        out += '[^/]*';
      }
    } else if (char === '?') {
      out += '[^/]';
    } else if (char === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) {
        out += '\\[';
      } else {
        const body = glob
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\');
        out += `[${body}]`;
        i = end;
      }
    } else if (char === '\\' && i + 1 < glob.length) {
      out += `\\${glob[++i]}`;
    } else {
      out += char.replace(/[.+^${}()|\\]/g, '\\$&');
    }
  }
  return out;
}

/** Compiles rsync-style exclude patterns into a matcher of `/`-separated relative paths. */
export function excludeMatcher(patterns: string[] = []): ExcludeMatcher {
  const rules = patterns
    .filter((pattern) => pattern.trim() !== '')
    .map((pattern) => {
      const dirOnly = pattern.endsWith('/');
      let body = dirOnly ? pattern.slice(0, -1) : pattern;
      const anchored = body.startsWith('/');
      if (anchored) body = body.slice(1);
      const wholePath = anchored || body.includes('/') || body.includes('**');
      const regex = new RegExp(
        anchored
          ? `^${globToRegex(body)}$`
          : wholePath
            ? `(^|/)${globToRegex(body)}$`
            : `^${globToRegex(body)}$`,
      );
      return { dirOnly, wholePath, regex };
    });
  const matchesItself = (relative: string, isDir: boolean) =>
    rules.some((rule) => {
      if (rule.dirOnly && !isDir) return false;
      const subject = rule.wholePath ? relative : relative.slice(relative.lastIndexOf('/') + 1);
      return rule.regex.test(subject);
    });
  return (relative, isDir) => {
    if (rules.length === 0) return false;
    const parts = relative.split('/');
    for (let depth = 1; depth < parts.length; depth++) {
      if (matchesItself(parts.slice(0, depth).join('/'), true)) return true;
    }
    return matchesItself(relative, isDir);
  };
}
