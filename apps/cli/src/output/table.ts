import Table from 'cli-table3';
import type { Palette } from './color.ts';

export interface Column {
  header: string;
  align?: 'left' | 'right';
}

const NO_BORDERS = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: '  ',
};

/** A borderless table (like `docker ps`), header dimmed when colour is on. */
export function renderTable(columns: Column[], rows: string[][], palette: Palette): string {
  const table = new Table({
    head: columns.map((column) => palette.bold(column.header)),
    chars: NO_BORDERS,
    colAligns: columns.map((column) => column.align ?? 'left'),
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
  });
  for (const row of rows) table.push(row);
  return table
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n');
}
