import { flag, options } from '../options.ts';

/** ssh's own options, also read by the argv splitter that keeps the remote command verbatim. */
export const SSH_OPTIONS = options({
  'reset-host-key': flag(
    "Forget the pod's pinned host key first (after a rebuild or reboot changed it)",
  ),
});
