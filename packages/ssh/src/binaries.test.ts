import { describe, expect, it } from 'vitest';
import { rsyncVersionUsable } from './binaries.ts';

describe('rsyncVersionUsable', () => {
  it('accepts samba rsync 3.1 and newer only', () => {
    expect(rsyncVersionUsable('rsync  version 3.5.0  protocol version 32')).toBe(true);
    expect(rsyncVersionUsable('rsync  version v3.2.7  protocol version 31')).toBe(true);
    expect(rsyncVersionUsable('rsync  version 3.1.3  protocol version 31')).toBe(true);
    expect(rsyncVersionUsable('rsync  version 2.6.9  protocol version 29')).toBe(false);
    expect(rsyncVersionUsable('openrsync: protocol version 29')).toBe(false);
    expect(rsyncVersionUsable(undefined)).toBe(false);
  });
});
