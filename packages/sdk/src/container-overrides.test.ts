import type { Template } from '@lium/api';
import { describe, expect, it } from 'vitest';
import {
  ephemeralTemplateName,
  hasContainerOverrides,
  overriddenTemplateBody,
  parseInternalPorts,
} from './container-overrides.ts';

const base = {
  id: 't1',
  name: 'PyTorch',
  docker_image: 'daturaai/pytorch',
  docker_image_tag: '2.7',
  environment: { KEEP: '1', OVERRIDE: 'old' },
  entrypoint: '',
  internal_ports: [22, 8000],
  startup_commands: 'echo base',
  volumes: ['/workspace'],
} as unknown as Template;

describe('container overrides', () => {
  it('parses internal ports with 22 first and refuses a bad one', () => {
    expect(parseInternalPorts('8000,8888')).toEqual([22, 8000, 8888]);
    expect(parseInternalPorts('22, 8000')).toEqual([22, 8000]);
    expect(() => parseInternalPorts('22,70000')).toThrow('Invalid internal port "70000"');
    expect(() => parseInternalPorts('')).toThrow('Invalid internal port');
  });

  it('knows when nothing changes', () => {
    expect(hasContainerOverrides(undefined)).toBe(false);
    expect(hasContainerOverrides({ env: {} })).toBe(false);
    expect(hasContainerOverrides({ cmd: 'x' })).toBe(true);
  });

  it('lays the overrides over the base template, one-time and private, named by a hash', () => {
    const body = overriddenTemplateBody(base, {
      env: { OVERRIDE: 'new', SECRET: 's3cret' },
      cmd: 'sleep 1',
      internalPorts: [22, 9000],
    });
    expect(body).toMatchObject({
      dockerImage: 'daturaai/pytorch',
      dockerImageTag: '2.7',
      environment: { KEEP: '1', OVERRIDE: 'new', SECRET: 's3cret' },
      startupCommands: 'sleep 1',
      entrypoint: '',
      internalPorts: [22, 9000],
      oneTimeTemplate: true,
      isPrivate: true,
      isTemporary: false,
    });
    expect(body.name).toMatch(/^ephemeral-[0-9a-f]{8}$/);
    // The name never carries a value, and differs when a value does.
    expect(body.name).not.toContain('s3cret');
    expect(ephemeralTemplateName('a:1', { env: { A: '1' } })).not.toBe(
      ephemeralTemplateName('a:1', { env: { A: '2' } }),
    );
    expect(ephemeralTemplateName('a:1', { env: { A: '1', B: '2' } })).toBe(
      ephemeralTemplateName('a:1', { env: { B: '2', A: '1' } }),
    );
    expect(overriddenTemplateBody(base, { entrypoint: '/bin/sh' })).toMatchObject({
      startupCommands: 'echo base',
      internalPorts: [22, 8000],
      entrypoint: '/bin/sh',
    });
  });
});
