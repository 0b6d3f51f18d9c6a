import { readFile } from 'node:fs/promises';
import { beforeAll, expect, it, vi } from 'vitest';
import { useEmulator } from './harness.ts';

/**
 * The README's "Typical workflow" example, run unchanged. The code lives in
 * examples/typical-workflow.ts (so `tsc` checks it); the README must show exactly that file, and
 * the test imports it with the environment pointing `new Lium()` at the emulator.
 */
const h = useEmulator();
beforeAll(async () => {});

async function readmeExample(): Promise<string> {
  const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
  const match = /<!-- example:workflow -->\s*```ts\n([\s\S]*?)```/.exec(readme);
  if (!match?.[1]) throw new Error('README.md has no workflow example');
  return match[1];
}

it("runs the README's typical workflow against the emulator", async () => {
  vi.stubEnv('LIUM_API_KEY', h.emu.apiKey);
  vi.stubEnv('LIUM_BASE_URL', h.emu.baseUrl);
  vi.stubEnv('LIUM_CONFIG_DIR', h.configDir);
  vi.stubEnv('LIUM_SSH_KEY_PATH', h.keyPath);
  const logs: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    logs.push(args.map(String).join(' '));
  });
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);

  const example = new URL('../examples/typical-workflow.ts', import.meta.url);
  expect(await readmeExample()).toBe(await readFile(example, 'utf8'));
  await import(/* @vite-ignore */ example.href);
  stdout.mockRestore();

  expect(logs[0]).toMatch(/^[a-z]+-[a-z]+-[0-9a-f]{2}: \d+× H100, \$[\d.]+\/h$/);
  expect(logs.at(-1)).toBe('results: epoch 1: loss 0.42\n');

  // It rented the cheapest H100, once, and the pod is gone again.
  const [cheapest] = (await h.newLium().listExecutors({ gpuType: 'H100' })).toSorted(
    (a, b) => a.pricePerGpuHour - b.pricePerGpuHour,
  );
  const rents = h.emu.control.requests({ method: 'POST', path: '/executors/*/rent' });
  expect(rents.map((r) => r.path)).toEqual([`/executors/${cheapest?.id}/rent`]);
  expect(await h.newLium().listPods()).toEqual([]);
}, 120_000);
