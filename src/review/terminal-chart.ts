// The context chart for a terminal, drawn by blessed-contrib (the one module that imports
// blessed and blessed-contrib). Input: ChartData (./chart.ts) and the terminal's width. Output:
// the chart as lines of text with colour escapes, to print inline like any other output: the
// chart is drawn on an off-screen blessed screen (its input and output are in-memory streams, so
// the user's terminal is never switched to the alternate screen or put in raw mode) and read
// back with blessed's screenshot. The line is the context (thousands of tokens) per turn, the
// red line the auto-compact point, and the x axis carries each marker's key (C checkpoint,
// K compaction, H held back) at the turn where it happened.
import { PassThrough } from 'node:stream';
import blessed from 'blessed';
import contrib from 'blessed-contrib';
import type { ChartData } from './chart.js';

/** Below this width the braille chart is unreadable; `guard log` prints the text curve instead. */
export const MIN_CHART_COLUMNS = 60;
/** Rows of the chart (the plot and the x axis labels). */
const CHART_ROWS = 14;
/** Wider than this and the lines get thin and far apart; the chart stops growing. */
const MAX_CHART_COLUMNS = 120;
/** blessed-contrib places an x label every so many cells at least (label width + 2). */
const CELLS_PER_POINT = 3;

interface Stream extends PassThrough { columns: number; rows: number; isTTY: boolean }

function stream(columns: number, rows: number): Stream {
  const s = new PassThrough() as Stream;
  s.columns = columns;
  s.rows = rows;
  s.isTTY = true;
  s.resume(); // blessed writes its own escape sequences here; nobody reads them.
  return s;
}

/** How many chart points fit a terminal this wide. */
export function chartPointsFor(columns: number): number {
  return Math.max(2, Math.floor((Math.min(columns, MAX_CHART_COLUMNS) - 12) / CELLS_PER_POINT));
}

export function drawTerminalChart(data: ChartData, columns: number): string[] {
  if (data.points.length === 0) return [];
  const width = Math.min(columns, MAX_CHART_COLUMNS);
  const output = stream(width, CHART_ROWS + 1);
  const input = stream(width, CHART_ROWS + 1);
  const screen = blessed.screen({ input, output, terminal: 'xterm-256color', warnings: false, fullUnicode: true, autoPadding: false });
  try {
    const k = (v: number): number => Math.round(v / 1000);
    const keys = data.points.map(() => '');
    for (const m of data.markers) keys[m.at] = keys[m.at] === '' ? m.key : '*';
    const x = data.points.map((p, i) => (keys[i] ? `${p.toTurn}${keys[i]}` : data.points.length <= 12 || i % 5 === 0 ? String(p.toTurn) : ''));
    const series: Array<{ title: string; x: string[]; y: number[]; style?: { line: string } }> = [
      { title: 'context (k)', x, y: data.points.map((p) => k(p.contextTokens)), style: { line: 'cyan' } },
    ];
    if (data.autoCompactAt !== null) series.push({ title: 'auto-compact', x, y: data.points.map((p) => k(p.autoCompactAt ?? data.autoCompactAt!)), style: { line: 'red' } });
    const line = contrib.line({
      top: 0, left: 0, width, height: CHART_ROWS, showLegend: false, wholeNumbersOnly: true, minY: 0, maxY: Math.ceil(k(data.top) * 1.1),
      xLabelPadding: 3, xPadding: 5, numYLabels: 4, style: { text: 'white', baseline: 'white', line: 'cyan' },
    });
    screen.append(line);
    line.setData(series);
    screen.render();
    const lines = screen.screenshot(0, width, 0, CHART_ROWS).split('\n').map((l) => l.trimEnd());
    // blessed pads the screen with empty rows below the x axis labels.
    while (lines.length > 0 && lines.at(-1)!.replace(/\x1b\[[0-9;]*m/g, '').trim() === '') lines.pop();
    const legend = `context in thousands of tokens per turn${data.autoCompactAt !== null ? `; red: the auto-compact point (${k(data.autoCompactAt)}k)` : ''}`;
    return [legend, ...lines];
  } finally {
    screen.destroy();
  }
}
