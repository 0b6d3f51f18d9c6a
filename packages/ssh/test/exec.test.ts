import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execMany, SshAbortError, SshCommandTimeoutError } from '../src/index.ts';
import { type SshdFixture, sshdFixture, sshdSkip } from './helpers.ts';

describe.skipIf(sshdSkip !== undefined)('exec against OpenSSH sshd', () => {
  let f: SshdFixture;
  beforeAll(async () => {
    f = await sshdFixture();
  });
  afterAll(() => f?.close());

  it('returns stdout, stderr and the exit code', async () => {
    const result = await f.pool.exec(f.target, 'echo out; echo err >&2; exit 3');
    expect(result).toEqual({ stdout: 'out\n', stderr: 'err\n', exitCode: 3, signal: null });
  });

  it('reports a command killed by a signal', async () => {
    const result = await f.pool.exec(f.target, 'kill -KILL $$');
    expect(result.exitCode).toBeNull();
    expect(result.signal).toBe('KILL');
  });

  it('delivers env values exactly and keeps them out of the remote argv', async () => {
    const hostile = {
      QUOTES: `it's "quoted"`,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${…} is what is being tested
      DOLLAR: '$HOME $(id) `id` ${PATH}',
      NEWLINES: 'line1\nline2\n\n',
      SPACES: '  lead and trail  ',
      BACKSLASH: 'a\\nb\\',
      PERCENT: '100% %s %d',
      UNICODE: 'grüße 🚀',
      EMPTY: '',
      SECRET_TOKEN: 'lium-secret-canary-42',
    };
    const script = Object.keys(hostile)
      .map((name) => `printf '%s\\0' "$${name}"`)
      .join('; ');
    const result = await f.pool.exec(
      f.target,
      `${script}; ps -eo args | grep -c 'lium-secret-[c]anary' >&2 || true`,
      { env: hostile },
    );
    expect(result.stdout.split('\0').slice(0, -1)).toEqual(Object.values(hostile));
    // No process on the pod has the value in its command line.
    expect(result.stderr.trim()).toBe('0');
    expect(await f.sshd.log()).not.toContain('lium-secret-canary');
  });

  it('passes stdin through after the env line', async () => {
    const result = await f.pool.exec(f.target, 'wc -c; cat', {
      env: { A: 'x' },
      stdin: 'hello\nworld',
    });
    expect(result.stdout).toBe('11\n');
  });

  it('streams several MB on both channels without deadlock', async () => {
    const size = 4 * 1024 * 1024;
    const command = `head -c ${size} /dev/zero | tr '\\0' a; head -c ${size} /dev/zero | tr '\\0' b >&2; head -c ${size} /dev/zero | tr '\\0' c`;
    let streamed = 0;
    const result = await f.pool.exec(f.target, command, {
      onStdout: (chunk) => {
        streamed += chunk.length;
      },
    });
    expect(streamed).toBe(2 * size);
    expect(result.stdout.length).toBe(2 * size);
    expect(result.stderr.length).toBe(size);
    expect(result.stdout.endsWith('c')).toBe(true);
    expect(result.stderr).toBe('b'.repeat(size));
  });

  it('streams output as an async iterator while the command runs', async () => {
    const stream = f.pool.execStream(f.target, 'for i in 1 2 3; do echo $i; done; echo done >&2');
    const seen: string[] = [];
    for await (const chunk of stream) seen.push(`${chunk.stream}:${chunk.data.toString()}`);
    expect(seen.join('')).toContain('stdout:');
    expect(seen.filter((s) => s.startsWith('stderr')).join('')).toBe('stderr:done\n');
    expect((await stream.result).exitCode).toBe(0);
  });

  it('kills the remote process on timeout', async () => {
    const marker = `lium-timeout-${Date.now()}`;
    await expect(
      f.pool.exec(f.target, `sleep 300; echo ${marker}.`, { timeoutMs: 500 }),
    ).rejects.toBeInstanceOf(SshCommandTimeoutError);
    const check = await f.pool.exec(f.target, `pgrep -f '${marker}[.]' || echo none`);
    expect(check.stdout.trim()).toBe('none');
  });

  it('kills the whole remote process group on abort, children included', async () => {
    const marker = `lium-abort-${Date.now()}`;
    const controller = new AbortController();
    const running = f.pool.exec(
      f.target,
      `sh -c 'sleep 301; : ${marker}.' & sleep 302; : ${marker}.`,
      {
        signal: controller.signal,
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    controller.abort();
    await expect(running).rejects.toBeInstanceOf(SshAbortError);
    const check = await f.pool.exec(f.target, `pgrep -f '${marker}[.]' || echo none`);
    expect(check.stdout.trim()).toBe('none');
  });

  it('runs 50 commands concurrently over one connection (one login)', async () => {
    const logins = async () => ((await f.sshd.log()).match(/Accepted publickey/g) ?? []).length;
    const before = await logins();
    const pool = f.newPool();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => pool.exec(f.target, `echo ${i}`)),
    );
    expect(results.map((r) => r.stdout.trim())).toEqual(
      Array.from({ length: 50 }, (_, i) => String(i)),
    );
    expect(pool.size).toBe(1);
    expect(await logins()).toBe(before + 1);
  });

  it('shares one abort signal across 24 concurrent execs without MaxListenersExceededWarning', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const controller = new AbortController();
      const pool = f.newPool();
      // Two targets (two connections), each with more commands than channel slots: some run,
      // the rest wait in the channel queue, all watching the same signal.
      const targets = [f.target, { ...f.target, hostKeyId: 'pod-abort-share' }];
      const results = await Promise.all(
        Array.from({ length: 24 }, (_, i) =>
          pool.exec(targets[i % 2] ?? f.target, `sleep 0.2; echo ${i}`, {
            signal: controller.signal,
          }),
        ),
      );
      expect(results.map((r) => r.stdout.trim())).toEqual(
        Array.from({ length: 24 }, (_, i) => String(i)),
      );
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('rejects with SshAbortError when aborted while queued for a channel', async () => {
    const pool = f.newPool({ maxChannels: 1 });
    const busy = pool.exec(f.target, 'sleep 1');
    const controller = new AbortController();
    const queued = pool.exec(f.target, 'echo never', { signal: controller.signal });
    controller.abort();
    await expect(queued).rejects.toBeInstanceOf(SshAbortError);
    expect((await busy).exitCode).toBe(0);
  });

  it('streams a large output through the iterator with flow control', async () => {
    const size = 8 * 1024 * 1024;
    const stream = f.pool.execStream(f.target, `head -c ${size} /dev/zero`);
    let received = 0;
    for await (const chunk of stream) {
      received += chunk.data.length;
      // A slow consumer: the channel is paused instead of buffering everything.
      if (received % (1024 * 1024) < chunk.data.length) await new Promise((r) => setTimeout(r, 20));
    }
    expect(received).toBe(size);
    expect((await stream.result).exitCode).toBe(0);
  });

  it('allocates a pty when asked, still delivering env safely', async () => {
    const result = await f.pool.exec(f.target, 'test -t 0 && echo tty; printf %s "$V"', {
      pty: true,
      env: { V: 'a"b$c' },
    });
    expect(result.stdout.replace(/\r/g, '')).toBe('tty\na"b$c');
    expect(result.exitCode).toBe(0);
  });

  it('execMany tags lines by key and isolates failures', async () => {
    const bad = { host: '127.0.0.1', port: 1, user: f.sshd.user };
    const events = [];
    for await (const event of execMany(
      f.pool,
      [
        { key: 'a', target: f.target },
        { key: 'b', target: f.target },
        { key: 'dead', target: bad },
      ],
      'echo one; echo two',
      { concurrency: 2 },
    )) {
      events.push(event);
    }
    const lines = events.filter((e) => e.type === 'line');
    expect(lines.filter((e) => e.key === 'a').map((e) => e.type === 'line' && e.line)).toEqual([
      'one',
      'two',
    ]);
    expect(lines.filter((e) => e.key === 'b')).toHaveLength(2);
    const results = events.filter((e) => e.type === 'result');
    expect(results).toHaveLength(3);
    expect(results.find((e) => e.key === 'dead')?.error).toMatchObject({
      code: 'ssh_connect_failed',
    });
    expect(results.find((e) => e.key === 'a')?.result?.exitCode).toBe(0);
  });

  it('hashes the same on both ends (sanity for later transfer tests)', async () => {
    const result = await f.pool.exec(f.target, 'printf abc | sha256sum');
    expect(result.stdout.split(' ')[0]).toBe(createHash('sha256').update('abc').digest('hex'));
  });
});
