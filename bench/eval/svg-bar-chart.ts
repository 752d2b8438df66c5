/**
 * A grouped bar chart of ratios per category (accuracy per question type, one bar per setting).
 * @module
 */
import { escapeXml, FRAME, percent, plotSize, renderFrame, yOf } from './svg-frame.js';

/** One bar per category; a null value draws no bar. */
export interface BarSeries {
  readonly name: string;
  readonly colour: string;
  readonly values: readonly (number | null)[];
}

/** What to draw. */
export interface BarChart {
  readonly title: string;
  readonly yTitle: string;
  readonly categories: readonly string[];
  readonly series: readonly BarSeries[];
}

/** Renders the chart as a standalone SVG document. */
export function renderBarChart(chart: BarChart): string {
  const groupWidth = plotSize().width / Math.max(1, chart.categories.length);
  const barWidth = (groupWidth * 0.8) / Math.max(1, chart.series.length);
  const bottom = FRAME.top + plotSize().height;
  const bars = chart.categories.flatMap((_, c) =>
    chart.series.flatMap((series, s) => {
      const value = series.values[c];
      if (value === null || value === undefined) return [];
      const x = FRAME.left + c * groupWidth + groupWidth * 0.1 + s * barWidth;
      const y = yOf(value);
      return [
        `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" height="${(bottom - y).toFixed(1)}" fill="${series.colour}"><title>${escapeXml(`${series.name}: ${percent(value)}`)}</title></rect>`,
        `<text x="${(x + barWidth / 2 - 1).toFixed(1)}" y="${(y - 4).toFixed(1)}" text-anchor="middle" font-size="9">${Math.round(value * 100)}</text>`,
      ];
    }),
  );
  // One line per word of a snake_case name, so that long type names fit under their group.
  const labels = chart.categories.map((name, c) => {
    const x = (FRAME.left + (c + 0.5) * groupWidth).toFixed(1);
    const lines = name
      .split('_')
      .map((word, i) => `<tspan x="${x}" dy="${i === 0 ? 0 : 13}">${escapeXml(word)}</tspan>`);
    return `<text x="${x}" y="${bottom + 16}" text-anchor="middle" font-size="11">${lines.join('')}</text>`;
  });
  const axis = `<line x1="${FRAME.left}" y1="${bottom}" x2="${FRAME.width - FRAME.right}" y2="${bottom}" stroke="#888"/>`;
  return renderFrame(chart.title, chart.yTitle, chart.series, [axis, ...bars, ...labels].join('\n'));
}
