import type { PasswordSource, WalletLocation } from '@lium/bittensor';
import { expect, expectTypeOf, it } from 'vitest';
import type { FundPasswordSource, FundWalletLocation } from '../src/index.ts';

/**
 * The SDK declares the wallet and password shapes `fund` takes instead of importing them from
 * `@lium/bittensor`, an optional peer: its published types must compile without that package
 * installed (test:release checks it with a strict consumer). They must stay the same types.
 */
it('declares the same wallet and password shapes as @lium/bittensor', () => {
  expectTypeOf<FundWalletLocation>().toEqualTypeOf<WalletLocation>();
  expectTypeOf<FundPasswordSource>().toEqualTypeOf<PasswordSource>();
});

it('publishes types that import nothing from @lium/bittensor', async () => {
  const { readFile } = await import('node:fs/promises');
  const types = await readFile(new URL('../dist/index.d.ts', import.meta.url), 'utf8');
  expect(types).not.toMatch(/from ["']@lium\/bittensor["']|import\(["']@lium\/bittensor["']\)/);
});
