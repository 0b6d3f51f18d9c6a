import type { Client } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type PodFixture, podFixture, run } from './helpers.ts';

describe('pod exec', () => {
  let f: PodFixture;
  let client: Client;
  beforeAll(async () => {
    f = await podFixture();
    client = await connect(f.pod.port, { privateKey: f.key.privateKey });
  });
  afterAll(async () => {
    client?.end();
    await f?.cleanup();
  });

  it('runs a command as root in /root and returns its exit code', async () => {
    const result = await run(client, 'echo hello; pwd; id -u; echo oops >&2; exit 3');
    expect(result.stdout.toString()).toBe(
      `hello\n${f.pod.isolation === 'bwrap' ? '/root' : `${f.podsDir}/pod-1/root`}\n${process.getuid?.() === 0 || f.pod.isolation === 'bwrap' ? 0 : process.getuid?.()}\n`,
    );
    expect(result.stderr.toString()).toBe('oops\n');
    expect(result).toMatchObject({ code: 3, signal: null });
  });

  it('reports exit-signal when the command is killed', async () => {
    const result = await run(client, 'kill -TERM $$');
    expect(result.signal).toBe('SIGTERM'); // ssh2's client prefixes the wire name (TERM)
  });

  it('feeds stdin', async () => {
    const result = await run(client, 'cat; echo done', { stdin: 'input line\n' });
    expect(result.stdout.toString()).toBe('input line\ndone\n');
  });
});
