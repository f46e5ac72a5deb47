import { afterEach, describe, expect, it, vi } from 'vitest';
import { stripAnsi, supportsColor, xterm256 } from './ansi.js';
import { terminalHeatmap } from './heatmap.js';
import { terminalHistory, terminalLineChart } from './line-chart.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('terminalLineChart', () => {
  it('draws a rising line from the bottom left to the top right in Braille', () => {
    const out = terminalLineChart([{ name: 'y', y: [0, 1, 2, 3] }], { width: 10, height: 3 });
    const rows = out.split('\n');
    // Plot rows: top, middle, bottom (each 4 Braille dots high).
    const plot = rows.slice(0, 3).map((r) => r.slice(r.search(/[┤│]/) + 1));
    expect(plot[2][0]).toMatch(/[\u2800-\u28ff]/); // bottom left has a dot
    expect(plot[0].trimEnd().length).toBe(10); // top row reaches the right edge
    expect(plot[0][0]).toBe(' ');
    expect(rows[3]).toMatch(/└─{10}$/);
    expect(rows[4].trim().split(/\s+/)).toEqual(['0', '3']);
    expect(rows[5].trim()).toBe('⣿ y');
  });

  it('marks a second series with + in plain text and colours both otherwise', () => {
    const series = [
      { name: 'loss', y: [3, 2, 1] },
      { name: 'val_loss', y: [3.5, 2.5, 2] },
    ];
    const plain = terminalLineChart(series, { width: 20, height: 5 });
    expect(plain).toContain('+');
    expect(plain).not.toContain('\x1b[');
    expect(plain).toContain('⣿ loss   + val_loss');
    const coloured = terminalLineChart(series, { width: 20, height: 5, color: true });
    expect(coloured).toContain('\x1b[38;5;');
    expect(stripAnsi(coloured)).not.toContain('+');
  });

  it('leaves gaps for NaN and says so', () => {
    const out = terminalHistory({ loss: [1, Number.NaN, 0.5], val_loss: [1.2, 1, 0.9] });
    expect(out).toMatch(/note: loss: 1 missing value \(NaN or infinite\), drawn as gaps/);
    expect(out.split('\n')[0]).toBe('loss by epoch');
    expect(() => terminalLineChart([{ name: 'a', y: [Number.NaN] }])).toThrow(/no finite value/);
    expect(() => terminalHistory({ loss: [] })).toThrow(/no epochs/);
  });
});

describe('terminalHeatmap', () => {
  it('prints values with shades, largest darkest', () => {
    const out = terminalHeatmap(
      [
        [10, 0],
        [2, 8],
      ],
      { rowLabels: ['a', 'b'], colLabels: ['a', 'b'] },
    );
    const lines = out.split('\n');
    expect(lines[1]).toBe('a  10█  0');
    expect(lines[2]).toBe('b   2░  8█');
    expect(lines[3]).toBe('  scale: 0  ░▒▓█ 10');
  });

  it('colours backgrounds with 256-colour codes when asked', () => {
    const out = terminalHeatmap([[1, 0]], { color: true });
    expect(out).toContain('\x1b[48;5;');
    expect(stripAnsi(out).split('\n')[1]).toBe('0   1  0');
    expect(xterm256([255, 255, 255])).toBe(231);
    expect(xterm256([0, 0, 0])).toBe(16);
  });

  it('rejects ragged matrices', () => {
    expect(() => terminalHeatmap([[1, 2], [3]])).toThrow(/Row 1 has 1 values/);
  });
});

describe('supportsColor', () => {
  it('follows NO_COLOR, FORCE_COLOR and the terminal', () => {
    const tty = { isTTY: true, hasColors: () => true };
    vi.stubEnv('NO_COLOR', undefined as unknown as string);
    vi.stubEnv('FORCE_COLOR', undefined as unknown as string);
    delete process.env.NO_COLOR;
    delete process.env.FORCE_COLOR;
    expect(supportsColor(tty)).toBe(true);
    expect(supportsColor({ isTTY: false })).toBe(false);
    vi.stubEnv('NO_COLOR', '1');
    expect(supportsColor(tty)).toBe(false);
    vi.unstubAllEnvs();
    delete process.env.NO_COLOR;
    vi.stubEnv('FORCE_COLOR', '1');
    expect(supportsColor({ isTTY: false })).toBe(true);
  });
});
