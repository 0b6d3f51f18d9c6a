import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../src/index.ts';
import { tempDir } from './temp-dir.ts';

/** The built package: the writer we kill must be a separate process running the real code. */
const built = fileURLToPath(new URL('../dist/index.js', import.meta.url));

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** A process rewriting `path` (4 MB each time) in a loop until it is killed. */
function startWriter(path: string): Promise<ChildProcess> {
  const script = `
    const { writeFileAtomic } = await import(${JSON.stringify(built)});
    const data = 'x'.repeat(4 << 20);
    process.stdout.write('ready\\n');
    for (;;) await writeFileAtomic(${JSON.stringify(path)}, data);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.stdout?.once('data', () => resolve(child));
  });
}

const temps = async (dir: string) => (await readdir(dir)).filter((name) => name.endsWith('.tmp'));

describe.skipIf(!existsSync(built))('writeFileAtomic after a writer was killed', () => {
  it('removes the temp files that kill -9 mid-write left, on the next write', async () => {
    const dir = await tempDir();
    const path = join(dir, 'config.ini');
    // Kill writers while their temp file exists until a few are left behind (bounded).
    for (let attempt = 0; attempt < 40 && (await temps(dir)).length < 3; attempt++) {
      const writer = await startWriter(path);
      const deadline = Date.now() + 5_000;
      while ((await temps(dir)).length === 0 && Date.now() < deadline) {
        await new Promise((resolve) => setImmediate(resolve));
      }
      const exited = new Promise((resolve) => writer.once('exit', resolve));
      writer.kill('SIGKILL');
      await exited;
    }
    const left = await temps(dir);
    expect(left.length).toBeGreaterThanOrEqual(1);
    expect(left.every((name) => /^\.config\.ini\.\d+\.[0-9a-f]{12}\.tmp$/.test(name))).toBe(true);

    // A live writer's temp file (this process, and another running process) must survive.
    const ownLive = `.config.ini.${process.pid}.0123456789ab.tmp`;
    await writeFile(join(dir, ownLive), 'in progress');
    const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
    children.push(sleeper);
    const otherLive = `.config.ini.${sleeper.pid}.ba9876543210.tmp`;
    await writeFile(join(dir, otherLive), 'in progress');
    // Another file's temp files are not this write's business.
    const otherFile = '.other.ini.999999999.0123456789ab.tmp';
    await writeFile(join(dir, otherFile), 'x');

    await writeFileAtomic(path, '[api]\napi_key = k\n');
    expect(await readFile(path, 'utf8')).toBe('[api]\napi_key = k\n');
    expect((await temps(dir)).sort()).toEqual([ownLive, otherLive, otherFile].sort());
  }, 120_000);
});
