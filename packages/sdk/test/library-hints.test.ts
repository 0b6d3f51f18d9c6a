/**
 * Library packages speak in their own terms: a hint or message in `@lium/api`, `@lium/ssh`,
 * `@lium/sdk`, `@lium/config` or `@lium/errors` never names a `lium …` command (the CLI maps
 * error codes to its commands). Several such hints named commands that did not exist.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { API_ERROR_CODES } from '@lium/api';
import { CONFIG_ERROR_CODES } from '@lium/config';
import { SHARED_ERROR_CODES } from '@lium/errors';
import { SSH_ERROR_CODES } from '@lium/ssh';
import { describe, expect, it } from 'vitest';
import { SDK_ERROR_CODES } from '../src/index.ts';

const PACKAGES = ['api', 'ssh', 'sdk', 'config', 'errors', 'bittensor'];
const root = join(import.meta.dirname, '..', '..');

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'))
    .map((e) => join(e.parentPath, e.name));
}

/** String literals only: comments may mention the CLI to explain a design. */
function stringLiterals(source: string): string[] {
  const withoutComments = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  return withoutComments.match(/'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`|"(?:[^"\\\n]|\\.)*"/g) ?? [];
}

describe('library hints', () => {
  it('never name a `lium …` command', async () => {
    const offenders: string[] = [];
    for (const pkg of PACKAGES) {
      for (const file of await sourceFiles(join(root, pkg, 'src'))) {
        for (const literal of stringLiterals(await readFile(file, 'utf8'))) {
          // Lines of files the SDK writes for people (`# Managed by lium …` in ssh_config) are
          // content, not hints.
          if (/^['`"]# /.test(literal)) continue;
          if (/\blium (?![.]|is\b|io\b|API\b|account\b)[a-z-]+/.test(literal)) {
            offenders.push(`${file.slice(root.length + 1)}: ${literal}`);
          }
        }
      }
    }
    expect(offenders).toEqual([]);
  });

  it('each package exports its codes, without duplicates, sharing `aborted`', () => {
    for (const codes of [API_ERROR_CODES, SSH_ERROR_CODES, CONFIG_ERROR_CODES, SDK_ERROR_CODES]) {
      expect(new Set(codes).size).toBe(codes.length);
      for (const code of codes) expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
    }
    for (const shared of SHARED_ERROR_CODES) {
      expect(API_ERROR_CODES).toContain(shared);
      expect(SSH_ERROR_CODES).toContain(shared);
      expect(SDK_ERROR_CODES).toContain(shared);
    }
  });
});
