import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { shellPid } from './shell-pid.ts';

describe.skipIf(!existsSync('/proc/self/stat'))('shellPid', () => {
  it('is the parent when the parent is a shell', () => {
    // bash → node: the shell is node's parent.
    const script = `process.stdout.write(String(process.ppid))`;
    const bash = spawnSync('bash', ['-c', `${process.execPath} -e '${script}'; echo " $$"`], {
      encoding: 'utf8',
    });
    const [ppid, bashPid] = bash.stdout.trim().split(/\s+/);
    expect(ppid).toBe(bashPid);
    expect(shellPid(Number(bashPid))).toBe(Number(bashPid));
  });

  it('skips node launchers up to the shell that started them', () => {
    // This test runs inside node (vitest); whatever shellPid returns is not a node process.
    const pid = shellPid(process.pid);
    expect(pid).not.toBe(process.pid);
  });
});
