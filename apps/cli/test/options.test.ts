import { describe, expect, it } from 'vitest';
import { commandName, commands, GLOBAL_OPTIONS } from '../src/commands/index.ts';
import { commandOptions } from '../src/completion.ts';
import { bareContext, runLium, useEmulatorWorld } from './helpers.ts';

/** A context for reading builders only (no SDK is ever created). */
/** Two valid values for every option that takes one; a new option without samples fails here. */
const SAMPLES: Record<string, [string, string]> = {
  sort: ['price', 'gpus'],
  limit: ['1', '2'],
  'max-price': ['50', '60'],
  country: ['US', 'DE'],
  count: ['1', '2'],
  'min-cuda': ['11', '12'],
  tier: ['spot', 'secure'],
  name: ['first', 'second'],
  prefix: ['a', 'b'],
  image: ['t1', 't2'],
  ttl: ['1h', '2h'],
  until: ['2099-01-01 10:00', '2099-01-02 10:00'],
  timeout: ['100', '200'],
  'wait-timeout': ['1', '2'],
  attach: ['no-such-pod', 'other-pod'],
  idle: ['2h', '3h'],
  gpu: ['H100', 'A100'],
  script: ['a.sh', 'b.sh'],
  env: ['A=1', 'B=2'],
  'env-file': ['a.env', 'b.env'],
  concurrency: ['1', '2'],
  exclude: ['a', 'b'],
  'ssh-key': ['k1', 'k2'],
  'api-key': ['wrong-1', 'wrong-2'],
  'base-url': ['http://127.0.0.1:9/api', 'http://127.0.0.1:8/api'],
  port: ['20001', '20002'],
  coldkey: ['c1', 'c2'],
  hotkey: ['h1', 'h2'],
  'wallet-path': ['/nonexistent/w1', '/nonexistent/w2'],
  wallet: ['w1', 'w2'],
  tao: ['0.1', '0.2'],
  network: ['none', 'test'],
  tag: ['t1', 't2'],
  registry: ['127.0.0.1:9', '127.0.0.1:8'],
  sync: ['.', '.'],
  pull: ['a', 'b'],
  'pull-dir': ['a', 'b'],
  ports: ['1', '2'],
  volume: ['id:x', 'id:y'],
  timeout_: ['1', '2'],
  tail: ['1', '2'],
  in: ['1h', '2h'],
  at: ['2099-01-01 10:00', '2099-01-02 10:00'],
  'volume-id': ['v1', 'v2'],
  desc: ['one', 'two'],
  'local-port': ['20003', '20004'],
  path: ['/root/a', '/root/b'],
  every: ['6h', '12h'],
  keep: ['7d', '2w'],
  id: ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002'],
  to: ['/root/a', '/root/b'],
  profile: ['p1', 'p2'],
  amount: ['1', '2'],
  currency: ['USDT', 'USDC'],
  startup: ['echo 1', 'echo 2'],
  'internal-ports': ['22,8000', '22,8888'],
  dockerfile: ['a.Dockerfile', 'b.Dockerfile'],
  entrypoint: ['/bin/sh', '/bin/bash'],
  cmd: ['sleep 1', 'sleep 2'],
  'ssh-name': ['laptop-1', 'laptop-2'],
  lat: ['52.37', '-33.87'],
  lon: ['4.9', '151.21'],
  'max-distance': ['100', '200'],
  format: ['table', 'json'],
  'local-forward': ['8080:localhost:80', '127.0.0.1:8081:localhost:81'],
  'remote-forward': ['9000:localhost:3000', '9001:127.0.0.1:3001'],
  'dynamic-forward': ['1080', '127.0.0.1:1081'],
};

/** Positionals that let each command get as far as its options matter. */
const POSITIONALS: Record<string, string[]> = {
  config: ['show'],
  up: ['1'],
  // exec's options go before the command (words after it are the remote command's).
  exec: ['all'],
  run: ['no-such-pod', 'true'],
  ssh: ['no-such-pod'],
  scp: ['no-such-pod', 'missing.txt'],
  rsync: ['missing/', 'no-such-pod:/root/'],
  completion: ['bash'],
  logs: ['no-such-pod'],
  reboot: ['no-such-pod'],
  volumes: ['list'],
  schedules: ['list'],
  'ssh-keys': ['list'],
  'port-forward': ['no-such-pod', '8888'],
  bk: ['show', 'no-such-pod'],
};

const IGNORED = new Set(['help', 'version']);

