import { describe, expect, it } from 'vitest';
import { execWrapper, PidLineFilter } from './exec.ts';

const MARK = '\x1elium-pid:';

describe('PidLineFilter', () => {
  it('strips the marker line at the start, even split across chunks', () => {
    const pids: number[] = [];
    const filter = new PidLineFilter((pid) => pids.push(pid));
    expect(filter.push(Buffer.from(MARK.slice(0, 4))).toString()).toBe('');
    expect(filter.push(Buffer.from(`${MARK.slice(4)}123`)).toString()).toBe('');
    expect(filter.push(Buffer.from('4\nerror: x\n')).toString()).toBe('error: x\n');
    expect(filter.push(Buffer.from(`${MARK}99\n`)).toString()).toBe(`${MARK}99\n`);
    expect(pids).toEqual([1234]);
  });

  it('passes shell start-up noise before the marker through', () => {
    const pids: number[] = [];
    const filter = new PidLineFilter((pid) => pids.push(pid));
    const out = [
      filter.push(Buffer.from('bashrc says hi\npartial')),
      filter.push(Buffer.from(` line\n${MARK}77\r\nuser output`)),
    ];
    expect(Buffer.concat(out).toString()).toBe('bashrc says hi\npartial line\nuser output');
    expect(pids).toEqual([77]);
  });

  it('gives up after 64 KiB without a marker and returns everything', () => {
    const filter = new PidLineFilter(() => undefined);
    const big = Buffer.alloc(70 * 1024, 'a');
    const out = Buffer.concat([
      filter.push(big),
      filter.push(Buffer.from(`${MARK}5\n`)),
      filter.flush(),
    ]);
    expect(out.length).toBe(big.length + MARK.length + 2);
  });
});

describe('execWrapper', () => {
  it('keeps the command out of reach of the env line and quotes it once', () => {
    const wrapped = execWrapper(`echo 'it''s' "$HOME"`, false);
    expect(wrapped).toContain(`eval 'echo '\\''it'\\'''\\''s'\\'' "$HOME"'`);
    expect(wrapped).toContain('read -r __lium_env');
  });

  it('runs the command as a trapped background job only when it can be stopped', () => {
    expect(execWrapper('true', false, true)).toContain('& wait $!');
    expect(execWrapper('true', false, false)).not.toContain('& wait');
    expect(execWrapper('true', false, false)).not.toContain('trap');
  });
});
