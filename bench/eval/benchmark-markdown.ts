/**
 * `docs/benchmark.md`: the evaluation report as Markdown tables (overall, per type, ASKG, ablations, distractors,
 * Must targets) with links to the two SVG plots, and the definitions of every metric.
 * @module
 */
import { POORLY_READ, poorlyRead, type AccuracySummary } from './answer-metrics.js';
import type { EvalReport } from './eval-report.js';
import type { TargetCheck } from './eval-targets.js';
import type { AblationsReport } from './run-ablations.js';

/** Where the plots are, relative to the Markdown file. */
export interface PlotLinks {
  readonly distractors: string;
  readonly byType: string;
}

/** How the run was made, for the header. */
export interface RunContext {
  readonly command: string;
  readonly machine: string;
}

/** A ratio with 3 decimals, or a dash when it was not measured. */
export function formatRatio(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : value.toFixed(3);
}

function row(cells: readonly (string | number)[]): string {
  return `| ${cells.join(' | ')} |`;
}

function table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  return [row(header), row(header.map(() => '---')), ...rows.map(row)].join('\n');
}

function verdict(t: TargetCheck): string {
  return t.pass === null ? 'not measured' : t.pass ? '**pass**' : '**FAIL**';
}

function formatTarget(t: TargetCheck): string {
  return t.metric.endsWith('_points')
    ? t.value === null
      ? '—'
      : `${t.value.toFixed(1)} points`
    : formatRatio(t.value);
}

function mainSection(r: EvalReport): string {
  const types = Object.keys(r.counts.by_type);
  const rows = [
    ['**all**', r.counts.questions, formatRatio(r.recall_at_5), formatRatio(r.accuracy), formatRatio(r.exact_match)],
    ...types.map((t) => [
      t,
      r.counts.by_type[t] ?? 0,
      formatRatio(r.recall_at_5_by_type[t]),
      formatRatio(r.accuracy_by_type[t]),
      formatRatio(r.exact_match_by_type[t]),
    ]),
  ];
  const headline = [
    ['recall@1', formatRatio(r.recall_at_1)],
    ['recall@5', formatRatio(r.recall_at_5)],
    ['MRR@10', formatRatio(r.mrr)],
    ['accuracy', formatRatio(r.accuracy)],
    ['exact match', formatRatio(r.exact_match)],
    ['relevance accuracy (ASKG)', formatRatio(r.relevance_accuracy)],
    ['relevance precision / recall', `${formatRatio(r.relevance_precision)} / ${formatRatio(r.relevance_recall)}`],
    ['abstain precision', formatRatio(r.abstain_precision)],
    ['abstain recall', formatRatio(r.abstain_recall)],
    ['abstain F1', formatRatio(r.abstain_f1)],
    ['abstain recall, questions with an image of nothing known', formatRatio(r.abstain_recall_with_image)],
  ];
  const phrasing = phrasingSection(r);
  return [
    `## Full pipeline (${r.counts.questions} questions)`,
    '',
    table(['metric', 'value'], headline),
    '',
    table(['type', 'questions', 'recall@5', 'accuracy', 'exact match'], rows),
    ...(phrasing ? ['', phrasing] : []),
  ].join('\n');
}

function phrasingSection(r: EvalReport): string | null {
  const { seen, held_out: heldOut } = r.accuracy_by_phrasing;
  if (!seen && !heldOut) return null;
  const cells = (s: AccuracySummary | undefined) => [s?.questions ?? 0, formatRatio(s?.accuracy)];
  const rows = [
    ['**all**', ...cells(seen), ...cells(heldOut)],
    ...Object.entries(r.accuracy_by_type_and_phrasing).map(([type, p]) => [
      type,
      ...cells(p.seen),
      ...cells(p.held_out),
    ]),
  ];
  return [
    '### Seen and held-out phrasings',
    '',
    'Dev and test questions are asked in a phrasing that training never used (held out) about half the time, where',
    'their family has one (`docs/data.md`); the gap between the two columns is how far the model is from reading a',
    'question rather than recognising its template.',
    '',
    table(['type', 'seen: questions', 'seen: accuracy', 'held-out: questions', 'held-out: accuracy'], rows),
    ...heldOutTemplateLines(r.accuracy_by_held_out_phrasing),
  ].join('\n');
}

