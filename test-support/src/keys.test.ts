import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTestKey, startSshAgent } from './keys.ts';

describe('test keys', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lium-keys-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('generates OpenSSH and PEM keys, encrypted when asked', async () => {
    const ed = await generateTestKey({ dir, type: 'ed25519' });
    expect(ed.publicKey).toMatch(/^ssh-ed25519 /);
    expect(await readFile(ed.privateKeyPath, 'utf8')).toMatch(/BEGIN OPENSSH PRIVATE KEY/);
    const pem = await generateTestKey({ dir, type: 'ecdsa', format: 'pem', name: 'pem' });
    expect(await readFile(pem.privateKeyPath, 'utf8')).toMatch(/BEGIN EC PRIVATE KEY/);
    const enc = await generateTestKey({ dir, type: 'rsa', passphrase: 'secret', name: 'enc' });
    expect(enc.publicKey).toMatch(/^ssh-rsa /);
  });

  it('starts an ssh-agent that holds added keys', async () => {
    const key = await generateTestKey({ dir, name: 'agent_key' });
    const agent = await startSshAgent(dir);
    try {
      await agent.add(key.privateKeyPath);
      expect(agent.socketPath).toContain('agent.sock');
    } finally {
      await agent.stop();
    }
  });
});
