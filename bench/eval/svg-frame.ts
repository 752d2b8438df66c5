/**
 * The shared frame of the benchmark's hand-written SVG charts (no plotting dependency): a plot area with a 0–100 %
 * y axis, horizontal grid lines, a title and a legend.
 * @module
 */

/** Outer size and margins of every chart, in px. */
export const FRAME = { width: 640, height: 340, left: 56, right: 170, top: 44, bottom: 56 } as const;

/** A named series colour in the legend. */
export interface LegendEntry {
  readonly name: string;
  readonly colour: string;
}

/** Escapes text for SVG content and attributes. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Plot-area width and height. */
export function plotSize(): { readonly width: number; readonly height: number } {
  return { width: FRAME.width - FRAME.left - FRAME.right, height: FRAME.height - FRAME.top - FRAME.bottom };
}

/** The y pixel of a ratio in [0, 1]. */
export function yOf(ratio: number): number {
  return FRAME.top + plotSize().height * (1 - Math.max(0, Math.min(1, ratio)));
}

/** Formats a ratio as a percentage with one decimal. */
export function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(1)}%`;
}

/** The opening of a chart: background, title, y grid and labels, y-axis title, legend. `body` goes inside. */
export function renderFrame(title: string, yTitle: string, legend: readonly LegendEntry[], body: string): string {
  const { width, height } = FRAME;
  const grid = [0, 0.2, 0.4, 0.6, 0.8, 1]
    .map((tick) => {
      const y = yOf(tick).toFixed(1);
      return (
        `<line x1="${FRAME.left}" y1="${y}" x2="${width - FRAME.right}" y2="${y}" stroke="#ddd"/>` +
        `<text x="${FRAME.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle">${tick * 100}%</text>`
      );
    })
    .join('\n');
  const legendItems = legend
    .map((entry, i) => {
      const y = FRAME.top + 8 + i * 22;
      const x = width - FRAME.right + 16;
      return (
        `<rect x="${x}" y="${y - 6}" width="14" height="12" fill="${entry.colour}"/>` +
        `<text x="${x + 20}" y="${y}" dominant-baseline="middle">${escapeXml(entry.name)}</text>`
      );
    })
    .join('\n');
  const midY = FRAME.top + plotSize().height / 2;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12" fill="#222">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
    grid,
    `<text transform="translate(16 ${midY}) rotate(-90)" text-anchor="middle">${escapeXml(yTitle)}</text>`,
    body,
    legendItems,
    '</svg>',
    '',
  ].join('\n');
}
