/**
 * The positional of commands that work on several pods at once (`exec`, `down`, `reboot`,
 * `schedules rm`, `known-hosts forget`): one declaration, so every such command describes and
 * completes TARGETS alike. Commands on one pod use `ONE_POD` (one-pod.ts).
 */
const DESCRIBE = 'Pods: index from `lium ps`, HUID, name, id, list (1,2), range (1-3), all';

/** TARGETS, required. */
export const POD_TARGETS = { type: 'string', demandOption: true, describe: DESCRIBE } as const;

/** TARGETS for commands that also take `--all` instead (`down`, `reboot`). */
export const POD_TARGETS_OR_ALL = { type: 'string', describe: DESCRIBE } as const;
