import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { useEmulator } from './harness.ts';

/**
 * The repository README's SDK example, run as written by the Node running the tests (20.19 in
 * CI's minimum): in a plain .mjs file, as a user would, importing the built `@lium/sdk` by name.
 * The file sits inside this package, so the name resolves to its own dist/ through `exports`.
 */
const h = useEmulator();
const scratch = new URL('./.tmp/', import.meta.url);
beforeAll(async () => {
  await mkdir(scratch, { recursive: true });
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function readmeExample(): Promise<string> {
  const readme = await readFile(new URL('../../../README.md', import.meta.url), 'utf8');
  const match = /<!-- example:sdk -->\s*```js\n([\s\S]*?)```/.exec(readme);
  if (!match?.[1]) throw new Error('README.md has no <!-- example:sdk --> js block');
  return match[1];
}

it("runs the root README's SDK example on this Node against the emulator", async () => {
  const file = new URL(`readme-sdk-${process.pid}.mjs`, scratch);
  await writeFile(file, await readmeExample());
  const { stdout } = await promisify(execFile)(process.execPath, [file.pathname], {
    env: {
      PATH: process.env.PATH,
      HOME: h.dir,
      LIUM_API_KEY: h.emu.apiKey,
      LIUM_BASE_URL: h.emu.baseUrl,
      LIUM_CONFIG_DIR: h.configDir,
      LIUM_SSH_KEY_PATH: h.keyPath,
    },
    timeout: 90_000,
  });
  expect(typeof stdout).toBe('string');
  // It rented one H100 and stopped it again.
  expect(h.emu.control.requests({ method: 'POST', path: '/executors/*/rent' })).toHaveLength(1);
  expect(await h.newLium().listPods()).toEqual([]);
}, 120_000);
