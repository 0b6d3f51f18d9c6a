import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PodInfo } from './models.ts';
import { parseSshConfig, renderSshConfig, sshConfigHostFor } from './ssh-config.ts';

const dir = mkdtempSync(join(tmpdir(), 'lium-ssh-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function pod(overrides: Partial<PodInfo>): PodInfo {
  return {
    id: 'pod-1',
    name: 'trainer',
    huid: 'brave-fox-1a',
    status: 'RUNNING',
    sshCmd: 'ssh root@127.0.0.1 -p 2222',
    ...overrides,
  } as PodInfo;
}

/** `ssh -G`: what OpenSSH itself makes of the file. */
function resolved(text: string, host: string): Record<string, string> {
  const file = join(dir, `cfg-${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, text);
  const out = execFileSync('ssh', ['-F', file, '-G', host], { encoding: 'utf8' });
  return Object.fromEntries(
    out
      .split('\n')
      .filter(Boolean)
      .map((line) => [line.slice(0, line.indexOf(' ')), line.slice(line.indexOf(' ') + 1)]),
  );
}

describe('renderSshConfig', () => {
  it('writes paths with spaces and % as single, escaped ssh_config arguments', () => {
    const identityFile = '/home/a b/100%/id_ed25519';
    const knownHostsDir = '/state/with space/known_hosts';
    const host = sshConfigHostFor(pod({}), { identityFile, knownHostsDir });
    const text = renderSshConfig(host ? [host] : [], { profile: 'default' });
    const seen = resolved(text, 'trainer');
    // One argument despite the space; `-G` shows tokens unexpanded, and `%%` is ssh's literal `%`.
    expect(seen.identityfile).toBe('/home/a b/100%%/id_ed25519');
    expect(seen.userknownhostsfile).toBe(`${knownHostsDir}/pod-1`);
    expect(seen).toMatchObject({ hostname: '127.0.0.1', port: '2222', user: 'root' });
    expect(parseSshConfig(text)).toEqual([host]);
  });

  it('lists running pods with SSH only, and gives each alias to one pod', () => {
    const knownHostsDir = '/k';
    const hosts = [
      pod({}),
      pod({ id: 'pod-2', huid: 'calm-owl-2b', name: 'trainer' }),
      pod({ id: 'pod-3', huid: 'odd-elk-3c', name: 'has space*' }),
      pod({ id: 'pod-4', status: 'PENDING' }),
      pod({ id: 'pod-5', sshCmd: null }),
    ].flatMap((p) => sshConfigHostFor(p, { identityFile: undefined, knownHostsDir }) ?? []);
    expect(hosts.map((h) => h.aliases)).toEqual([
      ['brave-fox-1a', 'trainer'],
      ['calm-owl-2b', 'trainer'],
      ['odd-elk-3c'],
    ]);
    const text = renderSshConfig(hosts, { profile: 'work' });
    expect(text).toContain('Host brave-fox-1a trainer\n');
    expect(text).toContain('Host calm-owl-2b\n');
    expect(text).not.toContain('IdentityFile');
    expect(resolved(text, 'trainer').port).toBe('2222');
  });
});
