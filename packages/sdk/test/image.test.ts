/**
 * publishImage against a real Docker engine (Debian's dockerd, private data root, no network)
 * and real registries (distribution 2.x with htpasswd logins) on 127.0.0.1, and the emulator,
 * whose template verifier HEADs the pushed manifest in the registry.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
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
import { type ImageProgress, LiumImageError, publishImage } from '../src/index.ts';
import { type Harness, startHarness } from './harness.ts';

const skip = dockerSkipReason();
if (skip) console.warn(skip);

async function rejection(promise: Promise<unknown>): Promise<LiumImageError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LiumImageError);
  return error as LiumImageError;
}

describe.skipIf(skip !== undefined)('publishImage with a real engine and registry', () => {
  let engine: DockerEngineHarness;
  let registry: RegistryHarness;
  let readOnly: RegistryHarness;
  let h: Harness;
  let work: string;
  let good: string;

  const users = { alice: 'alice-pw-1', bob: 'bob-pw-2' };

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'lium-image-'));
    [engine, registry, readOnly, h] = await Promise.all([
      startDockerEngine(),
      startRegistry({ users }),
      startRegistry({ users, readOnly: true }),
      startHarness({ templateVerifyDelayMs: 50 }),
    ]);
    good = await writeBuildContext(
      join(work, 'good'),
      'FROM scratch\nCOPY hello.txt /hello.txt\n',
      {
        'hello.txt': `hello ${Date.now()}\n`,
      },
    );
    // alice is an account credential; bob is only known to the registry.
    await addAccountDockerLogin(h.emu, 'alice', users.alice);
  }, 60_000);

  afterAll(async () => {
    await Promise.allSettled([engine?.stop(), registry?.stop(), readOnly?.stop(), h?.close()]);
    if (work) await rm(work, { recursive: true, force: true });
  }, 60_000);

  const env = (extra: Record<string, string> = {}) => ({
    DOCKER_HOST: engine.dockerHost,
    ...extra,
  });

  it('builds, pushes with the account login, creates the template and waits for verification', async () => {
    const events: ImageProgress[] = [];
    const published = await publishImage(h.newLium(), {
      name: 'hello-app',
      dir: good,
      tag: 'v1',
      registry: registry.host,
      buildNetwork: 'none',
      env: env(),
      pollIntervalMs: 50,
      onProgress: (event) => events.push(event),
    });
    expect(published).toMatchObject({
      image: `${registry.host}/alice/hello-app:v1`,
      status: 'VERIFY_SUCCESS',
      loginSource: 'account',
    });
    expect(published.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    // The registry really holds that manifest under that digest.
    const head = await fetch(`http://${registry.host}/v2/alice/hello-app/manifests/v1`, {
      method: 'HEAD',
      headers: {
        Authorization: `Basic ${Buffer.from(`alice:${users.alice}`).toString('base64')}`,
        Accept: 'application/vnd.docker.distribution.manifest.v2+json',
      },
    });
    expect(head.status).toBe(200);
    expect(head.headers.get('docker-content-digest')).toBe(published.digest);
    // The template names the pushed digest and the credential the verifier pulled with.
    const raw = published.template.raw;
    expect(raw).toMatchObject({
      docker_image: `${registry.host}/alice/hello-app`,
      docker_image_tag: 'v1',
      docker_image_digest: published.digest,
    });
    expect(raw.docker_credential_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(raw.verification_logs).toContain(published.digest);
    // Progress: build steps, then pushed layers with byte counts.
    expect(events).toContainEqual({ type: 'build_step', text: 'Step 1/2 : FROM scratch' });
    const layers = events.filter((event) => event.type === 'layer');
    expect(layers.length).toBeGreaterThan(0);
    expect(
      layers.some((event) => event.type === 'layer' && /Pushed|already exists/.test(event.status)),
    ).toBe(true);
    expect(events.map((event) => (event.type === 'phase' ? event.phase : undefined))).toEqual(
      expect.arrayContaining(['connect', 'login', 'build', 'push', 'template', 'verify']),
    );
  }, 120_000);

  it('returns VERIFY_PENDING at once with wait: false', async () => {
    const published = await publishImage(h.newLium(), {
      name: 'hello-app',
      dir: good,
      tag: 'nowait',
      registry: registry.host,
      buildNetwork: 'none',
      env: env(),
      wait: false,
    });
    expect(published.status).toBe('VERIFY_PENDING');
  }, 120_000);

  it('shows the failing Dockerfile line when the build fails', async () => {
    const bad = await writeBuildContext(join(work, 'bad'), 'FROM scratch\nFROBNICATE everything\n');
    const error = await rejection(
      publishImage(h.newLium(), {
        name: 'bad',
        dir: bad,
        registry: registry.host,
        buildNetwork: 'none',
        env: env(),
      }),
    );
    expect(error.code).toBe('image_build_failed');
    expect(error.message).toMatch(/line 2/);
    expect(error.message).toMatch(/frobnicate/i);
  }, 60_000);

  it('refuses a wrong password at login, before building', async () => {
    const error = await rejection(
      publishImage(h.newLium(), {
        name: 'hello-app',
        dir: good,
        registry: registry.host,
        env: env({ DOCKER_USERNAME: 'alice', DOCKER_PASSWORD: 'not-the-password' }),
      }),
    );
    expect(error.code).toBe('docker_login_failed');
    expect(error.message).toContain('alice');
    expect(error.message).not.toContain('not-the-password');
  }, 60_000);

  it('reports a registry that refuses the push', async () => {
    const error = await rejection(
      publishImage(h.newLium(), {
        name: 'hello-app',
        dir: good,
        registry: readOnly.host,
        buildNetwork: 'none',
        env: env(),
      }),
    );
    expect(error.code).toBe('image_push_failed');
    expect(error.message).toContain(`${readOnly.host}/alice/hello-app:latest`);
  }, 120_000);

  it('fails verification (with the verifier log) when the verifier cannot pull the image', async () => {
    // bob pushes fine, but the account does not hold bob's login: the verifier gets a 401.
    const lium = h.newLium();
    await mkdir(h.configDir, { recursive: true });
    await writeFile(
      join(h.configDir, 'config.ini'),
      `[docker]\nusername = bob\npassword = ${users.bob}\n`,
    );
    try {
      const error = await rejection(
        publishImage(lium, {
          name: 'private-app',
          dir: good,
          registry: registry.host,
          buildNetwork: 'none',
          env: env(),
          pollIntervalMs: 50,
        }),
      );
      expect(error.code).toBe('template_verify_failed');
      expect(error.details).toMatch(/wants credentials/);
      expect(error.templateId).toMatch(/^[0-9a-f-]{36}$/);
      const template = await lium.getTemplate(error.templateId ?? '');
      expect(template.status).toBe('VERIFY_FAILED');
      expect(template.dockerImage).toBe(`${registry.host}/bob/private-app`);
    } finally {
      await rm(join(h.configDir, 'config.ini'), { force: true });
    }
  }, 120_000);

  it('says to start Docker when no engine answers', async () => {
    const error = await rejection(
      publishImage(h.newLium(), {
        name: 'hello-app',
        dir: good,
        env: { DOCKER_HOST: `unix://${join(work, 'no-such-docker.sock')}` },
      }),
    );
    expect(error.code).toBe('docker_unavailable');
    expect(error.hint).toMatch(/Start Docker/);
  });

  it('checks the name, the tag and the Dockerfile before touching the engine', async () => {
    const lium = h.newLium();
    expect((await rejection(publishImage(lium, { name: 'Bad Name', dir: good }))).code).toBe(
      'image_invalid',
    );
    expect((await rejection(publishImage(lium, { name: 'ok', dir: good, tag: '-x' }))).code).toBe(
      'image_invalid',
    );
    expect((await rejection(publishImage(lium, { name: 'ok', dir: work }))).code).toBe(
      'dockerfile_missing',
    );
  });
});
