import { execFileSync } from 'node:child_process';
import { type Emulator, startEmulator } from '@lium/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandName, commands } from '../src/commands/index.ts';
import { run } from '../src/main.ts';
import stringWidth from '../src/output/string-width.ts';
import { ensureBuilt, runBuilt } from './built-cli.ts';
import { CaptureStream, makeSandbox, type Sandbox } from './helpers.ts';

/** The lines of a help text's Examples section. */
function exampleLines(help: string): string[] {
  const start = help.indexOf('\nExamples:\n');
  if (start < 0) return [];
  const rest = help.slice(start + '\nExamples:\n'.length);
  return rest.slice(0, rest.search(/\n\n|$/)).split('\n');
}

/** How an example line may start: a command (or a shell comment describing the next one). */
const COMMAND_START = /^ {2}(lium |# |echo |eval |LIUM_API_KEY=)/;

describe('help at 80 columns', () => {
  it.each(commands.map(commandName))(
    'lium %s --help: own options first, whole examples',
    async (name) => {
      const out = new CaptureStream();
      out.columns = 80;
      const code = await run([name, '--help'], {
        stdout: out,
        stderr: new CaptureStream(),
        stdin: process.stdin,
        env: {},
        cwd: process.cwd(),
      });
      const stdout = out.text;
      expect(code).toBe(0);
      for (const line of stdout.split('\n'))
        expect(stringWidth(line), line).toBeLessThanOrEqual(80);
      const own = stdout.indexOf('\nOptions:\n');
      const global = stdout.indexOf('\nGlobal options:\n');
      expect(global).toBeGreaterThan(0);
      if (own >= 0) expect(own).toBeLessThan(global);
      for (const line of exampleLines(stdout)) {
        // Either a line that starts a command, or a description wrapped under its column.
        if (line !== '' && !/^ {3,}/.test(line)) expect(line).toMatch(COMMAND_START);
      }
    },
  );

  it('the built CLI lays out up --help at COLUMNS=80 with each example whole', async () => {
    const help = (await runBuilt(['up', '--help'], { PATH: process.env.PATH ?? '', COLUMNS: '80' }))
      .stdout;
    expect(help).toContain('\n  lium up 1 --volume new:name=data --ports 4\n');
    expect(help).toContain('\n  # with a new volume and 4 open ports\n');
    expect(help.indexOf('\nOptions:\n')).toBeLessThan(help.indexOf('\nGlobal options:\n'));
  }, 300_000);
});

describe('completion', () => {
  let emulator: Emulator;
  let sandbox: Sandbox;
  let env: Record<string, string>;

  beforeAll(async () => {
    ensureBuilt();
    emulator = await startEmulator({ executors: 40, readyDelayMs: 200 });
    sandbox = makeSandbox();
    env = { ...sandbox.env, LIUM_API_KEY: emulator.apiKey, LIUM_BASE_URL: emulator.baseUrl };
  }, 180_000);

  let closed = false;
  afterAll(async () => {
    if (!closed) await emulator?.close();
    sandbox?.cleanup();
  });

  const complete = async (...words: string[]) =>
    (await runBuilt(['__complete', ...words], env)).stdout.split('\n').filter(Boolean);

  it('offers GPU types after ls and --gpu, and option choices after --sort and --tier', async () => {
    expect(await complete('ls', '')).toEqual(expect.arrayContaining(['H100', 'A100', 'RTX4090']));
    expect(await complete('up', '--gpu', 'H')).toEqual(expect.arrayContaining(['H100', 'H200']));
    expect((await complete('up', '--gpu', 'H')).every((word) => word.startsWith('H'))).toBe(true);
    expect(await complete('ls', '--sort', '')).toEqual(
      expect.arrayContaining(['best', 'price', 'price-total', 'download']),
    );
    expect(await complete('ls', '--tier', '')).toEqual(['spot', 'secure']);
    expect(await complete('completion', '')).toEqual(['bash', 'zsh', 'fish']);
  }, 300_000);

  it('offers all and the pods of the last ps, from disk, for pod targets', async () => {
    expect((await runBuilt(['ls', '--limit', '1'], env)).code).toBe(0);
    const up = await runBuilt(['up', '1', '-y', '--no-wait', '--name', 'tabby', '--json'], env);
    expect(up.code, up.stderr).toBe(0);
    const [pod] = JSON.parse(up.stdout) as { huid: string }[];
    expect((await runBuilt(['ps'], env)).code).toBe(0);
    // With the API gone, Tab still knows the pods of the last list.
    await emulator.close();
    closed = true;
    const started = Date.now();
    const words = await complete('exec', '');
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(words).toEqual(expect.arrayContaining(['all', pod?.huid, 'tabby']));
    expect(await complete('down', 'tab')).toEqual(['tabby']);
  }, 300_000);

  it('prints a fish script that fish accepts', async () => {
    const script = (await runBuilt(['completion', 'fish'], env)).stdout;
    expect(script).toContain("complete -c lium -a '(__lium_complete)'");
    expect((await runBuilt(['completion'], { ...env, SHELL: '/usr/bin/fish' })).stdout).toBe(
      script,
    );
    let fish: string | undefined;
    try {
      fish = execFileSync('sh', ['-c', 'command -v fish'], { encoding: 'utf8' }).trim();
    } catch {
      fish = undefined;
    }
    if (fish) execFileSync(fish, ['--no-execute', '-c', script]);
  }, 300_000);
});
