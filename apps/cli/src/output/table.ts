import type { Palette } from './color.ts';
import stringWidth from './string-width.ts';
import { truncateToWidth } from './truncate.ts';

export interface Column {
  header: string;
  align?: 'left' | 'right';
  /**
   * Which columns go first when the table is too wide for the terminal (like `kubectl` and
   * `gh`): the highest number is dropped first; 0 or none is never dropped.
   */
  drop?: number;
  /** The column may be cut (with `…`) down to this many columns before anything is dropped. */
  shrinkTo?: number;
}

export interface RenderedTable {
  text: string;
  /** Headers of the columns left out to fit `maxWidth`, in table order. */
  hidden: string[];
}

const GAP = '  ';

function naturalWidths(columns: readonly Column[], lines: readonly string[][]): number[][] {
  return lines.map((cells) => columns.map((_, index) => stringWidth(cells[index] ?? '')));
}

function totalWidth(widths: readonly number[], shown: readonly boolean[]): number {
  const kept = widths.filter((_, i) => shown[i]);
  return kept.reduce((sum, w) => sum + w, 0) + GAP.length * Math.max(0, kept.length - 1);
}

/**
 * Decides each column's width within `maxWidth`: shrinkable columns are cut first (widest
 * first, down to their `shrinkTo`), then droppable columns leave by `drop`, then shrinkable ones
 * give up what is left. Columns that are never dropped are kept even if the table still
 * overflows (a very narrow terminal), so no listing ever loses its identifying column.
 */
function fit(
  columns: readonly Column[],
  widths: number[],
  maxWidth: number | undefined,
): { widths: number[]; shown: boolean[] } {
  const shown = columns.map(() => true);
  if (maxWidth === undefined || totalWidth(widths, shown) <= maxWidth) return { widths, shown };
  const fitted = [...widths];
  const shrink = (floor: (column: Column, natural: number) => number) => {
    for (const [i, column] of columns.entries()) {
      if (!shown[i] || column.shrinkTo === undefined) continue;
      const over = totalWidth(fitted, shown) - maxWidth;
      if (over <= 0) return;
      const low = Math.min(fitted[i] ?? 0, floor(column, widths[i] ?? 0));
      fitted[i] = Math.max(low, (fitted[i] ?? 0) - over);
    }
  };
  // 1. Cut long text (names, ssh commands) to its usual size.
  shrink((column) => Math.max(column.shrinkTo ?? 0, stringWidth(column.header)));
  // 2. Drop the least needed columns.
  const order = columns
    .map((column, i) => ({ drop: column.drop ?? 0, i }))
    .filter(({ drop }) => drop > 0)
    .sort((a, b) => b.drop - a.drop || b.i - a.i);
  for (const { i } of order) {
    if (totalWidth(fitted, shown) <= maxWidth) break;
    shown[i] = false;
  }
  // 3. Still too wide: cut the shrinkable columns further, down to their header.
  shrink((column) => Math.max(3, Math.min(column.shrinkTo ?? 0, stringWidth(column.header))));
  return { widths: fitted, shown };
}

/**
 * A borderless table (like `docker ps`), header in bold when colour is on. Each column is as
 * wide as its widest cell (measured without colour codes), columns are two spaces apart, and
 * trailing spaces are trimmed. With `maxWidth` (the terminal's width), columns are cut or
 * dropped by priority so that no row wraps. Rendered in one pass over the cells: `lium ls`
 * prints a page of 1 000 executors, and cli-table3 (which checks every cell for spans against
 * all earlier rows) took seconds for that.
 */
export function fitTable(
  columns: readonly Column[],
  rows: readonly string[][],
  palette: Palette,
  maxWidth?: number,
): RenderedTable {
  const header = columns.map((column) => palette.bold(column.header));
  const lines = [header, ...rows];
  const cellWidths = naturalWidths(columns, lines);
  const natural = columns.map((_, i) => Math.max(0, ...cellWidths.map((line) => line[i] ?? 0)));
  const { widths, shown } = fit(columns, natural, maxWidth);
  const text = lines
    .map((cells, lineIndex) =>
      columns
        .flatMap((column, index) => {
          if (!shown[index]) return [];
          const width = widths[index] ?? 0;
          let cell = cells[index] ?? '';
          let cellWidth = cellWidths[lineIndex]?.[index] ?? 0;
          if (cellWidth > width) {
            cell = truncateToWidth(cell, width);
            cellWidth = stringWidth(cell);
          }
          const padding = ' '.repeat(Math.max(0, width - cellWidth));
          return [column.align === 'right' ? padding + cell : cell + padding];
        })
        .join(GAP)
        .trimEnd(),
    )
    .join('\n');
  return { text, hidden: columns.filter((_, i) => !shown[i]).map((column) => column.header) };
}

/** {@link fitTable} without a width limit: every column, as wide as it needs. */
export function renderTable(columns: Column[], rows: string[][], palette: Palette): string {
  return fitTable(columns, rows, palette).text;
}
