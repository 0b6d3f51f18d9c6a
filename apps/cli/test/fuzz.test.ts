import { seededRandom } from '@lium/test-support/random';
import { describe, expect, it } from 'vitest';
import { commandName, commands, GLOBAL_OPTIONS } from '../src/commands/index.ts';
import { commandOptions } from '../src/completion.ts';
import { bareContext, type RunResult, useEmulatorWorld } from './helpers.ts';

/**
 * Generated command lines over every command and option, run in-process against the emulator
 * in a sandboxed HOME. Whatever is typed, lium must answer with a documented exit code and a
 * message, never a crash, a hang, or a NaN/undefined/[object Object] nobody typed.
 */

const SEED = 0x11_2026;
const RUNS = 1_200;
const CONCURRENCY = 4;
/** Per command line; the emulator's pods are ready at once, so real work is quick. */
const TIME_LIMIT_MS = 20_000;

const TARGETS = ['1', '2', '1,2', '1-3', 'all', '0', '-1', '99', 'x', 'no-such-pod', '1:/root/'];
const PATHS = ['./missing.txt', 'local.txt', './dir/', '1:/root/', 'all:/tmp/', '/etc/hostname'];
const WORDS = ['true', 'echo', 'hostname', 'set', 'get', 'show', 'path', 'bash', 'zsh', 'H100'];
const VALUES = [
  '1',
  '2',
  '0',
  '-1',
  '1.5',
  '1e309',
  'abc',
  '',
  '15m',
  '90s',
  'soon',
  'price',
  'gpus',
  'spot',
  'secure',
  'US',
  'A=1',
  'bad-env',
  '2099-01-01 10:00',
  '--json',
];
const STRANGE = ['--bogus', '-x', '--limit.x', '--', '--no-json', '--color', '-h', '--version'];

interface Shape {
  name: string;
  options: { name: string; boolean: boolean }[];
}

function generate(next: () => number, shapes: readonly Shape[]): string[] {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const globals = Object.entries(GLOBAL_OPTIONS).map(([name, option]) => ({
    name,
    boolean: option.type === 'boolean',
  }));
  const shape = pick(shapes);
  const argv: string[] = [];
  const roll = next();
  if (roll < 0.03) argv.push('--');
  if (roll < 0.06) argv.push(pick(WORDS));
  argv.push(shape.name);
  const positionals = Math.floor(next() * 4);
  for (let i = 0; i < positionals; i += 1) {
    // `lium ssh <pod>` would open an interactive shell: give it only names that resolve to none.
    if (shape.name === 'ssh') argv.push(pick(['no-such-pod', 'x', '99', '1,2']));
    else argv.push(pick(i === 0 ? TARGETS : next() < 0.5 ? PATHS : WORDS));
  }
  const options = Math.floor(next() * 5);
  for (let i = 0; i < options; i += 1) {
    const r = next();
    if (r < 0.1) {
      argv.push(pick(STRANGE));
      continue;
    }
    const option = pick(r < 0.35 ? globals : shape.options.length ? shape.options : globals);
    const times = next() < 0.3 ? 2 : 1;
    for (let t = 0; t < times; t += 1) {
      if (option.boolean) {
        argv.push(next() < 0.8 ? `--${option.name}` : `--no-${option.name}`);
      } else if (next() < 0.1) {
        argv.push(`--${option.name}`); // a missing value
      } else if (next() < 0.2) {
        argv.push(`--${option.name}=${pick(VALUES)}`);
      } else {
        argv.push(`--${option.name}`, pick(VALUES));
      }
    }
  }
  // Shuffle the options in among the positionals, keeping the command word first most times.
  if (next() < 0.3) {
    const rest = argv.splice(1);
    rest.sort(() => next() - 0.5);
    argv.push(...rest);
  }
  return argv;
}

/** Words that may show up because the user typed them. */
function typedWords(argv: readonly string[]): string {
  return argv.join(' ');
}

function problemsOf(argv: readonly string[], result: RunResult | 'hang'): string[] {
  if (result === 'hang') return [`no answer within ${TIME_LIMIT_MS} ms`];
  const problems: string[] = [];
  const isExec = argv.includes('exec');
  if (!isExec && ![0, 1, 2, 130].includes(result.code)) problems.push(`exit ${result.code}`);
  if (isExec && !(result.code >= 0 && result.code <= 255)) problems.push(`exit ${result.code}`);
  const text = `${result.stdout}\n${result.stderr}`;
  const debug = argv.includes('--debug');
  if (!debug && /^\s+at .+:\d+:\d+\)?$/m.test(text)) problems.push('a stack trace');
  if (/is not a function|Unexpected error/.test(text)) problems.push('an internal error');
  const typed = typedWords(argv);
  for (const word of ['NaN', 'undefined', '[object Object]', 'Infinity']) {
    if (text.includes(word) && !typed.includes(word)) problems.push(`"${word}" in the output`);
  }
  return problems;
}

describe('fuzzed command lines', () => {
  const world = useEmulatorWorld({ executors: 8, readyDelayMs: 0 });

  it(`${RUNS} seeded argvs: documented exit codes, one-line errors, no hang`, async () => {
    const ctx = bareContext();
    const shapes: Shape[] = [{ name: '__complete', options: [] }];
    for (const entry of commands) {
      const name = commandName(entry);
      const options = await commandOptions(name, ctx);
      shapes.push({ name, options });
      for (const alias of entry.aliases ?? []) shapes.push({ name: alias, options });
    }
    // Give index-based commands something to resolve now and then.
    await world.lium(['ls', '--limit', '5']);

    const next = seededRandom(SEED);
    const argvs = Array.from({ length: RUNS }, () => generate(next, shapes));
    const failures: string[] = [];
    const counts = new Map<number | 'hang', number>();
    let cursor = 0;
    const env = { EDITOR: 'true', VISUAL: 'true' };
    const runOne = async (argv: string[]) => {
      const limit = new AbortController();
      let timer: NodeJS.Timeout | undefined;
      const hang = new Promise<'hang'>((resolve) => {
        timer = setTimeout(() => {
          limit.abort();
          resolve('hang');
        }, TIME_LIMIT_MS);
      });
      const result = await Promise.race([
        world.lium(argv, { env, signal: limit.signal }),
        hang,
      ]).finally(() => clearTimeout(timer));
      const key = result === 'hang' ? 'hang' : result.code;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      const problems = problemsOf(argv, result);
      if (problems.length > 0) {
        const output = result === 'hang' ? '' : `${result.stdout}${result.stderr}`.slice(0, 400);
        failures.push(`lium ${JSON.stringify(argv)}: ${problems.join(', ')}\n${output}`);
      }
    };
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (cursor < argvs.length) {
          const argv = argvs[cursor] as string[];
          cursor += 1;
          await runOne(argv);
        }
      }),
    );
    if (process.env.LIUM_FUZZ_REPORT) console.log(Object.fromEntries(counts), failures.length);
    await world.lium(['down', '--all', '-y']);
    expect(failures.slice(0, 10), `${failures.length} of ${RUNS} failed`).toEqual([]);
    // The mix must reach real work, not only usage errors.
    expect(counts.get(0) ?? 0).toBeGreaterThan(50);
    expect(counts.get(2) ?? 0).toBeGreaterThan(50);
  }, 240_000);
});
