// Output of the release checks: one line per check, so CI logs show each one passing.
export function section(title) {
  process.stdout.write(`\n== ${title}\n`);
}

export function ok(message) {
  process.stdout.write(`  ✔ ${message}\n`);
}

/** Throws (failing the run) with `message` unless `condition` holds. */
export function check(condition, message) {
  if (!condition) throw new Error(message);
}
