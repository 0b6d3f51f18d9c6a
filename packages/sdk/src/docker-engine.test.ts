import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { engineOptions } from './docker-engine.ts';
import { LiumImageError } from './image-errors.ts';

describe('engineOptions reads DOCKER_HOST as the docker CLI does', () => {
  it('unix, npipe, tcp (http, or https with DOCKER_TLS_VERIFY) and ssh addresses', async () => {
    expect(await engineOptions({ DOCKER_HOST: 'unix:///tmp/d.sock' })).toEqual({
      socketPath: '/tmp/d.sock',
    });
    expect(await engineOptions({ DOCKER_HOST: 'npipe:////./pipe/docker' })).toEqual({
      socketPath: '//./pipe/docker',
    });
    expect(await engineOptions({ DOCKER_HOST: 'tcp://10.1.2.3:2375' })).toEqual({
      protocol: 'http',
      host: '10.1.2.3',
      port: 2375,
    });
    expect(await engineOptions({ DOCKER_HOST: 'localhost:1234' })).toMatchObject({
      host: 'localhost',
      port: 1234,
    });
    expect(await engineOptions({ DOCKER_HOST: 'tcp://[::1]', DOCKER_TLS_VERIFY: '1' })).toEqual({
      protocol: 'https',
      host: '::1',
      port: 2376,
    });
    expect(await engineOptions({ DOCKER_HOST: 'ssh://me@build-box:2200' })).toEqual({
      protocol: 'ssh',
      host: 'build-box',
      port: 2200,
      username: 'me',
    });
  });

  it('without DOCKER_HOST: Docker Desktop’s socket in HOME if there is one, else /var/run', async () => {
    const home = await mkdtemp(join(tmpdir(), 'lium-docker-home-'));
    try {
      expect(await engineOptions({ HOME: home })).toEqual({ socketPath: '/var/run/docker.sock' });
      await mkdir(join(home, '.docker', 'run'), { recursive: true });
      await writeFile(join(home, '.docker', 'run', 'docker.sock'), '');
      expect(await engineOptions({ HOME: home })).toEqual({
        socketPath: join(home, '.docker', 'run', 'docker.sock'),
      });
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  it('refuses an address it cannot use with a docker_unavailable error', async () => {
    const error = await engineOptions({ DOCKER_HOST: 'ftp://x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LiumImageError);
    expect((error as LiumImageError).code).toBe('docker_unavailable');
  });
});
