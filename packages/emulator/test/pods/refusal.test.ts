import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPodServer } from '../../src/pods/index.ts';
import { makeKey } from './helpers.ts';

/**
 * A machine where nothing can isolate a pod (here: neither bwrap nor unshare on PATH; the
 * probes run once per process, and vitest gives this file its own). `auto` must refuse in one
 * line with the fix, never quietly run pod commands on the host.
 */
describe.runIf(process.platform === 'linux')('a machine that cannot isolate pods', () => {
  let dir: string;
  const path = process.env.PATH;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lium-refusal-'));
    process.env.PATH = join(dir, 'empty-bin');
  });
  afterAll(async () => {
    process.env.PATH = path;
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses to start a pod, saying why and what to do', async () => {
    const key = await makeKey(dir);
    const attempt = startPodServer({
      podId: 'p',
      dataDir: join(dir, 'pod'),
      authorizedKeys: [key.publicKey],
      sandbox: 'auto',
    });
    await expect(attempt).rejects.toMatchObject({ code: 'sandbox_unavailable' });
    const error = (await attempt.catch((e: unknown) => e)) as Error & { hint?: string };
    expect(error.message).not.toContain('\n');
    expect(error.message).toMatch(
      /cannot isolate pods here: bubblewrap .* not on PATH, and unshare/,
    );
    expect(error.hint).toMatch(/Install bubblewrap/);
    expect(error.hint).toMatch(/--sandbox none/);
  });

  it('refuses an explicit unshare too', async () => {
    const key = await makeKey(dir, 'k2');
    await expect(
      startPodServer({
        podId: 'q',
        dataDir: join(dir, 'pod2'),
        authorizedKeys: [key.publicKey],
        sandbox: 'unshare',
      }),
    ).rejects.toMatchObject({ code: 'sandbox_unavailable' });
  });
});
