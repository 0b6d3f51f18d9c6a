// @ts-check
/** Facts about the machine a run was taken on, for results.json. */
import { cpus, loadavg, release, totalmem } from 'node:os';
import { repoRoot } from './paths.mjs';
import { run } from './process.mjs';

/** @param {string} command @param {string[]} args */
async function firstLine(command, args) {
  try {
    const result = await run(command, args, { timeoutMs: 10_000 });
    return `${result.stdout}${result.stderr}`.split('\n')[0]?.trim() || null;
  } catch {
    return null;
  }
}

/** @param {{ quick: boolean }} options */
export async function machineFacts(options) {
  const cpuList = cpus();
  return {
    date: new Date().toISOString(),
    mode: options.quick ? 'quick' : 'full',
    cpuCount: cpuList.length,
    cpuModel: cpuList[0]?.model ?? null,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    loadAverage1m: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    platform: `${process.platform}-${process.arch}`,
    kernel: release(),
    node: process.version,
    openssh: await firstLine('ssh', ['-V']),
    rsync: await firstLine('rsync', ['--version']),
    commit: (await firstLine('git', ['-C', repoRoot, 'rev-parse', '--short', 'HEAD'])) ?? null,
  };
}
