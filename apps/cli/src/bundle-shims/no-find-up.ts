/**
 * What yargs' ESM build imports as `escalade/sync`, for our bundle only (see tsdown.config.ts).
 * yargs walks from the working directory (bundled, it cannot tell its own) up to `/`, listing
 * every directory, to find a package.json whose `version` it guesses for `--version`. lium
 * passes its own version, so the walk only cost time at every start and read the user's files:
 * finding nothing is what yargs already handles.
 */
export default function findUp(): undefined {
  return undefined;
}
