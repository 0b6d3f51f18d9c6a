/** Small formatters shared by the tables and messages. */

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  // Whole bytes below 1 KB: a rate (bytes ÷ seconds) is rarely an integer.
  let value = bytes < 1024 ? Math.round(bytes) : bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function formatUsd(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  return `$${value.toFixed(digits)}`;
}

/** `3h 12m`, `45m`, `2d 4h` for a duration in milliseconds. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  const minutes = Math.floor(ms / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${mins}m`;
  return `${mins}m`;
}

export function formatNumber(value: number | null | undefined, suffix = ''): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  return `${Math.round(value)}${suffix}`;
}

/** A CUDA version as the driver reports it: `12.4`, `12.0`; `—` when unknown. */
export function formatCuda(version: number | null | undefined): string {
  if (version === null || version === undefined || !Number.isFinite(version)) return '—';
  return version.toFixed(1);
}
