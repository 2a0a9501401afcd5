// The part of blessed-contrib 4.11 that ./terminal-chart.ts uses (the package ships no types).
declare module 'blessed-contrib' {
  import type { Widgets } from 'blessed';
  interface LineSeries { title: string; x: string[]; y: number[]; style?: { line: string } }
  interface LineOptions {
    top?: number; left?: number; width?: number; height?: number; showLegend?: boolean; wholeNumbersOnly?: boolean;
    minY?: number; maxY?: number; xLabelPadding?: number; xPadding?: number; numYLabels?: number;
    style?: { text?: string; baseline?: string; line?: string };
  }
  interface LineElement extends Widgets.BoxElement { setData(series: LineSeries[]): void }
  const contrib: { line(options: LineOptions): LineElement };
  export default contrib;
}
