import { describe, expect, it } from 'vitest';
import { SshTargetError } from './errors.ts';
import { parseSshConnectCmd } from './target.ts';

describe('parseSshConnectCmd', () => {
  it('parses the command the API sends', () => {
    expect(parseSshConnectCmd('ssh root@38.80.122.244 -p 20299')).toEqual({
      user: 'root',
      host: '38.80.122.244',
      port: 20299,
    });
    expect(parseSshConnectCmd('ssh ubuntu@pod-1.example.com')).toEqual({
      user: 'ubuntu',
      host: 'pod-1.example.com',
      port: 22,
    });
    expect(parseSshConnectCmd('ssh root@::1 -p 22').host).toBe('::1');
  });

  it.each([
    '',
    'ssh',
    'ssh root@1.2.3.4 -p',
    'ssh root@1.2.3.4 -p 0',
    'ssh root@1.2.3.4 -p 65536',
    'ssh root@1.2.3.4 -p 22x',
    'ssh root@1.2.3.4 -P 22',
    'ssh root@1.2.3.4 -p 22 -o ProxyCommand=evil',
    'ssh -p 22 root@1.2.3.4',
    'scp root@1.2.3.4 -p 22',
    'ssh 1.2.3.4 -p 22',
    'ssh root@@1.2.3.4',
    'ssh -oProxyCommand=x@1.2.3.4',
    'ssh root@1.2.3.4;rm -rf / -p 22',
    'ssh root@$(id) -p 22',
    'ssh root@fe80::1%eth0 -p 22',
    `ssh ${'a'.repeat(33)}@1.2.3.4`,
  ])('refuses %j', (command) => {
    expect(() => parseSshConnectCmd(command)).toThrow(SshTargetError);
  });

  it('says what is accepted', () => {
    try {
      parseSshConnectCmd('ssh root@1.2.3.4 -p 22 -A');
      expect.unreachable();
    } catch (error) {
      expect((error as SshTargetError).code).toBe('ssh_target_invalid');
      expect((error as SshTargetError).hint).toMatch(/ssh <user>@<host> -p <port>/);
    }
  });
});
