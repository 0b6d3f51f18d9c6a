/**
 * The sync's ignore rules against git itself: for each case a real temp repository is laid out,
 * and what `selectSyncPaths` sends must be exactly what `git ls-files --others --exclude-standard`
 * lists (untracked and not ignored), and every path it leaves out must be one `git check-ignore`
 * ignores.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ignoredBy, parseIgnoreFile } from './git-ignore.ts';
import { selectSyncPaths, syncExcludes } from './run-ignore.ts';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** A directory with these files (path → content), a git repository when `git` is set. */
function tree(files: Record<string, string>, git = true): string {
  const root = mkdtempSync(join(tmpdir(), 'lium-ignore-'));
  roots.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  if (git) runGit(root, ['init', '-q']);
  return root;
}

function runGit(cwd: string, args: string[], allowFail = false): string {
  try {
    return execFileSync('git', args, {
      cwd,
      encoding: 'utf8',
      // No user or system config (a global excludesFile would change the answers).
      env: {
        PATH: process.env.PATH ?? '',
        HOME: cwd,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
      },
    });
  } catch (error) {
    if (allowFail) return (error as { stdout?: string }).stdout ?? '';
    throw error;
  }
}

/** What git would add: untracked files that are not ignored. */
function gitSends(root: string, perDirectory = '.gitignore'): string[] {
  const args = ['ls-files', '--others', '-z'];
  args.push(
    perDirectory === '.gitignore'
      ? '--exclude-standard'
      : `--exclude-per-directory=${perDirectory}`,
  );
  return runGit(root, args).split('\0').filter(Boolean).sort();
}

/** The subset of `paths` git ignores. */
function gitIgnores(root: string, paths: string[]): string[] {
  if (paths.length === 0) return [];
  const out = runGit(root, ['check-ignore', '--no-index', ...paths], true);
  return out.split('\n').filter(Boolean).sort();
}

const CASES: [string, Record<string, string>][] = [
  [
    'plain names match at any depth',
    { '.gitignore': '*.log\n', 'a.log': '', 'src/b.log': '', 'src/c.txt': '' },
  ],
  [
    'a trailing slash is for directories only',
    { '.gitignore': 'build/\n', 'build/x': '', 'src/build/y': '', 'other/build': '' },
  ],
  [
    'a slash anchors at the file’s directory',
    {
      '.gitignore': '/top.txt\ndoc/*.md\n',
      'top.txt': '',
      'sub/top.txt': '',
      'doc/a.md': '',
      'doc/deep/b.md': '',
      'x/doc/c.md': '',
    },
  ],
  [
    'negation: the later rule wins',
    {
      '.gitignore': '*.txt\n!keep.txt\n',
      'a.txt': '',
      'keep.txt': '',
      'sub/keep.txt': '',
      'sub/b.txt': '',
    },
  ],
  [
    'negation before the rule loses',
    { '.gitignore': '!keep.txt\n*.txt\n', 'keep.txt': '', 'b.md': '' },
  ],
  [
    'an excluded directory cannot be re-included by a file rule',
    {
      '.gitignore': 'data/\n!data/keep.csv\n',
      'data/keep.csv': '',
      'data/x.csv': '',
      'main.py': '',
    },
  ],
  [
    'but data/* with !data/keep.csv re-includes it',
    {
      '.gitignore': 'data/*\n!data/keep.csv\n',
      'data/keep.csv': '',
      'data/x.csv': '',
      'data/sub/y.csv': '',
    },
  ],
  [
    'nested .gitignore files apply below them',
    {
      '.gitignore': '*.tmp\n',
      'sub/.gitignore': '*.bin\n!x.tmp\n',
      'a.bin': '',
      'sub/b.bin': '',
      'sub/x.tmp': '',
      'sub/y.tmp': '',
      'z.tmp': '',
    },
  ],
  [
    'a nested file’s anchored rule is relative to it',
    {
      'sub/.gitignore': '/local\nnested/deep.txt\n',
      local: '',
      'sub/local': '',
      'sub/x/local': '',
      'sub/nested/deep.txt': '',
      'nested/deep.txt': '',
    },
  ],
  [
    '** crosses directories',
    {
      '.gitignore': '**/cache\nlogs/**\na/**/z.txt\n',
      'cache/x': '',
      'src/cache/y': '',
      'logs/a/b.txt': '',
      'logs.txt': '',
      'a/z.txt': '',
      'a/b/c/z.txt': '',
      'b/z.txt': '',
    },
  ],
  [
    'wildcards, classes and escapes',
    {
      '.gitignore': 'file?.[ch]\n[!a]*.o\n\\#hash\n\\!bang\ntrail\\ \n',
      'file1.c': '',
      'file12.c': '',
      'file2.h': '',
      'a.o': '',
      'b.o': '',
      '#hash': '',
      '!bang': '',
      'trail ': '',
      trail: '',
    },
  ],
  [
    'comments, blank lines and trailing spaces',
    { '.gitignore': '# comment\n\n*.pyc   \n', 'x.pyc': '', '# comment': '', 'y.py': '' },
  ],
  [
    're-including a directory pattern',
    { '.gitignore': 'out*/\n!out-keep/\n', 'out1/a': '', 'out-keep/b': '', outfile: '' },
  ],
];

