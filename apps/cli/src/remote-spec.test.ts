import { describe, expect, it } from 'vitest';
import { parseRemoteSpec } from './remote-spec.ts';

describe('parseRemoteSpec', () => {
  it('reads TARGETS:PATH with indices, lists, all and HUIDs', () => {
    expect(parseRemoteSpec('1:/root/x')).toEqual({ targets: '1', path: '/root/x' });
    expect(parseRemoteSpec('1,2:/home/project/')).toEqual({
      targets: '1,2',
      path: '/home/project/',
    });
    expect(parseRemoteSpec('all:logs/')).toEqual({ targets: 'all', path: 'logs/' });
    expect(parseRemoteSpec('noble-hawk-a3:~/x')).toEqual({ targets: 'noble-hawk-a3', path: '~/x' });
  });

  it('leaves local paths alone, including Windows drives', () => {
    expect(parseRemoteSpec('./a:b')).toBeUndefined();
    expect(parseRemoteSpec('/tmp/a:b')).toBeUndefined();
    expect(parseRemoteSpec('~/x:y')).toBeUndefined();
    expect(parseRemoteSpec('C:\\data')).toBeUndefined();
    expect(parseRemoteSpec('dir/file')).toBeUndefined();
  });
});
