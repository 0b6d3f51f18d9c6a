import { SshDisconnectedError } from '@lium/ssh';
import { describe, expect, it } from 'vitest';
import { describeError } from '../handle-error.ts';
import { explainLongCommand, LONG_COMMAND_BYTES } from './exec-errors.ts';

describe('a server refusing a long exec command', () => {
  const closed = new SshDisconnectedError('connection closed');

  it('says the command was too long and how to send it instead', () => {
    const report = describeError(explainLongCommand(closed, 'x'.repeat(40 * 1024)), false);
    expect(report.message).toContain('too long (40 KB)');
    expect(report.code).toBe('ssh_disconnected');
    expect(report.hint).toContain('--script FILE');
  });

  it('leaves short commands and other errors alone', () => {
    expect(explainLongCommand(closed, 'hostname')).toBe(closed);
    const other = new Error('boom');
    expect(explainLongCommand(other, 'x'.repeat(LONG_COMMAND_BYTES + 1))).toBe(other);
  });
});
