/**
 * `lium image NAME DIR` end to end: a private dockerd and a docker-registry with htpasswd
 * logins on 127.0.0.1, and the emulator, whose verifier HEADs the pushed manifest.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  addAccountDockerLogin,
  type DockerEngineHarness,
  dockerSkipReason,
  type RegistryHarness,
  startDockerEngine,
  startRegistry,
  writeBuildContext,
} from '@lium/test-support/docker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useEmulatorWorld } from './helpers.ts';

const skip = dockerSkipReason();
if (skip) console.warn(skip);

function oneErrorLine(stderr: string): string {
  const errors = stderr.split('\n').filter((line) => line.startsWith('✘'));
  expect(errors).toHaveLength(1);
  expect(stderr).not.toMatch(/^\s+at /m);
  return errors[0] as string;
}

describe.skipIf(skip !== undefined)('lium image with a real engine and registry', () => {
  const world = useEmulatorWorld({ executors: 5, templateVerifyDelayMs: 50 });
  let engine: DockerEngineHarness;
  let registry: RegistryHarness;
  let work: string;
  let app: string;
  const password = 'carol-pw-3';

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'lium-cli-image-'));
    [engine, registry] = await Promise.all([
      startDockerEngine(),
      startRegistry({ users: { carol: password } }),
    ]);
    app = await writeBuildContext(join(work, 'app'), 'FROM scratch\nCOPY model.txt /model.txt\n', {
      'model.txt': `weights ${Date.now()}\n`,
    });
    await addAccountDockerLogin(world.emulator, 'carol', password);
  }, 60_000);

  afterAll(async () => {
    await Promise.allSettled([engine?.stop(), registry?.stop()]);
    if (work) await rm(work, { recursive: true, force: true });
  }, 60_000);

  const docker = () => ({ DOCKER_HOST: engine.dockerHost });

  it('--json gives template_id, image, digest and status, and nothing else on stdout', async () => {
    const result = await world.lium(
      [
        'image',
        'model',
        app,
        '--tag',
        'v3',
        '--registry',
        registry.host,
        '--network',
        'none',
        '--json',
      ],
      { env: docker() },
    );
    expect(result.code, result.stderr).toBe(0);
    const body = JSON.parse(result.stdout) as Record<string, string>;
    expect(Object.keys(body).sort()).toEqual(['digest', 'image', 'status', 'template_id']);
    expect(body).toMatchObject({
      image: `${registry.host}/carol/model:v3`,
      status: 'VERIFY_SUCCESS',
    });
    expect(body.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    // The template really is there, verified, and usable with `lium up --image`.
    const templates = JSON.parse((await world.lium(['templates', 'model', '--json'])).stdout) as {
      id: string;
    }[];
    expect(templates.map((t) => t.id)).toContain(body.template_id);
  }, 120_000);

  it('prints `lium up <#> --image <id>` on stdout once verified; phases on stderr off a terminal', async () => {
    const result = await world.lium(
      ['image', 'model', app, '--registry', registry.host, '--network', 'none'],
      { env: { ...docker(), DOCKER_USERNAME: 'carol', DOCKER_PASSWORD: password } },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^lium up <#> --image [0-9a-f-]{36}\n$/);
    expect(result.stderr).toContain(`Pushing ${registry.host}/carol/model:latest`);
    expect(result.stderr).toContain('verified');
    // Off a terminal no per-layer lines, and never the password.
    expect(result.stderr).not.toMatch(/Pushing \[|Preparing/);
    expect(result.stderr + result.stdout).not.toContain(password);
  }, 120_000);

  it('on a terminal one spinner line shows the build step, then layers and bytes pushed', async () => {
    const big = await writeBuildContext(
      join(work, 'big'),
      'FROM scratch\nCOPY blob.bin /blob.bin\n',
      {
        'blob.bin': randomBytes(24 * 1024 * 1024),
      },
    );
    const result = await world.lium(
      ['image', 'big', big, '--registry', registry.host, '--network', 'none', '--no-wait'],
      { env: docker(), tty: true },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('Building: Step 2/2 : COPY blob.bin /blob.bin');
    expect(result.stderr).toMatch(
      /carol\/big:latest: [01]\/1 layers, [\d.]+ [KM]B \/ 2\d(\.\d)? MB/,
    );
    // Redrawn in place, not a line per update.
    expect(
      result.stderr.split('\n').filter((line) => line.includes(' layers, ')).length,
    ).toBeLessThan(3);
  }, 120_000);

  it('--no-wait returns with VERIFY_PENDING', async () => {
    const result = await world.lium(
      [
        'image',
        'model',
        app,
        '--registry',
        registry.host,
        '--network',
        'none',
        '--no-wait',
        '--json',
      ],
      { env: docker() },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'VERIFY_PENDING' });
  }, 120_000);

  it('a bad Dockerfile: one error line naming the bad line, exit 1', async () => {
    const bad = await writeBuildContext(
      join(work, 'bad'),
      'FROM scratch\nCOPY model.txt /\nRUNN echo\n',
    );
    const result = await world.lium(['image', 'bad', bad, '--registry', registry.host], {
      env: docker(),
    });
    expect(result.code).toBe(1);
    expect(oneErrorLine(result.stderr)).toMatch(/line 3.*runn/i);
  }, 60_000);

  it('a refused login: one error line, exit 1, no password shown', async () => {
    const result = await world.lium(['image', 'model', app, '--registry', registry.host], {
      env: { ...docker(), DOCKER_USERNAME: 'carol', DOCKER_PASSWORD: 'wrong-pw-9' },
    });
    expect(result.code).toBe(1);
    const line = oneErrorLine(result.stderr);
    expect(line).toContain('refused the login of carol');
    expect(result.stderr).not.toContain('wrong-pw-9');
  }, 60_000);

  it('no engine: says to start Docker', async () => {
    const result = await world.lium(['image', 'model', app, '--json'], {
      env: { DOCKER_HOST: `unix://${join(work, 'none.sock')}` },
    });
    expect(result.code).toBe(1);
    // --json errors are the one JSON document on stdout.
    const error = JSON.parse(result.stdout) as { error: { code: string; hint: string } };
    expect(error.error.code).toBe('docker_unavailable');
    expect(error.error.hint).toContain('Start Docker');
  }, 30_000);

  it('a bad name or tag is a usage error (exit 2)', async () => {
    const result = await world.lium(['image', 'Not Valid', app], { env: docker() });
    expect(result.code).toBe(2);
    oneErrorLine(result.stderr);
  });
});
