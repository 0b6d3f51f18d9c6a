/**
 * `lium jupyter` and `lium exec --script @jupyter` on an emulator pod, with Jupyter from
 * Debian's packages (no PyPI here): the script must find and start it, the printed URL must
 * answer with the token through the pod's mapped port, and a second run must report the
 * running server.
 */
import { execFile, execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from '@lium/test-support/sshd';
import { afterAll, describe, expect, it } from 'vitest';
import { useEmulatorWorld } from './helpers.ts';

function jupyterSkipReason(): string | undefined {
  for (const tool of ['/usr/bin/jupyter-notebook', '/usr/bin/jupyter-lab']) {
    try {
      accessSync(tool, constants.X_OK);
      return undefined;
    } catch {
      // try the next one
    }
  }
  return 'No Jupyter installed (apt-get install jupyter-notebook); skipping the Jupyter tests';
}

const skip = jupyterSkipReason();
if (skip) console.warn(skip);

interface JupyterJson {
  pod: string;
  state: 'started' | 'running';
  url: string;
  port: number;
  external_port: number | null;
  pid: number | null;
}

describe.skipIf(skip !== undefined)('lium jupyter on an emulator pod', () => {
  const world = useEmulatorWorld({ executors: 10, readyDelayMs: 100, templateVerifyDelayMs: 10 });
  let huid = '';
  let port = 0;

  let url = '';

  afterAll(async () => {
    // Jupyter runs in the background on the pod: shut it down before the pod goes.
    if (url) {
      const { origin, searchParams } = new URL(url);
      await fetch(`${origin}/api/shutdown`, {
        method: 'POST',
        headers: { Authorization: `token ${searchParams.get('token')}` },
      }).catch(() => undefined);
    }
    if (huid) await world.lium(['down', huid, '-y']);
  }, 30_000);

  it('starts Jupyter, prints a URL that answers with the token, and reports it on a second run', async () => {
    // Every pod of the emulator shares this machine's loopback: use a free port, not 20000.
    port = await freePort();
    const created = await fetch(`${world.emulator.baseUrl}/templates`, {
      method: 'POST',
      headers: { 'X-API-KEY': world.emulator.apiKey, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        name: 'jupyter-test',
        docker_image: 'daturaai/ubuntu',
        internal_ports: [22, port],
      }),
    });
    const template = (await created.json()) as { id: string };
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await world.lium(['ls', '--limit', '3'])).code).toBe(0);
    const up = await world.lium(['up', '1', '-y', '--json', '--image', template.id]);
    expect(up.code, up.stderr).toBe(0);
    huid = (JSON.parse(up.stdout) as { huid: string }[])[0]?.huid ?? '';

    const first = await world.lium(['jupyter', huid, '--port', String(port), '--json']);
    expect(first.code, first.stderr).toBe(0);
    const started = JSON.parse(first.stdout) as JupyterJson;
    url = started.url;
    expect(started).toMatchObject({ pod: huid, state: 'started', port });
    expect(started.external_port).toBeGreaterThan(0);
    expect(started.url).toMatch(
      new RegExp(
        `^http://127\\.0\\.0\\.1:${started.external_port}/(tree|lab)\\?token=[0-9a-f]{48}$`,
      ),
    );

    // Through the pod's mapped port: 200 with the token, not without it.
    const withToken = await fetch(started.url, { redirect: 'manual' });
    expect(withToken.status).toBe(200);
    const withoutToken = await fetch(started.url.replace(/\?token=.*$/, ''), {
      redirect: 'manual',
    });
    expect(withoutToken.status).not.toBe(200);

    // The token is not in any process's argv on the machine.
    const token = new URL(started.url).searchParams.get('token') ?? '';
    expect(execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })).not.toContain(token);

    const second = await world.lium(['jupyter', huid, '--port', String(port), '--json']);
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({
      state: 'running',
      url: started.url,
      pid: started.pid,
    });

    // The shorthand runs the same shipped script through `lium exec`.
    const viaExec = await world.lium([
      'exec',
      huid,
      '--script',
      '@jupyter',
      '-e',
      `JUPYTER_PORT=${port}`,
    ]);
    expect(viaExec.code, viaExec.stderr).toBe(0);
    expect(viaExec.stderr).toContain('already running');
    expect(viaExec.stdout).toContain('JUPYTER_STATE=running');

    // The built, bundled CLI finds the script it ships (`scripts/` next to `dist/`), also by its
    // file name from a directory without such a file. (Async: the emulator runs in this process.)
    const bin = fileURLToPath(new URL('../bin/lium.js', import.meta.url));
    if (existsSync(fileURLToPath(new URL('../dist/main.js', import.meta.url)))) {
      const built = await promisify(execFile)(
        process.execPath,
        [bin, 'exec', huid, '--script', 'jupyter.sh', '-e', `JUPYTER_PORT=${port}`],
        { env: world.env, cwd: world.sandbox.dir, encoding: 'utf8' },
      );
      expect(built.stdout).toContain(`token=${token}`);
      expect(built.stdout).toContain('JUPYTER_STATE=running');
    }
  }, 120_000);

  it('human output: a success line and the URL alone on stdout', async () => {
    const result = await world.lium(['jupyter', huid, '--port', String(port)]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('already running');
    expect(result.stdout.trim()).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/(tree|lab)\?token=[0-9a-f]+$/,
    );
  }, 60_000);

  it('refuses an unknown shipped script and a bad port with usage errors', async () => {
    const unknown = await world.lium(['exec', huid, '--script', '@nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('@jupyter');
    const badPort = await world.lium(['jupyter', huid, '--port', '70000']);
    expect(badPort.code).toBe(2);
  }, 30_000);
});
