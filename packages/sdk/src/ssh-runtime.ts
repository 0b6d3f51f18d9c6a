/**
 * The parts of `@lium/ssh` that load ssh2, imported on the first SSH call only (`lium ls` and
 * other API-only work never pay the ~80 ms ssh2 costs to load). Importing them through this
 * module, not `import('@lium/ssh')`, lets a bundler keep them out of the start-up chunk.
 */
export { execMany, SshPool, writeNewKeyPair } from '@lium/ssh';
