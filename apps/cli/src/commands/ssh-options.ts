import { flag, options, repeatable } from '../options.ts';

/** ssh's own options, also read by the argv splitter that keeps the remote command verbatim. */
export const SSH_OPTIONS = options({
  'reset-host-key': flag(
    "Forget the pod's pinned host key first (after a rebuild or reboot changed it)",
  ),
  'local-forward': repeatable(
    "As OpenSSH's -L [bind_address:]port:host:hostport: a local port (on 127.0.0.1 unless bind_address is given) reaching host:hostport as seen from the pod; repeatable",
    { alias: 'L' },
  ),
  'remote-forward': repeatable(
    "As OpenSSH's -R [bind_address:]port:host:hostport: a port on the pod (its localhost unless bind_address is given) reaching host:hostport as seen from here; repeatable",
    { alias: 'R' },
  ),
  'dynamic-forward': repeatable(
    "As OpenSSH's -D [bind_address:]port: a local SOCKS5 proxy (on 127.0.0.1 unless bind_address is given) whose connections leave from the pod; repeatable",
    { alias: 'D' },
  ),
  'forwards-only': flag(
    'As -N: no shell or command, just hold the forwards until Ctrl-C (exit 130)',
    { alias: 'N' },
  ),
});
