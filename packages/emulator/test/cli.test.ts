import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli.ts';

interface Running {
  stdout: string[];
  stderr: string[];
  stop(): void;
  exit: Promise<number>;
  firstLine: Promise<string>;
}

function run(argv: string[], env: Record<string, string> = {}): Running {
  const controller = new AbortController();
  const stdout: string[] = [];
  const stderr: string[] = [];
  let resolveLine: (line: string) => void = () => undefined;
  const firstLine = new Promise<string>((resolve) => {
    resolveLine = resolve;
  });
  const exit = runCli(argv, {
    stdout: (text) => {
      stdout.push(text);
      resolveLine(text);
    },
    stderr: (text) => {
      stderr.push(text);
    },
    env,
    signal: controller.signal,
  });
  void exit.then(() => resolveLine(''));
  return { stdout, stderr, stop: () => controller.abort(), exit, firstLine };
}

function parseLine(line: string): { baseUrl: string; apiKey: string } {
  const match = /^LIUM_BASE_URL=(\S+) LIUM_API_KEY=(\S+)\n$/.exec(line);
  if (match === null) throw new Error(`unexpected first line: ${line}`);
  return { baseUrl: match[1] as string, apiKey: match[2] as string };
}

describe('lium-emulator command line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lium-emulator-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints LIUM_BASE_URL and LIUM_API_KEY, serves until stopped, then cleans up', async () => {
    const envFile = join(dir, 'emulator.env');
    const fault = JSON.stringify({ method: 'GET', path: '/pods', status: 503, times: 1 });
    const cli = run(
      [
        '--port',
        '0',
        '--executors',
        '25',
        '--seed',
        '4',
        '--ready-delay',
        '50',
        '--write-env',
        envFile,
        '--fault',
        fault,
      ],
      {
        LIUM_EMULATOR_API_KEY: 'from-env',
      },
    );
    const { baseUrl, apiKey } = parseLine(await cli.firstLine);
    expect(apiKey).toBe('from-env');
    const executors = (await (await fetch(`${baseUrl}/executors`)).json()) as unknown[];
    expect(executors).toHaveLength(25);
    expect((await fetch(`${baseUrl}/pods`, { headers: { 'x-api-key': apiKey } })).status).toBe(503);
    expect((await fetch(`${baseUrl}/pods`, { headers: { 'x-api-key': apiKey } })).status).toBe(200);
    expect(readFileSync(envFile, 'utf8')).toBe(
      `LIUM_BASE_URL=${baseUrl}\nLIUM_API_KEY=from-env\nLIUM_EMULATOR_CONTROL_URL=${baseUrl.replace(/\/api$/, '/_emulator')}\n`,
    );
    cli.stop();
    expect(await cli.exit).toBe(0);
    expect(cli.stderr.join('')).toContain('stopped');
    await expect(fetch(`${baseUrl}/executors`)).rejects.toThrow();
  });

  it('keeps the generated API key and the pods across restarts with --state', async () => {
    const state = join(dir, 'state');
    const first = run(['--state', state, '--executors', '10', '--ready-delay', '0']);
    const one = parseLine(await first.firstLine);
    const body = { name: 'v', description: '' };
    const created = await fetch(`${one.baseUrl}/volumes`, {
      method: 'POST',
      headers: { 'x-api-key': one.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(created.status).toBe(200);
    first.stop();
    await first.exit;
    const second = run(['--state', state]);
    const two = parseLine(await second.firstLine);
    expect(two.apiKey).toBe(one.apiKey);
    const volumes = (await (
      await fetch(`${two.baseUrl}/volumes`, { headers: { 'x-api-key': two.apiKey } })
    ).json()) as unknown[];
    expect(volumes).toHaveLength(1);
    second.stop();
    expect(await second.exit).toBe(0);
  });

  it('explains bad options with exit code 2', async () => {
    for (const argv of [
      ['--executors', 'many'],
      ['--sandbox', 'docker'],
      ['--pod-ssh', 'dropbear'],
      ['--nope'],
      ['--fault', '{not json'],
    ]) {
      const cli = run(argv);
      expect(await cli.exit).toBe(2);
      expect(cli.stderr.join('')).toMatch(/^lium-emulator: /);
    }
    const help = run(['--help']);
    expect(await help.exit).toBe(0);
    expect(help.stdout.join('')).toContain('Usage: lium-emulator');
  });
});
