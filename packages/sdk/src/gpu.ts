/**
 * The short GPU name of a machine name, e.g. `NVIDIA H100 80GB HBM3` → `H100`.
 *
 * Rules of the official client (reference Appendix A, [L] `extract_gpu_type`), tried in order,
 * case-insensitive, first match wins: `RTX PRO ####[D]` → `RTXPRO####[D]` (the newest [L] adds
 * this so the Blackwell cards do not fall through to "Edition"), `RTX ####` → `RTX####`,
 * `[HBL]##[#][S]` → `H100`/`B200`/`L40S`, `A##[##]` → `A100`/`A6000`; otherwise the last word.
 */
const PATTERNS: readonly [RegExp, (m: RegExpExecArray) => string][] = [
  [/RTX\s*PRO\s*(\d{4}D?)/i, (m) => `RTXPRO${m[1]}`],
  [/RTX\s*(\d{4})/i, (m) => `RTX${m[1]}`],
  [/([HBL])(\d{2,3}S?)/i, (m) => `${m[1]}${m[2]}`],
  [/A(\d{2,4})/i, (m) => `A${m[1]}`],
];

/**
 * The short GPU name of a machine name or GPU name, e.g. `NVIDIA H100 80GB HBM3` → `H100`
 * (upper case; the rules above); the last word when no rule matches, `Unknown` when empty.
 */
export function extractGpuModel(machineName: string): string {
  let model = MODELS.get(machineName);
  if (model === undefined) {
    model = gpuModelOf(machineName);
    // A listing names a few dozen machine types; the bound only guards a strange one.
    if (MODELS.size >= 512) MODELS.clear();
    MODELS.set(machineName, model);
  }
  return model;
}

/**
 * {@link extractGpuModel}'s answers so far: a listing of 1 000 executors holds a few dozen
 * machine names, so the patterns run a few dozen times, not 1 000.
 */
const MODELS = new Map<string, string>();

function gpuModelOf(machineName: string): string {
  for (const [pattern, format] of PATTERNS) {
    const match = pattern.exec(machineName);
    if (match) return format(match).toUpperCase();
  }
  const words = machineName.trim().split(/\s+/).filter(Boolean);
  return words.at(-1) ?? 'Unknown';
}

/** Upper-case, no spaces, hyphens or underscores: `rtx 4090` → `RTX4090`. */
export function normalizeGpuName(name: string): string {
  return name.replace(/[\s_-]+/g, '').toUpperCase();
}

/**
 * Whether a user-typed GPU name means this machine: the short names agree after normalising
 * (`h100` ↔ `H100`), or the user typed a full machine name.
 */
export function gpuNameMatches(wanted: string, machineName: string): boolean {
  const want = normalizeGpuName(wanted);
  if (!want) return false;
  if (want === normalizeGpuName(machineName)) return true;
  return want === normalizeGpuName(extractGpuModel(machineName));
}
