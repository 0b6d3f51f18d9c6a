import { describe, expect, it } from 'vitest';
import { parseSshForward } from './ssh-forwards.ts';

describe('parseSshForward: OpenSSH -L/-R/-D syntax', () => {
  it('reads the short and long forms, with 127.0.0.1 (-L, -D) or localhost (-R) by default', () => {
    expect(parseSshForward('local', '8080:localhost:80')).toEqual({
      kind: 'local',
      bindHost: '127.0.0.1',
      bindPort: 8080,
      host: 'localhost',
      port: 80,
    });
    expect(parseSshForward('local', '0.0.0.0:8080:10.0.0.2:80')).toMatchObject({
      bindHost: '0.0.0.0',
      host: '10.0.0.2',
    });
    expect(parseSshForward('remote', '9000:127.0.0.1:3000')).toMatchObject({
      kind: 'remote',
      bindHost: 'localhost',
      bindPort: 9000,
      port: 3000,
    });
    expect(parseSshForward('remote', '*:9000:127.0.0.1:3000').bindHost).toBe('');
    expect(parseSshForward('dynamic', '1080')).toEqual({
      kind: 'dynamic',
      bindHost: '127.0.0.1',
      bindPort: 1080,
    });
    expect(parseSshForward('dynamic', '*:1080').bindHost).toBe('0.0.0.0');
  });

  it('takes IPv6 addresses in brackets', () => {
    expect(parseSshForward('local', '[::1]:8080:[fe80::1]:80')).toMatchObject({
      bindHost: '::1',
      host: 'fe80::1',
      port: 80,
    });
    expect(parseSshForward('dynamic', '[::1]:1080').bindHost).toBe('::1');
  });

  it('refuses bad specs naming the flag and the form', () => {
    expect(() => parseSshForward('local', '8080')).toThrow(
      /-L "8080": expected \[bind_address:\]port:host:hostport/,
    );
    expect(() => parseSshForward('remote', '9000:h:0')).toThrow(/-R .*hostport must be/);
    expect(() => parseSshForward('local', '70000:h:80')).toThrow(/listening port must be/);
    expect(() => parseSshForward('dynamic', 'a:b:c')).toThrow(/-D "a:b:c"/);
    expect(() => parseSshForward('local', '8080::80')).toThrow(/host to reach is missing/);
    expect(() => parseSshForward('local', '[::1:8080:h:80')).toThrow(/-L/);
  });
});
