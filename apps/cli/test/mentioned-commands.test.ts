import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCommandLine } from '../src/cli.ts';
import { commandName, findCommand, GLOBAL_OPTIONS } from '../src/commands/index.ts';
import { commandOptions } from '../src/completion.ts';
import { bareContext, CaptureStream, makeSandbox } from './helpers.ts';

/**
 * Every `lium …` that a hint, an error message, a help example or a README tells the user to
 * type must name a command lium has, with options it declares. Each one found is checked
 * against the registry and run through the real parser (nothing is executed).
 */

const ROOT = join(import.meta.dirname, '../../..');
const SKIP_DIRS = new Set(['node_modules', 'dist', '.turbo', '.git', 'test', 'bench', 'coverage']);

/**
 * Mentions that name something another branch adds, each with where. (Remove the entry when
 * that lands: the test then checks the real command.)
 */
const PENDING: Record<string, string> = {
  'ssh --reset-host-key': 'issue #11 item 8: `lium ssh TARGET --reset-host-key` (reliab branch)',
};

function filesUnder(dir: string, name: RegExp): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir)) {
    if (SKIP_DIRS.has(entry)) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) found.push(...filesUnder(path, name));
    else if (name.test(entry) && !entry.endsWith('.test.ts')) found.push(path);
  }
  return found;
}

function sources(): string[] {
  const code = ['apps', 'packages'].flatMap((dir) => filesUnder(join(ROOT, dir), /\.ts$/));
  const readmes = [
    join(ROOT, 'README.md'),
    ...['apps', 'packages'].flatMap((dir) => filesUnder(join(ROOT, dir), /^README\.md$/)),
    // Not docs/lium-api.md: it is the reference of the official (Python) client's commands.
    join(ROOT, 'docs/architecture.md'),
  ];
  return [...code, ...readmes];
}

/** `lium …` spans: in backticks (also escaped inside template literals), examples, shell lines. */
export function mentions(text: string): string[] {
  const plain = text.replace(/\\`/g, '`');
  const found = [
    ...[...plain.matchAll(/`(lium [^`\n]+)`/g)].map((m) => m[1] as string),
    ...[...plain.matchAll(/\.example\(\s*'(lium [^'\n]+)'/g)].map((m) => m[1] as string),
    ...[...plain.matchAll(/^\s*(?:\$ )?(lium [^\n#]+)/gm)].map((m) => m[1] as string),
  ];
  return found.map((line) => line.split(/\s(?:\||&&|;|>|2>)\s/)[0]?.trim() ?? '');
}

/**
 * Shell-like words, with placeholders (`<#>`, `${…}`, `[--x Y]`, `a|b`, `...`) made into plain
 * values: a synopsis becomes one command line it describes.
 */
export function wordsOf(line: string): string[] | undefined {
  const filled = line
    .replace(/\$\{[^}]*\}/g, 'x')
    .replace(/config <[^>]*>/g, 'config show')
    .replace(/<[^>]*>/g, '1')
    .replace(/\[([^\]]*)\]/g, '$1')
    .replace(/([\w-]+)(?:\\?\|[\w-]+)+/g, '$1')
    .replace(/ \\?\| --[\w-]+(?: "[^"]*"| [^\s"]+)?/g, '')
    .replace(/ ?\.\.\.|…/g, '');
  const words = [...filled.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map(
    (m) => m[1] ?? m[2] ?? m[3] ?? '',
  );
  if (words[0] !== 'lium') return undefined;
  return words.slice(1).map((word) => word.replace(/[.,)]+$/, ''));
}

/** The options a command line names that its command does not declare. */
async function unknownOptions(argv: readonly string[]): Promise<string[]> {
  const entry = findCommand(argv[0] ?? '');
  // exec hands options it does not know to the remote command.
  if (!entry || commandName(entry) === 'exec') return [];
  const known = new Set(['--help', '-h', '--version']);
  for (const option of await commandOptions(commandName(entry), bareContext())) {
    known.add(`--${option.name}`);
    if (option.boolean) known.add(`--no-${option.name}`);
    for (const alias of option.aliases) known.add(alias.length === 1 ? `-${alias}` : `--${alias}`);
  }
  for (const [name, option] of Object.entries(GLOBAL_OPTIONS)) {
    known.add(`--${name}`);
    if (option.type === 'boolean') known.add(`--no-${name}`);
    if ('alias' in option && typeof option.alias === 'string') known.add(`-${option.alias}`);
  }
  return argv.filter((word) => /^--?[a-z]/i.test(word) && !known.has(word.split('=')[0] ?? ''));
}

describe('commands the docs and messages mention', () => {
  it('reads mentions and synopses', () => {
    expect(mentions('Run \\`lium ps\\` first')).toEqual(['lium ps']);
    expect(wordsOf('lium up <#> --image <template id>')).toEqual(['up', '1', '--image', '1']);
    expect(wordsOf('lium ls [GPU] [--sort price|gpus] [--exclude PAT ...]')).toEqual([
      'ls',
      'GPU',
      '--sort',
      'price',
      '--exclude',
      'PAT',
    ]);
  });

  it('every one names a command and options lium has', async () => {
    const sandbox = makeSandbox();
    const problems: string[] = [];
    let checked = 0;
    try {
      for (const file of sources()) {
        for (const line of mentions(readFileSync(file, 'utf8'))) {
          const argv = wordsOf(line);
          // `lium <command> [options]`, log prefixes (`lium emulator: …`), the hidden completer.
          const first = argv?.[0] ?? '';
          if (!argv || /^(-|1$|x$|__complete$)|:$/.test(first)) continue;
          const unknown = await unknownOptions(argv);
          if (unknown.some((option) => PENDING[`${first} ${option}`])) continue;
          const stream = new CaptureStream();
          const refused = await checkCommandLine(argv, {
            stdout: stream,
            stderr: stream,
            stdin: process.stdin,
            env: sandbox.env,
            cwd: sandbox.dir,
          });
          checked += 1;
          const where = `${relative(ROOT, file)}: \`${line}\``;
          if (unknown.length > 0) problems.push(`${where} → unknown option ${unknown.join(', ')}`);
          // A mention may name a command without all its arguments (`lium exec`): only an
          // unknown command or option is wrong there.
          if (refused && /^Unknown /.test(refused)) problems.push(`${where} → ${refused}`);
        }
      }
    } finally {
      sandbox.cleanup();
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(30);
  });
});
