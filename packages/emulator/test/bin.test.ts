import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../bin/lium-emulator.js', import.meta.url));
const built = existsSync(fileURLToPath(new URL('../dist/cli.js', import.meta.url)));

// The bin runs the build (dist/), which the repo's `test` script makes first (turbo build).
describe.skipIf(!built)('the lium-emulator bin (built)', () => {
  it('starts a real process, serves the API, and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [bin, '--executors', '5', '--ready-delay', '50'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LIUM_EMULATOR_API_KEY: 'bin-test-key' },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    );
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve(out);
      });
      child.on('exit', () => reject(new Error(`exited early: ${stderr}`)));
    });
    const match = /^LIUM_BASE_URL=(\S+) LIUM_API_KEY=bin-test-key\n$/.exec(line);
    expect(match).not.toBeNull();
    const response = await fetch(`${match?.[1]}/users/me`, {
      headers: { 'X-API-KEY': 'bin-test-key' },
    });
    expect(response.status).toBe(200);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toContain('stopped');
  });
});
