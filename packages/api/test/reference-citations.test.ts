/**
 * Every citation of the API reference in a comment resolves in docs/lium-api.md: `§2.2.1`
 * (a heading), `§6.7` (item 7 of section 6's numbered list), `Appendix A`, and the source tags
 * `[L]`, `[N]`, `[S]`, … of its legend (§0).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const DIRS = ['packages', 'apps', 'test-support', 'bench', 'scripts', 'docs'];
const SKIP = new Set(['node_modules', 'dist', '.turbo']);

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const entry of entries) {
    if (SKIP.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await files(path)));
    else if (/\.(ts|mjs|md)$/.test(entry.name) && entry.name !== 'lium-api.md') out.push(path);
  }
  return out;
}

async function reference() {
  const text = await readFile(join(root, 'docs', 'lium-api.md'), 'utf8');
  const sections = new Set<string>();
  const listItems = new Set<string>();
  let top: string | undefined;
  for (const line of text.split('\n')) {
    const heading = /^#{2,4} (\d+(?:\.\d+)*)\.? /.exec(line);
    if (heading?.[1]) {
      sections.add(heading[1]);
      top = heading[1].split('.')[0];
      continue;
    }
    if (/^## /.test(line)) top = undefined;
    const item = /^(\d+)\. /.exec(line);
    if (item?.[1] && top) listItems.add(`${top}.${item[1]}`);
  }
  const tags = new Set([...text.matchAll(/^\| \*\*\[([A-Z]\d?)\]\*\*/gm)].map((m) => m[1]));
  return { text, sections, listItems, tags };
}

describe('docs/lium-api.md', () => {
  it('resolves every §, Appendix and source-tag citation in the code and docs', async () => {
    const ref = await reference();
    const broken: string[] = [];
    for (const dir of DIRS) {
      for (const file of await files(join(root, dir))) {
        const text = await readFile(file, 'utf8');
        const where = relative(root, file);
        for (const m of text.matchAll(/§\s?(\d+(?:\.\d+)*)/g)) {
          const id = m[1] as string;
          if (!ref.sections.has(id) && !ref.listItems.has(id)) broken.push(`${where}: §${id}`);
        }
        for (const m of text.matchAll(/Appendix ([A-Z])\b/g)) {
          if (!ref.text.includes(`## Appendix ${m[1]}.`)) broken.push(`${where}: Appendix ${m[1]}`);
        }
        // Source tags only where the reference is cited (a comment naming it or a §).
        if (!/lium-api\.md|reference §|§\d/.test(text)) continue;
        for (const m of text.matchAll(/\[(U|C0|S|L1|L|N|K)\](?!\()/g)) {
          if (!ref.tags.has(m[1] as string)) broken.push(`${where}: [${m[1]}]`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it('has its source legend', async () => {
    const ref = await reference();
    expect([...ref.tags].sort()).toEqual(['C0', 'K', 'L', 'L1', 'N', 'S', 'U']);
  });
});