/** Each held-out phrasing, worst first, and how many of them the model hardly reads. */
function heldOutTemplateLines(templates: EvalReport['accuracy_by_held_out_phrasing']): string[] {
  if (templates.length === 0) return [];
  const poor = poorlyRead(templates);
  const poorQuestions = poor.reduce((n, t) => n + t.questions, 0);
  const allQuestions = templates.reduce((n, t) => n + t.questions, 0);
  const rows = templates.map((t) => [
    `\`${t.template_id}\``,
    t.types.join(', '),
    t.example.replaceAll('|', '\\|'),
    t.questions,
    formatRatio(t.accuracy),
  ]);
  return [
    '',
    '#### Each held-out phrasing',
    '',
    `${poor.length} of ${templates.length} held-out phrasings score below ${POORLY_READ} (${poorQuestions} of ` +
      `${allQuestions} held-out questions): a phrasing is mostly either read or not, so the held-out average says less ` +
      'than this list (one question of each shown).',
    '',
    table(['phrasing', 'types', 'for example', 'questions', 'accuracy'], rows),
  ];
}

function ablationSection(a: AblationsReport, plots: PlotLinks, isSampled: boolean): string {
  const settings = [
    ['full pipeline', a.full_pipeline],
    ['closed-book (no references)', a.closed_book],
    ['no question instruction in the Q-Former', a.no_question_instruction],
    ['no ASKG (ablation bundle)', a.no_askg],
  ] as const;
  const overall = settings.map(([name, s]) => [
    name,
    formatRatio(s?.accuracy),
    formatRatio(s?.exact_match),
    formatRatio(s?.relevance_accuracy),
    formatRatio(s?.abstain_f1),
  ]);
  const types = Object.keys(a.full_pipeline.accuracy_by_type);
  const perType = types.map((t) => [t, ...settings.map(([, s]) => formatRatio(s?.accuracy_by_type[t]))]);
  const { askg, no_askg: noAskg, counts } = a.distractors;
  const curve = counts.map((n) => [
    n,
    formatRatio(askg.accuracy[n]),
    formatRatio(askg.relevance_accuracy[n]),
    formatRatio(noAskg?.accuracy[n]),
    formatRatio(noAskg?.relevance_accuracy[n]),
  ]);
  const drop = (points: number | null | undefined) =>
    points === null || points === undefined ? '—' : `${points.toFixed(1)} points`;
  return [
    isSampled
      ? `## Ablations (${a.questions} questions, stratified by type, seed ${a.seed})`
      : `## Ablations (all ${a.questions} questions, distractors drawn with seed ${a.seed})`,
    '',
    ...(a.no_askg_bundle
      ? [
          `No-ASKG bundle: \`${a.no_askg_bundle.name}\` ${a.no_askg_bundle.version} (\`${a.no_askg_bundle.configHash}\`) from \`${a.no_askg_bundle.dir}\`.`,
          '',
        ]
      : []),
    table(['setting', 'accuracy', 'exact match', 'relevance accuracy', 'abstain F1'], overall),
    '',
    table(['type', ...settings.map(([name]) => name)], perType),
    '',
    `![Accuracy per question type](${plots.byType})`,
    '',
    '### Injected distractors',
    '',
    'Random knowledge items that are neither gold nor retrieved, shuffled into the prompt with the 4 retrieved references',
    '(at 0 the retrieved references are only shuffled, so it can differ a little from the full pipeline, which keeps',
    'score order).',
    '',
    table(['distractors', 'ASKG accuracy', 'ASKG relevance acc.', 'no-ASKG accuracy', 'no-ASKG relevance acc.'], curve),
    '',
    `Accuracy lost at 4 distractors: ASKG ${drop(askg.drop_at_4_points)}, no-ASKG ${drop(noAskg?.drop_at_4_points)}.`,
    '',
    `![Accuracy against injected distractors](${plots.distractors})`,
    ...(a.notes.length > 0 ? ['', 'Notes:', '', ...a.notes.map((n) => `- ${n}`)] : []),
  ].join('\n');
}

