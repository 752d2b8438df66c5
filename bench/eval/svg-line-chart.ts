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
      // Labels of every other series go below their points, so that two close lines keep readable labels.
      const labelDy = s % 2 === 0 ? -9 : 17;
      const drawn = series.points.filter((p): p is { x: number; y: number } => p.y !== null);
      const path = drawn.map((p) => `${xOf(p.x).toFixed(1)},${yOf(p.y).toFixed(1)}`).join(' ');
      const dots = drawn
        .map((p) => {
          const cx = xOf(p.x).toFixed(1);
          const cy = yOf(p.y).toFixed(1);
          return (
            `<circle cx="${cx}" cy="${cy}" r="4" fill="${series.colour}"/>` +
            `<text x="${cx}" y="${(yOf(p.y) + labelDy).toFixed(1)}" text-anchor="middle" font-size="11">${percent(p.y)}</text>`
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
