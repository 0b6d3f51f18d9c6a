/**
 * The template verifier checks images that name a registry host. The check against a real
 * docker-registry (manifest HEAD by digest, with the template's credential) is in
 * packages/sdk/test/image.test.ts; these are the cases that need no registry.
 */
import { freePort } from '@lium/test-support/sshd';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../src/index.ts';
import { splitImage } from '../src/runtime/registry-check.ts';
import { type ApiClient, apiClient, startTestEmulator, waitForTemplate } from './helpers.ts';

describe('template verification looks the image up in its registry', () => {
  let emulator: Emulator;
  let api: ApiClient;

  beforeAll(async () => {
    emulator = await startTestEmulator({ templateVerifyDelayMs: 20 });
    api = apiClient(emulator);
  });
  afterAll(() => emulator.close());

  const create = async (image: string) =>
    (await api<{ id: string }>('POST', '/templates', { name: image, docker_image: image })).body.id;
  const logs = async (id: string) =>
    (await api<{ verification_logs: string }>('GET', `/templates/${id}`)).body.verification_logs;

  it('splits images as Docker does: a first part with a dot, a port or localhost is a registry', () => {
    expect(splitImage('me/app')).toEqual({ host: undefined, repo: 'me/app' });
    expect(splitImage('ubuntu')).toEqual({ host: undefined, repo: 'ubuntu' });
    expect(splitImage('127.0.0.1:5000/me/app')).toEqual({ host: '127.0.0.1:5000', repo: 'me/app' });
    expect(splitImage('localhost/me/app')).toEqual({ host: 'localhost', repo: 'me/app' });
    expect(splitImage('ghcr.io/me/app')).toEqual({ host: 'ghcr.io', repo: 'me/app' });
  });

  it('fails an image on a loopback registry that does not answer', async () => {
    const id = await create(`127.0.0.1:${await freePort()}/me/app`);
    expect(await waitForTemplate(api, id)).toBe('VERIFY_FAILED');
    expect(await logs(id)).toMatch(/unreachable/);
  });

  it('fails an image on a registry off this machine', async () => {
    const id = await create('registry.example.com/me/app');
    expect(await waitForTemplate(api, id)).toBe('VERIFY_FAILED');
    expect(await logs(id)).toMatch(/not reachable from the verifier/);
  });

  it('keeps the simulated outcome for Docker Hub names', async () => {
    const id = await create('me/app');
    expect(await waitForTemplate(api, id)).toBe('VERIFY_SUCCESS');
  });
});