describe('every option of every command, repeated', () => {
  const world = useEmulatorWorld({ executors: 6, readyDelayMs: 0 });

  it('has samples for every option', async () => {
    const ctx = bareContext();
    for (const entry of commands) {
      for (const option of await commandOptions(commandName(entry), ctx)) {
        if (option.boolean || IGNORED.has(option.name)) continue;
        expect(SAMPLES, `lium ${commandName(entry)} --${option.name}`).toHaveProperty(option.name);
      }
    }
  });

  it('never crashes, never sends an array, and the last one wins for single options', async () => {
    const ctx = bareContext();
    const globals = Object.keys(GLOBAL_OPTIONS).map((name) => ({
      name,
      boolean: GLOBAL_OPTIONS[name as keyof typeof GLOBAL_OPTIONS].type === 'boolean',
    }));
    let runs = 0;
    for (const entry of commands) {
      const name = commandName(entry);
      const all = [...(await commandOptions(name, ctx)), ...globals];
      for (const option of all) {
        if (IGNORED.has(option.name)) continue;
        // Never rent for real here, and never hand the terminal to an editor or a shell.
        if (name === 'up' && option.name === 'yes') continue;
        const twice = option.boolean
          ? [`--${option.name}`, `--${option.name}`]
          : (SAMPLES[option.name] ?? ['x', 'y']).flatMap((value) => [`--${option.name}`, value]);
        await world.lium(['ls', '--limit', '3']);
        const argv = [name, ...(POSITIONALS[name] ?? []), ...twice];
        const result = await world.lium(argv);
        runs += 1;
        const said = `${argv.join(' ')} → ${result.code}: ${result.stderr}`;
        expect([0, 1, 2], said).toContain(result.code);
        expect(result.stderr, said).not.toMatch(/Unexpected error|is not a function/);
        if (option.name !== 'debug') expect(result.stderr, said).not.toMatch(/^\s+at /m);
        expect(result.stderr + result.stdout, said).not.toMatch(/NaN|\[object Object\]|undefined/);
      }
    }
    expect(runs).toBeGreaterThan(40);
    for (const request of world.emulator.control.requests({})) {
      const body = JSON.stringify(request.body ?? {});
      expect(body, `${request.method} ${request.path}`).not.toMatch(/"(name|gpu_count)":\[/);
    }
  }, 240_000);

  it('ls --limit 1 --limit 2 shows two machines; --tier spot --tier secure filters by secure', async () => {
    const two = await world.lium(['ls', '--json', '--limit', '1', '--limit', '2']);
    expect(two.code).toBe(0);
    expect(JSON.parse(two.stdout)).toHaveLength(2);
    const tier = await world.lium(['ls', '--tier', 'spot', '--tier', 'secure']);
    expect(tier.code).toBe(0);
  });

  it('up --name a --name b names the pod b', async () => {
    await world.lium(['ls', '--limit', '3']);
    const up = await world.lium(['up', '1', '-y', '--name', 'a', '--name', 'b', '--json']);
    expect(up.code, up.stderr).toBe(0);
    const pods = JSON.parse((await world.lium(['ps', '--json'])).stdout) as { name: string }[];
    expect(pods.map((pod) => pod.name)).toContain('b');
    expect((await world.lium(['down', 'b', '-y'])).code).toBe(0);
  });

  it('ls --sort price --sort gpus sorts by GPUs (no crash)', async () => {
    const result = await world.lium(['ls', '--sort', 'price', '--sort', 'gpus']);
    expect(result.code, result.stderr).toBe(0);
  });
});

describe('what the user typed is what the message shows', () => {
  const env = { HOME: '/nonexistent', LIUM_API_KEY: 'k', LIUM_BASE_URL: 'http://127.0.0.1:9' };
  const lium = (argv: string[]) => runLium(argv, { env });

  it.each([
    [['ls', '--limit=abc'], '"abc"'],
    [['ls', '--limit', '1e309'], '"1e309"'],
    [['ls', '--limit', '0x10'], '"0x10"'],
    [['ls', '--max-price', '-1'], '"-1"'],
    [['ls', '--sort', 'cost'], '"cost"'],
    [['ls', '--tier', 'gold'], 'spot, secure'],
  ])('%j is a usage error quoting %s', async (argv, quoted) => {
    const result = await lium(argv);
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(quoted);
    expect(result.stderr).not.toMatch(/NaN|Infinity|undefined|\[object Object\]/);
  });

  it.each([
    [['ls', '--limit']],
    [['ls', '--sort']],
    [['ls', '--sort', '--json']],
    [['ls', '--max-price', '1', '--max-price']],
    [['ls', '--country']],
    [['exec', 'all', '--env']],
    [['up', '1', '--name', '--json']],
  ])('a missing value is a usage error: %j', async (argv) => {
    const result = await lium(argv);
    expect(result.code, result.stderr + result.stdout).toBe(2);
    expect(result.stderr + result.stdout).toMatch(/needs a value/);
  });

  it('--limit.x is an unknown option, not an object', async () => {
    const result = await lium(['ls', '--limit.x', '1']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('limit.x');
    expect(result.stderr).not.toContain('[object Object]');
  });

  it('yargs choice errors are one line (lium completion powershell)', async () => {
    const result = await lium(['completion', 'powershell']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('fish');
  });

  it('lium -- down --all -y names no command: exit 2', async () => {
    for (const argv of [
      ['--', 'down', '--all', '-y'],
      ['--json', '--', 'ls'],
    ]) {
      const result = await lium(argv);
      expect(result.code).toBe(2);
      expect(result.stderr + result.stdout).toContain('Name a command');
    }
  });

  it('--json --help and --json --version print JSON; completion --json refuses', async () => {
    const help = await lium(['--json', '--help']);
    expect(help.code).toBe(0);
    expect((JSON.parse(help.stdout) as { help: string }).help).toContain('lium <command>');
    const lsHelp = await lium(['ls', '--help', '--json']);
    expect((JSON.parse(lsHelp.stdout) as { help: string }).help).toContain('--limit');
    const version = await lium(['--json', '--version']);
    expect(JSON.parse(version.stdout)).toHaveProperty('version');
    const completion = await lium(['completion', 'bash', '--json']);
    expect(completion.code).toBe(2);
    expect(JSON.parse(completion.stdout)).toMatchObject({ error: { code: 'usage_error' } });
  });
});
