import { describe, expect, it } from 'vitest';
import { rsyncArgs, systemSshShellCommand } from './sync-rsync.ts';

describe('rsync command line', () => {
  const base = { source: 'a/', dest: 'root@h:b', direction: 'up' as const };

  it('asks for progress lines only when someone reads them', () => {
    expect(rsyncArgs(base, 'ssh', 'a/', 'root@h:b')).not.toContain('--info=progress2');
    expect(rsyncArgs({ ...base, onProgress: () => undefined }, 'ssh', 'a/', 'root@h:b')).toContain(
      '--info=progress2',
    );
  });

  it('passes ssh words with spaces to -e quoted, as rsync splits them', () => {
    const shell = systemSshShellCommand({
      args: ['-p', '2222', '-i', '/home/a b/.ssh/id', '-o', 'UserKnownHostsFile=/k/pod-1'],
      env: {},
    });
    expect(shell).toBe('ssh -p 2222 -i "/home/a b/.ssh/id" -o UserKnownHostsFile=/k/pod-1');
  });
});
