/**
 * The pods of the emulator: each running pod is a real SSH server on loopback (ssh2's Server)
 * with its own host key, its own /root, /workspace and /tmp, and — where bubblewrap works —
 * its own sandbox for every command.
 */
export type { PodFaults } from './faults.ts';
export { generateHostKey } from './keys.ts';
export { describeIsolation, detectSandbox, type Isolation, type SandboxMode } from './sandbox.ts';
export { type PodServer, type PodServerOptions, startPodServer } from './server.ts';
