import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasPerl } from '../../src/pods/process.ts';
import { prctlSyscall, SHIM_SOURCE } from '../../src/pods/shim.ts';
import { UNSHARE_SETUP_PERL } from '../../src/pods/unshare.ts';

const PERL = '/usr/bin/perl';

/**
 * Runs the shim as process.ts does (fd 3 control socket, 4/5/6 the command's stdio) with an END
 * block that writes the Perl modules it loaded (`%INC`) to `incFile` when the shim exits.
 */
async function runShim(mode: 'plain' | 'pty', argv: string[], incFile: string) {
  const source = `${SHIM_SOURCE}\nEND { open(my $f, '>', '${incFile}'); print $f join(' ', sort keys %INC); }\n`;
  const child = spawn(PERL, ['-e', source, mode, ...argv], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe', 'pipe', 'pipe'],
  });
  const text = async (stream: Readable): Promise<string> => {
    let all = '';
    for await (const chunk of stream) all += chunk;
    return all;
  };
  const [, , diag, ctl, stdin, stdout, stderr] = child.stdio as unknown as Readable[];
  (stdin as unknown as NodeJS.WritableStream).end();
  const [report, out, err, problems, code] = await Promise.all([
    text(ctl as Readable),
    text(stdout as Readable),
    text(stderr as Readable),
    text(diag as Readable),
    new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c))),
  ]);
  return { report, out, err, problems, code, loaded: await readFile(incFile, 'utf8') };
}

describe.runIf(hasPerl())('the pod command shim', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lium-shim-test-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('runs a plain command without loading a single Perl module (its start-up is per exec)', async () => {
    const result = await runShim(
      'plain',
      ['/bin/sh', '-c', 'echo out; echo err >&2; exit 3'],
      join(dir, 'plain-inc'),
    );
    expect(result).toMatchObject({ report: 'exit 3\n', out: 'out\n', err: 'err\n', code: 0 });
    expect(result.problems).toBe('');
    expect(result.loaded).toBe('');
  });

  it('leaves none of its fds 3-6 open in the command, and reports one that cannot start as 127', async () => {
    const fds = await runShim(
      'plain',
      ['/bin/sh', '-c', 'for fd in 0 1 2 3 4 5 6; do [ -e /proc/self/fd/$fd ] && echo $fd; done'],
      join(dir, 'fds-inc'),
    );
    expect(fds.out).toBe('0\n1\n2\n');
    const missing = await runShim('plain', ['/nonexistent/program'], join(dir, 'missing-inc'));
    expect(missing.report).toBe('exit 127\n');
    expect(missing.err).toMatch(/^\/nonexistent\/program: /);
  });

  it('loads POSIX in pty mode only (tcgetpgrp and the tty open flags)', async () => {
    const result = await runShim('pty', ['/bin/sh', '-c', 'exit 0'], join(dir, 'pty-inc'));
    expect(result.report).toBe('exit 0\n');
    expect(result.loaded.split(' ')).toContain('POSIX.pm');
  });

  it('compiles cleanly under strict and warnings, and under strict after the unshare setup', () => {
    for (const [flags, source] of [
      [['-Mstrict', '-Mwarnings'], SHIM_SOURCE],
      [['-Mstrict'], `${UNSHARE_SETUP_PERL}\n${SHIM_SOURCE}`],
    ] as const) {
      const check = spawnSync(PERL, [...flags, '-c', '-e', source], { encoding: 'utf8' });
      expect(check.stderr.trim()).toBe('-e syntax OK');
      expect(check.status).toBe(0);
    }
  });
});

describe('prctl syscall number for the subreaper', () => {
  it('is known on Linux x64 and arm64 and absent elsewhere', () => {
    expect(prctlSyscall('linux', 'x64')).toBe(157);
    expect(prctlSyscall('linux', 'arm64')).toBe(167);
    expect(prctlSyscall('linux', 'riscv64')).toBeUndefined();
    expect(prctlSyscall('darwin', 'arm64')).toBeUndefined();
  });
});