describe('sync ignore rules agree with git', () => {
  it.each(CASES)('%s', async (_name, files) => {
    const root = tree(files);
    const selection = await selectSyncPaths(root);
    expect(selection.files.sort()).toEqual(gitSends(root));
    // `.git` is left out by us, never by an ignore rule (git refuses to be asked about it).
    const leftOut = selection.excluded
      .map((path) => path.replace(/\/$/, ''))
      .filter((path) => path !== '.git');
    expect(gitIgnores(root, leftOut)).toEqual([...leftOut].sort());
  });

  it('.liumignore works like a .gitignore read after it (git with it as the per-directory file)', async () => {
    const files = {
      '.liumignore': '*.ckpt\n!best.ckpt\n',
      'sub/.liumignore': 'raw/\n',
      'a.ckpt': '',
      'best.ckpt': '',
      'sub/raw/x': '',
      'sub/y': '',
    };
    const root = tree(files);
    const selection = await selectSyncPaths(root);
    expect(selection.files.sort()).toEqual(gitSends(root, '.liumignore'));
    // .liumignore wins over .gitignore in the same directory: it is read after it.
    const both = tree({
      '.gitignore': '*.ckpt\n',
      '.liumignore': '!best.ckpt\n',
      'best.ckpt': '',
      'a.ckpt': '',
    });
    expect((await selectSyncPaths(both)).files).toContain('best.ckpt');
    expect((await selectSyncPaths(both)).files).not.toContain('a.ckpt');
  });

  it('never sends .env* unless asked, whatever the ignore files say; never .git or lium-runs/', async () => {
    const root = tree({
      '.gitignore': '!.env\n',
      '.env': 'S=1',
      'sub/.env.local': 'S=2',
      'lium-runs/p/out': '',
      'sub/lium-runs/x': '',
      'main.py': '',
    });
    const sent = (await selectSyncPaths(root)).files;
    expect(sent).toEqual(['.gitignore', 'main.py', 'sub/lium-runs/x']);
    const withEnv = (await selectSyncPaths(root, { includeEnv: true })).files;
    expect(withEnv).toContain('.env');
    expect(withEnv).toContain('sub/.env.local');
  });

  it('turns what is left out into anchored rsync excludes, escaping wildcards in names', async () => {
    const root = tree(
      {
        '.gitignore': 'data/\n*.log\n',
        'data/x': '',
        'a.log': '',
        'we*ird.log': '',
        'src/b.log': '',
      },
      false,
    );
    const excludes = await syncExcludes(root, { extra: ['*.tmp'] });
    expect(excludes).toEqual(
      expect.arrayContaining(['/a.log', '/data/', '/src/b.log', '/we\\*ird.log', '.env*', '*.tmp']),
    );
  });

  it('ignoredBy is undefined when no rule matches', () => {
    const rules = parseIgnoreFile('*.log\n', 'sub');
    expect(ignoredBy(rules, 'a.log', false)).toBeUndefined();
    expect(ignoredBy(rules, 'sub/a.log', false)).toBe(true);
  });
});
