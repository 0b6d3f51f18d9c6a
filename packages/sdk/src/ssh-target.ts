/** The SSH target of a pod: its `ssh_connect_cmd`, parsed strictly, pinned by pod id. */
import { parseSshConnectCmd, type SshTarget } from '@lium/ssh/target';
import { LiumPodError } from './errors.ts';
import type { PodInfo } from './models.ts';

/** Where to SSH to for a pod (its `ssh_connect_cmd`, parsed strictly; pinned by pod id). */
export function sshTarget(pod: PodInfo): SshTarget {
  if (!pod.sshCmd) {
    throw new LiumPodError(
      `Pod ${pod.name || pod.huid} has no SSH access yet (status ${pod.status})`,
      {
        code: 'pod_no_ssh',
        podId: pod.id,
        status: pod.status,
        hint: 'Wait for it: lium.waitForPodReady(pod).',
      },
    );
  }
  return { ...parseSshConnectCmd(pod.sshCmd), hostKeyId: pod.id };
}
