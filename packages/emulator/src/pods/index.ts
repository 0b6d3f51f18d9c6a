/**
 * The pods of the emulator: each running pod is a real SSH server on loopback (ssh2's Server)
 * with its own host key, its own /root, /workspace and /tmp, and its own sandbox for every
 * command (bubblewrap, else unshare namespaces; see sandbox.ts).
 */
export type { PodFaults } from './faults.ts';
export { generateHostKey } from './keys.ts';
export {
  describeIsolation,
  detectSandbox,
  type Isolation,
  NO_SANDBOX_WARNING,
  SANDBOX_ENV,
  SANDBOX_MODES,
  type SandboxMode,
} from './sandbox.ts';
export { type PodServer, type PodServerOptions, startPodServer } from './server.ts';
