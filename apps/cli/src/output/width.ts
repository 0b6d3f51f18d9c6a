import type { CliIO } from '../io.ts';

/**
 * How wide stdout's lines may be: the terminal's width on a terminal, else `COLUMNS` when it is
 * a positive whole number (so `COLUMNS=80 lium ls | less` fits an 80-column pager), else no limit
 * (a file or pipe gets every column).
 */
export function outputWidth(io: Pick<CliIO, 'stdout' | 'env'>): number | undefined {
  const fromEnv = Number(io.env.COLUMNS);
  const envWidth = Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : undefined;
  if (io.stdout.isTTY) {
    const columns = io.stdout.columns;
    return columns !== undefined && columns > 0 ? columns : envWidth;
  }
  return envWidth;
}
