import { describe, expect, it } from 'vitest';
import { editDistance, nearest } from '../src/nearest.ts';
import { makeSandbox, runLium } from './helpers.ts';

describe('usage errors people understand', () => {
  const sandbox = makeSandbox();
  const lium = (argv: string[]) => runLium(argv, { env: sandbox.env, cwd: sandbox.dir });

  it.each([
    [['exec'], 'lium exec needs TARGETS and a COMMAND', 'lium exec <targets> [command..]'],
    [['exec', '1'], 'lium exec needs TARGETS and a COMMAND', '`lium exec --help`'],
    [['scp'], 'lium scp needs TARGETS', '`lium scp --help`'],
    [['ls', '--limt', '3'], 'Unknown option --limt. Did you mean --limit?', '`lium ls --help`'],
    [['up', '--gpuu', 'H100'], 'Unknown option --gpuu. Did you mean --gpu?', '`lium up --help`'],
    [
      ['config', 'sho'],
      'Unknown action "sho" for lium config. Did you mean show?',
      'config --help',
    ],
    [['ls', '--limit', 'abc'], '--limit must be a whole number', '`lium ls --help`'],
    [['exec', 'all', '--concurrency', '0'], '--concurrency must be', '`lium exec --help`'],
  ])('%j → one line naming the problem and the command’s help', async (argv, message, hint) => {
    const result = await lium(argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain(hint);
    expect(result.stderr).not.toMatch(/non-option arguments|Unknown argument/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('lium help ls shows the help of ls', async () => {
    const result = await lium(['help', 'ls']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^lium ls/);
  });

  it('suggests only close words', () => {
    expect(editDistance('limt', 'limit')).toBe(1);
    expect(nearest('sho', ['set', 'show', 'get'])).toBe('show');
    expect(nearest('zzzz', ['limit', 'sort'])).toBeUndefined();
  });
});
