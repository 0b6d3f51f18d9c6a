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
 * Decides which columns show and how wide, within `maxWidth`: with shrinkable columns at their
 * `shrinkTo` size, droppable columns leave by `drop` until the table fits; then the room left
 * goes back to the shrinkable columns, left to right, up to their natural width. Columns that
 * are never dropped stay even if the table still overflows (a very narrow terminal): then the
 * shrinkable ones are cut down to their header, so a listing never loses its identifying column.
 */
function fit(
  columns: readonly Column[],
  natural: readonly number[],
  maxWidth: number | undefined,
): { widths: number[]; shown: boolean[] } {
  const shown = columns.map(() => true);
  if (maxWidth === undefined || totalWidth(natural, shown) <= maxWidth) {
    return { widths: [...natural], shown };
  }
  const floorOf = (column: Column, i: number) =>
    column.shrinkTo === undefined
      ? (natural[i] ?? 0)
      : Math.min(natural[i] ?? 0, Math.max(column.shrinkTo, stringWidth(column.header)));
  const widths = columns.map(floorOf);
  const order = columns
    .map((column, i) => ({ drop: column.drop ?? 0, i }))
    .filter(({ drop }) => drop > 0)
    .sort((a, b) => b.drop - a.drop || b.i - a.i);
  for (const { i } of order) {
    if (totalWidth(widths, shown) <= maxWidth) break;
    shown[i] = false;
  }
  let room = maxWidth - totalWidth(widths, shown);
  for (const [i, column] of columns.entries()) {
    if (!shown[i] || column.shrinkTo === undefined) continue;
    const width = widths[i] ?? 0;
    if (room < 0) {
      const cut = Math.min(-room, width - Math.max(3, stringWidth(column.header)));
      widths[i] = width - Math.max(0, cut);
      room += Math.max(0, cut);
    } else {
      const grow = Math.min(room, (natural[i] ?? 0) - width);
      widths[i] = width + grow;
      room -= grow;
    }
  }
  return { widths, shown };
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
  const natural = columns.map(() => 0);
  for (const line of cellWidths) {
    for (let i = 0; i < natural.length; i++) natural[i] = Math.max(natural[i] ?? 0, line[i] ?? 0);
  }
  const { widths, shown } = fit(columns, natural, maxWidth);
  // One string for the whole table, built cell by cell (no array per row or cell).
  let text = '';
  for (let lineIndex = 0; lineIndex < lines.length; lineIndex++) {
    const cells = lines[lineIndex] ?? [];
    let line = '';
    let first = true;
    for (let index = 0; index < columns.length; index++) {
      if (!shown[index]) continue;
      const width = widths[index] ?? 0;
      let cell = cells[index] ?? '';
      let cellWidth = cellWidths[lineIndex]?.[index] ?? 0;
      if (cellWidth > width) {
        cell = truncateToWidth(cell, width);
        cellWidth = stringWidth(cell);
      }
      const padding = ' '.repeat(Math.max(0, width - cellWidth));
      if (!first) line += GAP;
      first = false;
      line += columns[index]?.align === 'right' ? padding + cell : cell + padding;
    }
    text += lineIndex === 0 ? line.trimEnd() : `\n${line.trimEnd()}`;
  }
  return { text, hidden: columns.filter((_, i) => !shown[i]).map((column) => column.header) };
}

/** {@link fitTable} without a width limit: every column, as wide as it needs. */
export function renderTable(columns: Column[], rows: string[][], palette: Palette): string {
  return fitTable(columns, rows, palette).text;
}
