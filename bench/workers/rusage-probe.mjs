// @ts-check
/**
 * Preloaded into a measured CLI process (`node --import …/rusage-probe.mjs bin/lium.js …`): at
 * exit it writes the process's own CPU time and peak RSS (`process.resourceUsage()`) as JSON to
 * the file named by BENCH_RUSAGE_FILE, so the client's share is visible apart from the
 * emulator's on the same cores. Nothing else changes in the process.
 */
import { writeFileSync } from 'node:fs';

// biome-ignore lint/suspicious/noUndeclaredEnvVars: set by the bench for this one process, no turbo task reads it
const file = process.env.BENCH_RUSAGE_FILE;
if (file) {
  process.once('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(
      file,
      JSON.stringify({
        cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
        maxRssMiB: usage.maxRSS / 1024,
      }),
    );
  });
}