const DEFINITIONS = `## Metric definitions

- **recall@k**: the fraction of a question's gold knowledge items among the top k retrieved, averaged over the
  questions that have gold items (unanswerable questions have none). A two-source comparison with one source in the
  top 5 scores 0.5. **MRR@10**: the mean of 1 / rank of the first gold item in the top 10 (0 when none is there).
- **accuracy**: WebQA-style keyword accuracy by each question's \`match\` rule (docs/data.md, "Accuracy rule";
  \`scoreAnswer\` in training/kb/answer-accuracy.ts): \`contains_any\` (an acceptable answer appears as whole words),
  \`colour_set\` (exactly the gold colours), \`yes_no\` (the first yes/no word), \`choice\` (the right option and not the
  other), \`abstain\` (unanswerable: correct only when the model abstains). An answer to an answerable question is wrong
  when the model abstains. **exact match**: the normalised answer equals the canonical answer.
- **relevance accuracy**: over every (question, reference in the prompt) pair, the ASKG judgement (named after
  \`relevant:\` or not) against the truth (the reference is one of the question's gold items). Relevance precision
  and recall are those of the "relevant" judgements over the same pairs: most references are not gold, so a model that
  names nothing still has a high relevance accuracy, and recall shows it.
- **abstain precision / recall / F1**: abstention as a classifier, positive class = the model abstained
  (\`relevant: none\` or no answer), truth = the question is unanswerable. **abstain recall, questions with an image of
  nothing known**: the same recall over the unanswerable questions that come with an image (a logo asked about as a
  flag, an outline or an emoji; docs/data.md, "Unanswerable questions").
- **Pipeline**: each knowledge item is embedded by the TypeScript runtime (image items through ViT, the Q-Former with
  the caption as instruction and the fusion module) and indexed in the embedded vector index. A question is embedded
  with \`embedText\`, or, when it comes with an image, with the image+question fusion embedding; the top 10 are
  retrieved, the answer pipeline's \`assembleKnowledge\` keeps 4, and \`generate\` answers from them (greedy, at most
  32 new tokens) with the Q-Former instructed by the question. Nothing is read from the benchmark but the questions:
  answers come from the model's output only.
- **Ablations** run on every question of the split (with \`--ablation-limit N\`, on a fixed seeded subset of N
  stratified by type). Closed-book: no references (the question image is
  kept). No question instruction: the Q-Former reads reference images with their caption only and the question image
  with an empty instruction; retrieval is unchanged. No ASKG: the same pipeline with the bundle trained without the
  relevance-selection task. Distractors: 0/2/4/8 random non-gold items shuffled in with the retrieved references.`;

/** Renders the whole page. */
export function renderBenchmarkMarkdown(report: EvalReport, context: RunContext, plots: PlotLinks): string {
  const source = report.questions_file ? `questions file \`${report.questions_file}\`` : `split \`${report.split}\``;
  const header = [
    '# Benchmark',
    '',
    '<!-- Generated by `npm run eval`; do not edit by hand. -->',
    '',
    `- Command: \`${context.command}\``,
    `- Date: ${report.date.slice(0, 10)} (${report.seconds.toFixed(0)} s on ${context.machine})`,
    `- Bundle: \`${report.bundle.name}\` ${report.bundle.version} (\`${report.bundle.configHash}\`) from \`${report.bundle.dir}\`, ` +
      `abstention bias ${report.bundle.abstainLogitBias}, ${report.bundle.abstainLogitBiasUnlinkedImage} for a question image that links to nothing (\`docs/bundle-format.md\`)`,
    `- Knowledge base: \`${report.kb}\`, ${report.counts.knowledge_items} items; ${source}, ${report.counts.questions} questions` +
      (report.settings.limit === null ? '' : ` (a stratified sample, --limit ${report.settings.limit})`),
    ...(report.counts.errors > 0 ? [`- Failed model calls (counted as wrong): ${report.counts.errors}`] : []),
    '',
    'Reproduce with `npm run eval -- --split test --json` (it builds `build/kb` first when it is missing, and caches the',
    'knowledge vectors under `build/eval-cache/`, so a re-run skips embedding); the flags are listed at the top of',
    '`bench/eval.ts`.',
  ];
  const targets = table(
    ['metric', 'target', 'measured', 'result'],
    report.targets.map((t) => [`\`${t.metric}\``, t.target, formatTarget(t), verdict(t)]),
  );
  return [
    ...header,
    '',
    '## Must targets',
    '',
    targets,
    '',
    mainSection(report),
    '',
    ...(report.ablations
      ? [ablationSection(report.ablations, plots, report.settings.ablation_limit !== null), '']
      : []),
    DEFINITIONS,
    '',
  ].join('\n');
}
