/**
 * A line chart of ratios over numeric x values (accuracy against the number of injected distractors).
 * @module
 */
import { escapeXml, FRAME, percent, plotSize, renderFrame, yOf } from './svg-frame.js';

/** One line; a null y leaves a gap. */
export interface LineSeries {
  readonly name: string;
  readonly colour: string;
  readonly points: readonly { readonly x: number; readonly y: number | null }[];
}

/** What to draw. */
export interface LineChart {
  readonly title: string;
  readonly xTitle: string;
  readonly yTitle: string;
  /** The x values marked on the axis; the axis spans their range. */
  readonly xTicks: readonly number[];
  readonly series: readonly LineSeries[];
}

/** Renders the chart as a standalone SVG document. */
export function renderLineChart(chart: LineChart): string {
  const low = Math.min(...chart.xTicks);
  const high = Math.max(...chart.xTicks);
  const xOf = (x: number) => FRAME.left + 16 + ((plotSize().width - 32) * (x - low)) / Math.max(1, high - low);
  const bottom = FRAME.top + plotSize().height;
  const ticks = chart.xTicks
    .map((x) => `<text x="${xOf(x).toFixed(1)}" y="${bottom + 18}" text-anchor="middle">${x}</text>`)
    .join('\n');
  const lines = chart.series
    .map((series, s) => {
      // The top point at an x is labelled above, the others below, so that close lines keep readable labels.
      const isTop = (p: { x: number; y: number }) =>
        chart.series.every((other, o) => {
          const y = other.points.find((q) => q.x === p.x)?.y;
          return o === s || y === null || y === undefined || p.y > y || (p.y === y && s < o);
        });
      const drawn = series.points.filter((p): p is { x: number; y: number } => p.y !== null);
      const path = drawn.map((p) => `${xOf(p.x).toFixed(1)},${yOf(p.y).toFixed(1)}`).join(' ');
      const dots = drawn
        .map((p) => {
          const cx = xOf(p.x).toFixed(1);
          const cy = yOf(p.y).toFixed(1);
          return (
            `<circle cx="${cx}" cy="${cy}" r="4" fill="${series.colour}"/>` +
            `<text x="${cx}" y="${(yOf(p.y) + (isTop(p) ? -9 : 17)).toFixed(1)}" text-anchor="middle" font-size="11">${percent(p.y)}</text>`
          );
        })
        .join('\n');
      return `<polyline points="${path}" fill="none" stroke="${series.colour}" stroke-width="2.5"/>\n${dots}`;
    })
    .join('\n');
  const axis = `<line x1="${FRAME.left}" y1="${bottom}" x2="${FRAME.width - FRAME.right}" y2="${bottom}" stroke="#888"/>`;
  const xTitle = `<text x="${FRAME.left + plotSize().width / 2}" y="${bottom + 40}" text-anchor="middle">${escapeXml(chart.xTitle)}</text>`;
  return renderFrame(chart.title, chart.yTitle, chart.series, [axis, ticks, xTitle, lines].join('\n'));
}
