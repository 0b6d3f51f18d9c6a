/**
 * The two parts of ssh2 a client uses, loaded by path. ssh2's index also loads its server, key
 * generator, SFTP constants and HTTP(S) agents (with `node:http` and `node:https`): 25-50 ms of
 * start-up, measured under load, before the first handshake of every `lium` command.
 */
import { createRequire } from 'node:module';
import type ssh2 from 'ssh2';

const require = createRequire(import.meta.url);

/** ssh2's `Client` (what `require('ssh2').Client` is). */
export const Client: typeof ssh2.Client = require('ssh2/lib/client.js');

/** ssh2's `utils.parseKey`. */
export const parseKey: typeof ssh2.utils.parseKey =
  require('ssh2/lib/protocol/keyParser.js').parseKey;

/** ssh2's `utils.generateKeyPairSync`, loaded on first use (only `lium init` makes keys). */
export function generateKeyPairSync(
  ...args: Parameters<typeof ssh2.utils.generateKeyPairSync>
): ReturnType<typeof ssh2.utils.generateKeyPairSync> {
  const keygen: { generateKeyPairSync: typeof ssh2.utils.generateKeyPairSync } =
    require('ssh2/lib/keygen.js');
  return keygen.generateKeyPairSync(...args);
}
