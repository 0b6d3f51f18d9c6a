import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { OptionWords, splitRemoteCommand } from '../src/remote-command.ts';
import { useEmulatorWorld } from './helpers.ts';

describe('exec: the remote command is everything after the targets, verbatim', () => {
  const world = useEmulatorWorld({ executors: 4, readyDelayMs: 50 });
  const lium = world.lium;

  beforeAll(async () => {
    await lium(['ls', '--limit', '3']);
    expect((await lium(['up', '1', '-y', '--name', 'vb'])).code).toBe(0);
    await lium(['ps']);
  });

  it('passes options meant for the remote command through (-e, -h, -y, --json)', async () => {
    const grep = await lium(['exec', 'vb', 'grep', '-e', 'root', '/etc/passwd']);
    expect(grep.code).toBe(0);
    expect(grep.stdout).toMatch(/^root:/m);
    const help = await lium(['exec', 'vb', 'grep', '-h', 'x', '/dev/null']);
    expect(help.code).toBe(1); // grep found nothing: its code, not lium's help
    expect(help.stdout).toBe('');
    expect((await lium(['exec', 'vb', 'echo', '-y', 'hello'])).stdout).toBe('-y hello\n');
    expect((await lium(['exec', 'vb', 'echo', '--json'])).stdout).toBe('--json\n');
  });

  it('lium options still count before the command, and `--` starts it', async () => {
    const json = await lium(['exec', '--json', 'vb', 'echo', 'hi']);
    expect(JSON.parse(json.stdout.split('\n')[0] as string)).toMatchObject({ line: 'hi' });
    const env = await lium(['exec', 'vb', '-e', 'V=7', 'sh', '-c', 'echo v=$V']);
    expect(env.stdout).toBe('v=7\n');
    const argv = await lium(['exec', 'vb', '--', 'python3', '-c', 'print("a b")']);
    expect(argv.code).toBe(0);
    expect(argv.stdout).toBe('a b\n');
    // One word stays a shell command line.
    expect((await lium(['exec', 'vb', 'echo one | tr o 0'])).stdout).toBe('0ne\n');
  });

  it('forwards piped stdin to the command on one pod', async () => {
    const result = await lium(['exec', 'vb', 'cat'], { stdin: 'data\n' });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('data\n');
  });

  it('the built lium forwards a real pipe, and ends even when stdin stays open', async () => {
    const bin = join(fileURLToPath(new URL('..', import.meta.url)), 'bin', 'lium.js');
    const run = (args: string[], stdin: string | undefined) =>
      new Promise<{ code: number; stdout: string; ms: number }>((resolve) => {
        const started = Date.now();
        const child = execFile(
          process.execPath,
          [bin, ...args],
          { cwd: world.sandbox.dir, env: world.env, timeout: 30_000 },
          (error, stdout) => {
            const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
            resolve({ code, stdout, ms: Date.now() - started });
          },
        );
        if (stdin !== undefined) child.stdin?.end(stdin);
      });
    const piped = await run(['exec', 'vb', 'cat'], 'data\n');
    expect(piped).toMatchObject({ code: 0, stdout: 'data\n' });
    // A parent that never closes our stdin: the command ends, so lium does too.
    const open = await run(['exec', 'vb', 'echo', 'done'], undefined);
    expect(open).toMatchObject({ code: 0, stdout: 'done\n' });
  }, 60_000);

  it('--script/-s honours the #! line and passes the words after it as arguments', async () => {
    writeFileSync(
      join(world.sandbox.dir, 'job.py'),
      '#!/usr/bin/env python3\nimport sys\nprint("py", sys.argv[1:])\n',
    );
    const py = await lium(['exec', 'vb', '-s', 'job.py', '--', 'a b', '--flag']);
    expect(py.code).toBe(0);
    expect(py.stdout).toBe("py ['a b', '--flag']\n");
    writeFileSync(join(world.sandbox.dir, 'plain.sh'), 'echo "args:$1|$2"\nexit 3\n');
    const sh = await lium(['exec', 'vb', '--script', 'plain.sh', 'x', 'y z']);
    expect(sh.stdout).toBe('args:x|y z\n');
    expect(sh.code).toBe(3);
  });

  it('names the missing command in words, with the usage line', async () => {
    const result = await lium(['exec', 'vb']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('lium exec needs TARGETS and a COMMAND');
    expect(result.stderr).toContain('lium exec --help');
  });
});

describe('ssh TARGET [COMMAND…]', () => {
  const world = useEmulatorWorld({ executors: 3, readyDelayMs: 50 });
  const lium = world.lium;

  beforeAll(async () => {
    await lium(['ls', '--limit', '3']);
    expect((await lium(['up', '1', '-y', '--name', 'sb'])).code).toBe(0);
    await lium(['ps']);
  });

  it('runs a command when one is given, verbatim, with its exit code', async () => {
    const echo = await lium(['ssh', 'sb', 'echo', '-n', 'x y']);
    expect(echo.stdout).toBe('x y');
    const dashed = await lium(['ssh', 'sb', '--', 'sh', '-c', 'echo dashed; exit 4']);
    expect(dashed.stdout).toBe('dashed\n');
    expect(dashed.code).toBe(4);
    expect((await lium(['ssh', 'sb', 'cat'], { stdin: 'piped\n' })).stdout).toBe('piped\n');
  });

  it('piped stdin without a command runs a plain shell: no prompts or terminal escapes', async () => {
    const result = await lium(['ssh', 'sb'], { stdin: 'echo one\necho two\nexit 6\n' });
    expect(result.stdout).toBe('one\ntwo\n');
    expect(result.code).toBe(6);
    expect(result.stdout + result.stderr).not.toContain('\u001b[?2004');
  });
});

describe('splitRemoteCommand', () => {
  const globals = new OptionWords({ json: { type: 'boolean' }, profile: { type: 'string' } });
  const own = new OptionWords({ env: { type: 'string', alias: 'e' } });
  const split = (argv: string[]) => splitRemoteCommand(argv, 'exec', globals, own);

  it('moves the command behind one `--` and leaves everything else alone', () => {
    expect(split(['exec', '1', 'grep', '-e', 'x'])).toEqual(['exec', '1', '--', 'grep', '-e', 'x']);
    expect(split(['--profile', 'p', 'exec', '-e', 'A=1', '1', '-e', 'B', 'ls', '--json'])).toEqual([
      '--profile',
      'p',
      'exec',
      '-e',
      'A=1',
      '1',
      '-e',
      'B',
      '--',
      'ls',
      '--json',
    ]);
    expect(split(['exec', '1', '--', 'a', '--'])).toEqual(['exec', '1', '--', 'a', '--']);
    expect(split(['exec', '1', '--json'])).toEqual(['exec', '1', '--json']);
    expect(split(['ls', '1', '-e'])).toEqual(['ls', '1', '-e']);
    expect(split(['exec', '1', '--'])).toEqual(['exec', '1']);
  });

  it("splits one-letter options with their value attached (ssh's -L8080:h:80), only lium's own", () => {
    const ssh = new OptionWords({ 'local-forward': { type: 'string', alias: 'L' } });
    const words = (argv: string[]) => splitRemoteCommand(argv, 'ssh', globals, ssh);
    expect(words(['ssh', '1', '-L8080:localhost:80', 'java', '-Lx'])).toEqual([
      'ssh',
      '1',
      '-L',
      '8080:localhost:80',
      '--',
      'java',
      '-Lx',
    ]);
    expect(words(['ssh', '-L1:h:2', '1'])).toEqual(['ssh', '-L', '1:h:2', '1']);
    // A value that looks like an attached option stays a value; a missing last value is no crash.
    expect(words(['ssh', '1', '-L', '-L5'])).toEqual(['ssh', '1', '-L', '-L5']);
    expect(words(['ssh', '1', '-L'])).toEqual(['ssh', '1', '-L']);
  });
});
