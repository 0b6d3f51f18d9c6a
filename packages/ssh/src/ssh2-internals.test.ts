import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SSH2_PRIVATE_FIELDS } from './ssh2-internals.ts';

describe('the ssh2 private fields we read', () => {
  const root = dirname(createRequire(import.meta.url).resolve('ssh2/package.json'));

  it('are still in the installed ssh2', () => {
    for (const [file, fields] of Object.entries(SSH2_PRIVATE_FIELDS)) {
      const source = readFileSync(join(root, file), 'utf8');
      for (const field of fields) expect(source, `${file}: ${field}`).toContain(field);
    }
  });

  it('come from the ssh2 1.17 line the catalog pins', () => {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(version).toMatch(/^1\.17\./);
  });
});
