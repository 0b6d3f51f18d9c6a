/** The SSH target of a pod: its `ssh_connect_cmd`, parsed strictly, pinned by pod id. */
import { parseSshConnectCmd, type SshTarget } from '@lium/ssh/target';
import { LiumPodError } from './errors.ts';
import type { PodInfo } from './models.ts';

/** Statuses a pod leaves by itself on its way to RUNNING (reference §3.1). */
const ON_ITS_WAY = new Set(['PENDING', 'STARTING', 'REBOOT_PENDING', 'RUNNING']);

/** Where to SSH to for a pod (its `ssh_connect_cmd`, parsed strictly; pinned by pod id). */
export function sshTarget(pod: PodInfo): SshTarget {
  if (!pod.sshCmd) {
    const coming = ON_ITS_WAY.has(pod.status.toUpperCase());
    throw new LiumPodError(
      `Pod ${pod.name || pod.huid} has no SSH access ${coming ? 'yet ' : ''}(status ${pod.status})`,
      {
        code: 'pod_no_ssh',
        podId: pod.id,
        status: pod.status,
        hint: coming
          ? 'Wait for it: lium.waitForPodReady(pod).'
          : 'It will not come up by itself: reboot it (lium.rebootPod) or start another.',
      },
    );
  }
  return { ...parseSshConnectCmd(pod.sshCmd), hostKeyId: pod.id };
}
