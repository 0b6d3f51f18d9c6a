import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../src/index.ts';
import { tempDir } from './temp-dir.ts';

describe('funding settings', () => {
  it('reads funding.* and pay.* from the file, ~ expanded, and pay.* from LIUM_PAY_*', async () => {
    const configDir = await tempDir();
    await writeFile(
      join(configDir, 'config.ini'),
      '[funding]\nwallet_path = ~/wallets\ndefault_wallet = miner\n[pay]\nurl = http://127.0.0.1:9/pay/\n',
    );
    const settings = await resolveSettings({
      configDir,
      env: { HOME: '/home/alice', LIUM_PAY_API_KEY: 'pay-key' },
    });
    expect(settings).toMatchObject({
      walletPath: '/home/alice/wallets',
      defaultWallet: 'miner',
      payBaseUrl: 'http://127.0.0.1:9/pay',
      payApiKey: 'pay-key',
    });
  });

  it('rejects a default wallet name that could leave the wallets directory', async () => {
    const configDir = await tempDir();
    const error = await resolveSettings({
      configDir,
      env: { LIUM_FUNDING_DEFAULT_WALLET: '../x' },
    }).catch((e) => e);
    expect(error.code).toBe('config_value_invalid');
    expect(error.message).toBe(
      'funding.default_wallet (from $LIUM_FUNDING_DEFAULT_WALLET) must be a wallet name (letters, digits, _ . -).',
    );
  });
});
