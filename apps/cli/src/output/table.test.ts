import { describe, expect, it } from 'vitest';
import { createPalette, stripAnsi } from './color.ts';
import { renderTable } from './table.ts';

const columns = [
  { header: '#', align: 'right' as const },
  { header: 'GPU' },
  { header: '$/h', align: 'right' as const },
  { header: 'NOTE' },
];

describe('renderTable', () => {
  it('pads each column to its widest cell, two spaces apart, without trailing spaces', () => {
    const rows = [
      ['1', 'H100', '12.50', ''],
      ['10', 'RTX 4090', '0.5', 'cheap'],
    ];
    expect(renderTable(columns, rows, createPalette(false))).toBe(
      [' #  GPU         $/h  NOTE', ' 1  H100      12.50', '10  RTX 4090    0.5  cheap'].join('\n'),
    );
  });

  it('measures cells without their colour codes and wide characters as two columns', () => {
    const palette = createPalette(true);
    const rows = [
      ['1', palette.cyan('A100'), '1', 'x'],
      ['2', '日本', '1', 'y'],
    ];
    const plain = stripAnsi(renderTable(columns, rows, palette));
    expect(plain.split('\n')).toEqual(['#  GPU   $/h  NOTE', '1  A100    1  x', '2  日本    1  y']);
  });

  it('prints only the header when there are no rows', () => {
    expect(renderTable(columns, [], createPalette(false))).toBe('#  GPU  $/h  NOTE');
  });
});
