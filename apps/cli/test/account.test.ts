import { describe, expect, it } from 'vitest';
import { useEmulatorWorld } from './helpers.ts';

describe('lium topup', () => {
  const world = useEmulatorWorld({ executors: 6, readyDelayMs: 100 });

  it('lists the currencies, in a table and as JSON, and --refresh asks the server afresh', async () => {
    const human = await world.lium(['topup']);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/USDT\s+tron/);
    expect(human.stderr).toContain('lium topup create');
    world.emulator.control.clearRequests();
    const json = await world.lium(['topup', 'currencies', '--refresh', '--json']);
    expect(json.code, json.stderr).toBe(0);
    const rows = JSON.parse(json.stdout) as Record<string, unknown>[];
    expect(rows).toContainEqual({
      code: 'USDT',
      network: 'tron',
      decimals: 6,
      display_decimals: 2,
    });
    const calls = world.emulator.control.requests({ path: '/tmc-pay/currencies' });
    expect(calls.map((call) => call.query)).toContainEqual(
      expect.objectContaining({ refresh: 'true' }),
    );
  });

  it('creates an invoice and prints the address, amount and expiry', async () => {
    const human = await world.lium([
      'topup',
      'create',
      '--amount',
      '25',
      '--currency',
      'usdt',
      '--network',
      'tron',
    ]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/^Address: {2}T\w+$/m);
    expect(human.stdout).toMatch(/^Amount: {3}25 USDT/m);
    expect(human.stdout).toMatch(/^Expires: {2}\S+ \(in (59|60)m\)$/m);
    expect(human.stderr).toContain('$25.00');
    const json = await world.lium(
      ['topup', 'create', '--amount', '10', '--currency', 'USDC', '--json'],
      {},
    );
    expect(json.code, json.stderr).toBe(0);
    const invoice = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(Object.keys(invoice).sort()).toEqual(
      [
        'address',
        'amount_usd',
        'crypto_amount',
        'currency',
        'exchange_rate',
        'expires_at',
        'id',
        'network',
        'url',
      ].sort(),
    );
    expect(invoice).toMatchObject({ amount_usd: 10, currency: 'USDC', network: 'ethereum' });
  });

  it('refuses bad input before creating anything, naming what is offered', async () => {
    world.emulator.control.clearRequests();
    const missing = await world.lium(['topup', 'create', '--currency', 'USDT']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('needs --amount and --currency');
    const small = await world.lium(['topup', 'create', '--amount', '0.5', '--currency', 'USDT']);
    expect(small.code).toBe(2);
    expect(small.stderr).toContain('at least 1');
    const unknown = await world.lium([
      'topup',
      'create',
      '--amount',
      '5',
      '--currency',
      'DOGE',
      '--json',
    ]);
    expect(unknown.code).toBe(2);
    const error = (JSON.parse(unknown.stdout) as { error: { code: string; hint: string } }).error;
    expect(error.code).toBe('usage_error');
    expect(error.hint).toContain('USDT/tron');
    expect(world.emulator.control.requests({ path: '/tmc-pay/create-invoice' })).toEqual([]);
  });

  it('says what failed when the server does', async () => {
    world.emulator.control.addFault({
      method: 'POST',
      path: '/tmc-pay/create-invoice',
      status: 500,
      times: 10,
    });
    try {
      const result = await world.lium(['topup', 'create', '--amount', '5', '--currency', 'BTC']);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/server error|500/i);
    } finally {
      world.emulator.control.clearFaults();
    }
  });

  it('a rent refused for money says how much is missing and names lium topup', async () => {
    world.emulator.control.setBalance(0.01);
    expect((await world.lium(['ls', '--limit', '3'])).code).toBe(0);
    const refused = await world.lium(['up', '1', '-y', '--json']);
    expect(refused.code).toBe(1);
    const error = (JSON.parse(refused.stdout) as { error: { code: string; hint: string } }).error;
    expect(error.code).toBe('insufficient_balance');
    expect(error.hint).toMatch(/You need \$\d+\.\d\d more: `lium topup create --amount \d+/);
    world.emulator.control.setBalance(1000);
  }, 60_000);
});

describe('lium templates new and rm', () => {
  const world = useEmulatorWorld({ executors: 4, readyDelayMs: 100, templateVerifyDelayMs: 300 });

  it('creates a template, waits for verification, and lists it', async () => {
    const human = await world.lium([
      'templates',
      'new',
      '--image',
      'pytorch/pytorch:2.4.0',
      '--name',
      'torch',
      '--port',
      '8888,6006',
      '--startup',
      'echo hi',
    ]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stderr).toMatch(/Template torch verified \([\w-]+\)/);
    expect(human.stderr).toContain('lium up <#> --image');
    const json = await world.lium([
      'templates',
      'new',
      '--image',
      'ubuntu:24.04',
      '--port',
      '8000',
      '--json',
    ]);
    expect(json.code, json.stderr).toBe(0);
    const created = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(created).toMatchObject({
      name: 'ubuntu-24.04',
      image: 'ubuntu:24.04',
      status: 'VERIFY_SUCCESS',
      internal_ports: [22, 8000],
    });
    const posted = world.emulator.control
      .requests({ method: 'POST', path: '/templates' })
      .map((call) => call.body as Record<string, unknown>);
    expect(posted[0]).toMatchObject({
      name: 'torch',
      docker_image: 'pytorch/pytorch',
      docker_image_tag: '2.4.0',
      internal_ports: [22, 8888, 6006],
      startup_commands: 'echo hi',
    });
    const listed = await world.lium(['templates', 'torch', '--json']);
    expect((JSON.parse(listed.stdout) as { name: string }[]).map((t) => t.name)).toContain('torch');
  });

  it('shows the verifier log when verification fails', async () => {
    world.emulator.control.failNextTemplateVerifications(2);
    const human = await world.lium(['templates', 'new', '--image', 'broken/image:1']);
    expect(human.code).toBe(1);
    expect(human.stderr).toContain('failed verification');
    expect(human.stderr).toContain('Verifier log:');
    expect(human.stderr).toContain('container did not start sshd');
    const json = await world.lium(['templates', 'new', '--image', 'broken/image:2', '--json']);
    expect(json.code).toBe(1);
    const error = (JSON.parse(json.stdout) as { error: { code: string; log: string } }).error;
    expect(error.code).toBe('template_verify_failed');
    expect(error.log).toContain('did not start sshd');
  });

  it('refuses bad input before creating anything', async () => {
    world.emulator.control.clearRequests();
    const noImage = await world.lium(['templates', 'new', '--name', 'x']);
    expect(noImage.code).toBe(2);
    expect(noImage.stderr).toContain('needs --image');
    const badPort = await world.lium(['templates', 'new', '--image', 'a:b', '--port', '70000']);
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toContain('"70000"');
    expect(world.emulator.control.requests({ method: 'POST', path: '/templates' })).toEqual([]);
  });

  it('deletes a template by name after asking, and names an unknown id', async () => {
    const made = await world.lium(['templates', 'new', '--image', 'busybox:1', '--name', 'doomed']);
    expect(made.code, made.stderr).toBe(0);
    const refused = await world.lium(['templates', 'rm', 'doomed']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--yes');
    const removed = await world.lium(['templates', 'rm', 'doomed', '-y', '--json']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(JSON.parse(removed.stdout)).toMatchObject({ deleted: { name: 'doomed' } });
    const left = JSON.parse((await world.lium(['templates', '--json'])).stdout) as {
      name: string;
    }[];
    expect(left.map((t) => t.name)).not.toContain('doomed');
    const unknown = await world.lium(['templates', 'rm', 'no-such-template', '-y']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No template "no-such-template"');
    expect(unknown.stderr).toContain('lium templates');
  });
});

describe('lium templates SEARCH', () => {
  const world = useEmulatorWorld({ executors: 2 });

  it('takes a word close to a subcommand as a search, not a typo', async () => {
    const result = await world.lium(['templates', 'rx', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([]);
  });
});

describe('lium topup create, interrupted', () => {
  const world = useEmulatorWorld({ executors: 2 });

  it('exits 130 saying nothing was paid', async () => {
    world.emulator.control.addFault({
      method: 'POST',
      path: '/tmc-pay/create-invoice',
      stall: 'before',
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 1500);
    const result = await world.lium(
      ['topup', 'create', '--amount', '5', '--currency', 'USDT', '--network', 'tron'],
      { signal: controller.signal },
    );
    world.emulator.control.clearFaults();
    expect(result.code).toBe(130);
    expect(result.stderr).toContain('Interrupted while creating the invoice');
    expect(result.stderr).toContain('Nothing was paid');
    expect(result.stdout).toBe('');
  }, 60_000);
});

describe('completion of the account commands', () => {
  const world = useEmulatorWorld({ executors: 2 });

  it('offers the subcommands and the new flags', async () => {
    const topup = await world.lium(['__complete', 'topup', '']);
    expect(topup.stdout.split('\n')).toEqual(expect.arrayContaining(['currencies', 'create']));
    const flags = await world.lium(['__complete', 'topup', '--']);
    expect(flags.stdout.split('\n')).toEqual(
      expect.arrayContaining(['--amount', '--currency', '--network', '--refresh']),
    );
    const templates = await world.lium(['__complete', 'templates', '']);
    expect(templates.stdout.split('\n')).toEqual(expect.arrayContaining(['new', 'rm']));
    const up = await world.lium(['__complete', 'up', '--']);
    expect(up.stdout.split('\n')).toEqual(
      expect.arrayContaining([
        '--env',
        '--env-file',
        '--internal-ports',
        '--dockerfile',
        '--jupyter',
        '--ssh-name',
      ]),
    );
    const ls = await world.lium(['__complete', 'ls', '--']);
    expect(ls.stdout.split('\n')).toEqual(
      expect.arrayContaining(['--lat', '--lon', '--max-distance']),
    );
  });
});
