import { createHash } from 'node:crypto';
import type { Client } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collect,
  connect,
  type OpenedExec,
  openExec,
  type PodFixture,
  podFixture,
  run,
} from './helpers.ts';

const setups = [
  { sandbox: 'auto', supervisor: 'auto' },
  { sandbox: 'none', supervisor: 'auto' },
  // What a machine without Perl gets: no shim.
  { sandbox: 'auto', supervisor: 'shell' },
] as const;

describe.each(setups)('pod exec (sandbox $sandbox, supervisor $supervisor)', (setup) => {
  let f: PodFixture;
  let client: Client;
  const shim = setup.supervisor === 'auto';
  beforeAll(async () => {
    f = await podFixture(setup);
    client = await connect(f.pod.port, { privateKey: f.key.privateKey });
  });
  afterAll(async () => {
    client?.end();
    await f?.cleanup();
  });

  it('runs a command as root in its home and returns its exit code', async () => {
    const result = await run(client, 'echo hello; pwd; echo "$HOME"; echo oops >&2; exit 3');
    const home = f.pod.isolation !== 'none' ? '/root' : `${f.podsDir}/pod-1/root`;
    expect(result.stdout.toString()).toBe(`hello\n${home}\n${home}\n`);
    expect(result.stderr.toString()).toBe('oops\n');
    expect(result).toMatchObject({ code: 3, signal: null });
  });

  it('reports exit-signal when the command is killed', async () => {
    const result = await run(client, 'kill -TERM $$');
    if (shim || f.pod.isolation !== 'bwrap') {
      // ssh2's client prefixes the wire name (TERM) with SIG.
      expect(result).toMatchObject({ code: null, signal: 'SIGTERM' });
    } else {
      expect(result).toMatchObject({ code: 143, signal: null }); // bwrap's own report
    }
  });

  it('forwards a signal request to the running command', async () => {
    const { channel, result, untilStdout } = await openExec(
      client,
      'trap "echo got-usr1; exit 7" USR1; echo ready; while :; do sleep 0.05; done',
    );
    await untilStdout('ready');
    channel.signal('USR1');
    if (!shim && f.pod.isolation === 'bwrap') {
      // Without the shim the signal goes to the process group, bwrap's monitor included.
      expect(await result).toMatchObject({ signal: 'SIGUSR1' });
      return;
    }
    expect(await result).toMatchObject({ code: 7 });
    expect((await result).stdout.toString()).toBe('ready\ngot-usr1\n');
  });

  it('ends a command with exit-signal KILL on a KILL request', async () => {
    const { channel, result, untilStdout } = await openExec(client, 'echo ready; exec sleep 30');
    await untilStdout('ready');
    channel.signal('KILL');
    expect(await result).toMatchObject({ code: null, signal: 'SIGKILL' });
  });

  it('feeds stdin until EOF', async () => {
    const result = await run(client, 'cat; echo done', { stdin: 'input line\n' });
    expect(result.stdout.toString()).toBe('input line\ndone\n');
  });

  it('passes env request values through exactly, hostile characters included', async () => {
    const hostile = `a"b'c$(touch /tmp/pwned)\`id\` \\ $HOME\nsecond line\t;|&<>*?🙂`;
    const result = await run(
      client,
      'printf %s "$LIUM_TEST_VALUE"; test -e /tmp/pwned && echo PWNED',
      {
        env: { LIUM_TEST_VALUE: hostile },
      },
    );
    expect(result.stdout.toString()).toBe(hostile);
    expect({
      ...result,
      stdout: result.stdout.toString(),
      stderr: result.stderr.toString(),
    }).toMatchObject({ code: 1 });
  });

  it('streams several MB on stdout and stderr at once without deadlock', async () => {
    const size = 6 * 1024 * 1024;
    const command = `head -c ${size} /dev/zero | tr '\\0' a & head -c ${size} /dev/zero | tr '\\0' b >&2; wait`;
    const result = await run(client, command);
    expect(result.code).toBe(0);
    expect(result.stdout.length).toBe(size);
    expect(result.stderr.length).toBe(size);
    expect(result.stdout.every((byte) => byte === 0x61)).toBe(true);
    expect(result.stderr.every((byte) => byte === 0x62)).toBe(true);
  });

  it('takes large stdin with backpressure and returns it intact', async () => {
    const input = Buffer.alloc(8 * 1024 * 1024);
    for (let i = 0; i < input.length; i += 1) input[i] = (i * 7 + (i >> 11)) & 0xff;
    const result = await run(client, 'sha256sum | cut -d" " -f1', { stdin: input });
    expect(result.stdout.toString().trim()).toBe(createHash('sha256').update(input).digest('hex'));
  });

  it('gives a pty of the requested size when asked', async () => {
    const result = await run(client, 'test -t 0 && test -t 1 && stty size; exit 2', {
      pty: { rows: 33, cols: 91, term: 'vt100' },
    });
    expect(result.stdout.toString().replaceAll('\r\n', '\n')).toBe('33 91\n');
    expect(result.code).toBe(2);
  });

  it.runIf(shim)('honours window changes on a pty', async () => {
    const { channel, result, untilStdout } = await openExec(
      client,
      'tty; stty size; echo "$TERM"; trap "stty size; exit 0" WINCH; echo waiting; while :; do sleep 0.05; done',
      { pty: { rows: 30, cols: 100, term: 'xterm-256color' } },
    );
    await untilStdout('waiting');
    channel.setWindow(40, 120, 0, 0);
    const out = (await result).stdout.toString().replaceAll('\r\n', '\n');
    expect(out).toMatch(/^\/dev\/pts\/\d+\n30 100\nxterm-256color\nwaiting\n40 120\n$/);
  });

  // The shim loads POSIX only in pty mode, for this path (tcgetpgrp on the pod's tty).
  it.runIf(shim)('ends a command on a pty when a signal arrives, supervisor intact', async () => {
    const { channel, result, untilStdout } = await openExec(client, 'echo ready; exec sleep 30', {
      pty: { rows: 24, cols: 80, term: 'xterm' },
    });
    await untilStdout('ready');
    channel.signal('INT');
    const out = await result;
    expect(out.stdout.toString()).toBe('ready\r\n');
    expect(out.stderr.toString()).not.toMatch(/lium emulator|Undefined subroutine|line \d+/);
  });

  it('runs an interactive shell', async () => {
    const { channel, result } = await new Promise<OpenedExec>((resolve, reject) =>
      client.shell({ rows: 24, cols: 80, term: 'dumb' }, (err, ch) =>
        err ? reject(err) : resolve(collect(ch)),
      ),
    );
    channel.write('echo "shell-$((6 * 7))"\n');
    channel.write('exit 5\n');
    const { stdout, code } = await result;
    expect(stdout.toString()).toContain('shell-42');
    expect(code).toBe(5);
  });

  it.runIf(shim)('lets a background job outlive the command that started it', async () => {
    await run(client, 'nohup sh -c "sleep 1; echo late > /tmp/bg-done" >/dev/null 2>&1 &');
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect((await run(client, 'cat /tmp/bg-done')).stdout.toString()).toBe('late\n');
  });
});
