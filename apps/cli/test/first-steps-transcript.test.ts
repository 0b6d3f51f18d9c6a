import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { type Emulator, startEmulator } from '@lium/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import stringWidth from '../src/output/string-width.ts';
import { ensureBuilt, runBuilt } from './built-cli.ts';
import { makeSandbox, type Sandbox } from './helpers.ts';

/*
 * The first-steps workflow of the README (init, ls, up, ps, exec, down) through the built CLI
 * at 80 columns, against the emulator, kept as a fixture: a change to what people see first
 * shows up as a diff here, and no line of it may be wider than the terminal (issue #14).
 * Pod HUIDs, ports, paths and times differ per run and are replaced by placeholders, and runs of
 * spaces by two (the widths were checked before).
 * `UPDATE_TRANSCRIPTS=1` rewrites the fixture.
 */

const FIXTURE = new URL('./fixtures/first-steps-80.txt', import.meta.url);

let emulator: Emulator;
let sandbox: Sandbox;

beforeAll(async () => {
  ensureBuilt();
  emulator = await startEmulator({ executors: 40, readyDelayMs: 200 });
  sandbox = makeSandbox();
}, 180_000);

afterAll(async () => {
  await emulator?.close();
  sandbox?.cleanup();
});

function normalise(text: string, podHuids: readonly string[]): string {
  let out = text.split(sandbox.dir).join('<sandbox>');
  for (const [i, huid] of podHuids.entries()) out = out.split(huid).join(`<pod-${i + 1}>`);
  return (
    out
      .replace(/(-p |127\.0\.0\.1:)\d{2,5}/g, '$1<port>')
      .replace(/\b\d+ d \d+ h\b/g, '<runway>')
      // A pod HUID's length varies, and with it the padding and how far TEMPLATE is cut.
      .replace(/Pytorch \(Cuda\)[^\n]*?(?= {2}\$)/g, '<template>')
      .replace(/ {2,}/g, '  ')
      .replace(/ +$/gm, '')
  );
}

describe('the first-steps transcript at 80 columns', () => {
  it('matches the fixture and never wraps a line', async () => {
    const env = {
      ...sandbox.env,
      LIUM_BASE_URL: emulator.baseUrl,
      COLUMNS: '80',
      TZ: 'UTC',
      LANG: 'en_US.UTF-8',
    };
    const steps: string[][] = [
      ['init', '--ssh-key', sandbox.keyPath],
      ['ls', '--limit', '5'],
      ['up', '1', '-y'],
      ['ps'],
      ['exec', '1', 'echo', 'hello from the pod'],
      ['down', '1', '-y'],
      ['ps'],
    ];
    const raw: string[] = [];
    for (const [i, argv] of steps.entries()) {
      // Only init sees the key in the environment; the rest read it from config.ini.
      const result = await runBuilt(
        argv,
        i === 0 ? { ...env, LIUM_API_KEY: emulator.apiKey } : env,
      );
      expect(result.code, `lium ${argv.join(' ')}\n${result.stderr}`).toBe(0);
      raw.push(`$ lium ${argv.join(' ')}\n${result.stdout}${result.stderr}`);
    }
    const podHuids = [...raw.join('\n').matchAll(/✔ (\S+) \(\S+\) is ready/g)].map(
      (m) => m[1] as string,
    );
    expect(podHuids).toHaveLength(1);
    for (const line of raw.join('\n').split('\n')) {
      expect(stringWidth(line), line).toBeLessThanOrEqual(80);
    }
    const transcript = normalise(raw.join('\n'), podHuids);
    expect(transcript).not.toContain(emulator.apiKey);
    if (process.env.UPDATE_TRANSCRIPTS) writeFileSync(FIXTURE, transcript);
    expect(existsSync(FIXTURE), 'no fixture: run with UPDATE_TRANSCRIPTS=1').toBe(true);
    expect(transcript).toBe(readFileSync(FIXTURE, 'utf8'));
  }, 180_000);
});
