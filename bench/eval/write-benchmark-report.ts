/**
 * Writes `docs/benchmark.md` (or the `--report` path) and its plots beside it, in a folder named after the page
 * (`docs/benchmark/distractors.svg`, `docs/benchmark/accuracy-by-type.svg`).
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { renderBenchmarkMarkdown, type RunContext } from './benchmark-markdown.js';
import type { EvalReport } from './eval-report.js';
import { DISTRACTOR_COUNTS } from './run-ablations.js';
import { renderBarChart } from './svg-bar-chart.js';
import { renderLineChart } from './svg-line-chart.js';

const COLOURS = { askg: '#1f77b4', noAskg: '#d62728', closed: '#999999', noInstruction: '#ff7f0e' } as const;

/** The accuracy-per-type plot: the main run over all questions, and closed-book on the ablation subset. */
function renderTypeBars(report: EvalReport): string {
  const categories = Object.keys(report.accuracy_by_type);
  const ablations = report.ablations;
  const series = [
    { name: 'full pipeline', colour: COLOURS.askg, values: categories.map((t) => report.accuracy_by_type[t] ?? null) },
    ...(ablations
      ? [
          {
            name: 'no question instr.',
            colour: COLOURS.noInstruction,
            values: categories.map((t) => ablations.no_question_instruction.accuracy_by_type[t] ?? null),
          },
          {
            name: 'closed-book',
            colour: COLOURS.closed,
            values: categories.map((t) => ablations.closed_book.accuracy_by_type[t] ?? null),
          },
        ]
      : []),
  ];
  return renderBarChart({ title: 'Accuracy per question type', yTitle: 'accuracy', categories, series });
}

function renderDistractorLines(report: EvalReport): string | undefined {
  const distractors = report.ablations?.distractors;
  if (distractors === undefined) return undefined;
  const pointsOf = (accuracy: Readonly<Record<string, number | null>> | undefined) =>
    DISTRACTOR_COUNTS.map((x) => ({ x, y: accuracy?.[x] ?? null }));
  return renderLineChart({
    title: 'Accuracy against injected distractors',
    xTitle: 'distractors in the prompt (with the 4 retrieved references)',
    yTitle: 'accuracy',
    xTicks: [...DISTRACTOR_COUNTS],
    series: [
      { name: 'with ASKG', colour: COLOURS.askg, points: pointsOf(distractors.askg.accuracy) },
      { name: 'no ASKG', colour: COLOURS.noAskg, points: pointsOf(distractors.no_askg?.accuracy) },
    ],
  });
}

/** Writes the page and its plots; returns the paths written. */
export function writeBenchmarkReport(report: EvalReport, path: string, context: RunContext): string[] {
  const plotDir = join(dirname(path), basename(path, extname(path)));
  const plotFolder = basename(plotDir);
  mkdirSync(plotDir, { recursive: true });
  const written: string[] = [];
  const byType = join(plotDir, 'accuracy-by-type.svg');
  writeFileSync(byType, renderTypeBars(report));
  written.push(byType);
  const lines = renderDistractorLines(report);
  if (lines !== undefined) {
    const distractors = join(plotDir, 'distractors.svg');
    writeFileSync(distractors, lines);
    written.push(distractors);
  }
  const markdown = renderBenchmarkMarkdown(report, context, {
    distractors: `${plotFolder}/distractors.svg`,
    byType: `${plotFolder}/accuracy-by-type.svg`,
  });
  writeFileSync(path, markdown);
  written.push(path);
  return written;
}
