import { number, options, repeatable, text } from '../options.ts';

/** exec's own options, also read by the argv splitter that keeps the remote command verbatim. */
export const EXEC_OPTIONS = options({
  script: text(
    'Run this local script file instead, under its #! line (@jupyter: the one shipped with lium); words after it are its arguments',
    { alias: 's' },
  ),
  env: repeatable(
    "Set NAME=VALUE for the command, or NAME to pass your own $NAME: that keeps the value out of lium's argv, which other users can read (repeatable; never shown in logs)",
    { alias: 'e' },
  ),
  'env-file': repeatable('Read NAME=VALUE lines from this file (# comments; --env wins)'),
  concurrency: number('whole-positive', 'Pods to run on at once (default 32)'),
});
