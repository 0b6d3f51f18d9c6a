import type { Palette } from './color.ts';
import stringWidth from './string-width.ts';

export interface Column {
  header: string;
  align?: 'left' | 'right';
}

const GAP = '  ';

/**
 * A borderless table (like `docker ps`), header in bold when colour is on. Each column is as
 * wide as its widest cell (measured without colour codes), columns are two spaces apart, and
 * trailing spaces are trimmed. Rendered in one pass over the cells: `lium ls` prints a page of
 * 1 000 executors, and cli-table3 (which checks every cell for spans against all earlier rows)
 * took seconds for that.
 */
export function renderTable(columns: Column[], rows: string[][], palette: Palette): string {
  const header = columns.map((column) => palette.bold(column.header));
  const lines = [header, ...rows];
  const widths = columns.map(() => 0);
  const cellWidths = lines.map((cells) =>
    columns.map((_, index) => {
      const width = stringWidth(cells[index] ?? '');
      if (width > (widths[index] ?? 0)) widths[index] = width;
      return width;
    }),
  );
  return lines
    .map((cells, lineIndex) =>
      columns
        .map((column, index) => {
          const cell = cells[index] ?? '';
          const padding = ' '.repeat((widths[index] ?? 0) - (cellWidths[lineIndex]?.[index] ?? 0));
          return column.align === 'right' ? padding + cell : cell + padding;
        })
        .join(GAP)
        .trimEnd(),
    )
    .join('\n');
}
