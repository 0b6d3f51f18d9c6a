import { describe, expect, it } from 'vitest';
import { createPalette, stripAnsi } from './color.ts';
import { fitTable, renderTable } from './table.ts';

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

describe('fitTable', () => {
  const wide = [
    { header: '#', align: 'right' as const },
    { header: 'ID' },
    { header: 'NAME', shrinkTo: 6 },
    { header: 'RAM', align: 'right' as const, drop: 1 },
    { header: 'NOTE', drop: 2 },
  ];
  const rows = [['1', 'alpha-beta', 'a-very-long-name', '64G', 'something to say']];
  const plain = createPalette(false);

  it('keeps everything when it fits', () => {
    const { text, hidden } = fitTable(wide, rows, plain, 200);
    expect(hidden).toEqual([]);
    expect(text.split('\n')[1]).toBe('1  alpha-beta  a-very-long-name  64G  something to say');
  });

  it('drops the highest drop first, cuts shrinkable cells with …, and never exceeds the width', () => {
    const { text, hidden } = fitTable(wide, rows, plain, 40);
    expect(hidden).toEqual(['NOTE']);
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(40);
    expect(text.split('\n')[1]).toBe('1  alpha-beta  a-very-long-name  64G');
    const narrow = fitTable(wide, rows, plain, 25);
    expect(narrow.hidden).toEqual(['RAM', 'NOTE']);
    expect(narrow.text.split('\n')[1]).toBe('1  alpha-beta  a-very-lo…');
  });

  it('keeps columns that are never dropped even when the terminal is narrower', () => {
    const { text } = fitTable(wide, rows, plain, 10);
    expect(text.split('\n')[1]).toMatch(/^1 {2}alpha-beta {2}\S+…$/);
  });

  it('cuts coloured cells without leaking the colour', () => {
    const c = createPalette(true);
    const { text } = fitTable(wide, [['1', 'x', c.cyan('a-very-long-name'), '', '']], c, 12);
    expect(text).toContain('\u001b[0m');
    expect(stripAnsi(text).split('\n')[1]).toBe('1  x   a-ve…');
  });
});
