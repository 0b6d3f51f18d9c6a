/**
 * The pods of the emulator: each running pod is a real SSH server on loopback (ssh2's Server)
 * with its own host key, its own /root, /workspace and /tmp, and its own sandbox for every
 * command (bubblewrap, else unshare namespaces; see sandbox.ts). With `openssh` a pod's server is
 * a real OpenSSH sshd instead, entering the same sandbox for every session (openssh.ts).
 */
export type { PodFaults } from './faults.ts';
export { generateHostKey } from './keys.ts';
export {
  opensshPodsUnavailable,
  POD_SSH_SERVERS,
  type PodSshServer,
  startOpensshPodServer,
} from './openssh.ts';
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
