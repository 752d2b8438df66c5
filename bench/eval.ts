/**
 * `npm run eval -- --split test --json [--bundle DIR] [--kb DIR] [--limit N] [--ablation-limit N] [--questions FILE]
 * [--no-ablations] [--no-askg-bundle DIR] [--cache DIR] [--report FILE | --no-report] [--predictions FILE] [--seed S]
 * [--abstain-bias=B] [--abstain-bias-unlinked-image=B]`
 *
 * Evaluates a model bundle on the benchmark through the real pipeline with the TypeScript runtime, prints one JSON
 * object (`--json`) or a readable summary on stdout, progress on stderr, and writes `docs/benchmark.md` with its plots
 * for a full run. See docs/benchmark.md for the metric definitions.
 * @module
 */
import { cpus } from 'node:os';
import { pathToFileURL } from 'node:url';
import { parseEvalArgs } from './eval/eval-options.js';
import { formatReportJson } from './eval/eval-report.js';
import { formatSummary } from './eval/format-summary.js';
import { runEvaluation } from './eval/run-evaluation.js';
import { writeBenchmarkReport } from './eval/write-benchmark-report.js';

async function main(argv: readonly string[]): Promise<void> {
  const options = parseEvalArgs(argv);
  const report = await runEvaluation(options);
  if (options.report !== undefined) {
    const command = ['npm run eval --', ...argv].join(' ');
    const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}`;
    for (const path of writeBenchmarkReport(report, options.report, { command, machine })) {
      process.stderr.write(`[eval] wrote ${path}\n`);
    }
  }
  process.stdout.write(`${options.isJson ? formatReportJson(report) : formatSummary(report)}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`[eval] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}
