/**
 * The readable summary `npm run eval` prints without `--json`.
 * @module
 */
import { POORLY_READ, poorlyRead } from './answer-metrics.js';
import { formatRatio } from './benchmark-markdown.js';
import type { EvalReport } from './eval-report.js';

function line(label: string, value: string): string {
  return `  ${label.padEnd(40)} ${value}`;
}

/** A few aligned lines: bundle, headline metrics, per type, ablations, targets. */
export function formatSummary(r: EvalReport): string {
  const out = [
    `RA-BLIP evaluation: ${r.bundle.name} ${r.bundle.version}, ${r.questions_file ?? `split ${r.split}`}, ${r.counts.questions} questions, ${r.seconds.toFixed(0)} s`,
    line(
      'recall@1 / recall@5 / MRR@10',
      `${formatRatio(r.recall_at_1)} / ${formatRatio(r.recall_at_5)} / ${formatRatio(r.mrr)}`,
    ),
    line('accuracy / exact match', `${formatRatio(r.accuracy)} / ${formatRatio(r.exact_match)}`),
    line(
      'relevance accuracy / precision / recall',
      `${formatRatio(r.relevance_accuracy)} / ${formatRatio(r.relevance_precision)} / ${formatRatio(r.relevance_recall)}`,
    ),
    line(
      'abstain precision / recall / F1',
      `${formatRatio(r.abstain_precision)} / ${formatRatio(r.abstain_recall)} / ${formatRatio(r.abstain_f1)}`,
    ),
    'per type (questions, accuracy, exact match):',
    ...Object.entries(r.counts.by_type).map(([type, n]) =>
      line(type, `${n}, ${formatRatio(r.accuracy_by_type[type])}, ${formatRatio(r.exact_match_by_type[type])}`),
    ),
  ];
  const { seen, held_out: heldOut } = r.accuracy_by_phrasing;
  if (seen || heldOut) {
    out.push(
      line(
        'accuracy, seen / held-out phrasings',
        `${formatRatio(seen?.accuracy)} (${seen?.questions ?? 0}) / ${formatRatio(heldOut?.accuracy)} (${heldOut?.questions ?? 0})`,
      ),
    );
  }
  const templates = r.accuracy_by_held_out_phrasing;
  if (templates.length > 0) {
    const poor = poorlyRead(templates);
    const worst = poor.slice(0, 3).map((t) => `${t.template_id} ${formatRatio(t.accuracy)}`);
    out.push(
      line(
        `held-out phrasings below ${POORLY_READ}`,
        `${poor.length} of ${templates.length}${worst.length > 0 ? ` (worst: ${worst.join(', ')})` : ''}`,
      ),
    );
  }
  const a = r.ablations;
  if (a) {
    const curve = (acc: Readonly<Record<string, number | null>> | undefined) =>
      a.distractors.counts.map((n) => `${n}: ${formatRatio(acc?.[n])}`).join(', ');
    out.push(
      `ablations (${a.questions} questions):`,
      line('full pipeline', formatRatio(a.full_pipeline.accuracy)),
      line('closed-book', formatRatio(a.closed_book.accuracy)),
      line('no question instruction', formatRatio(a.no_question_instruction.accuracy)),
      line('no ASKG', formatRatio(a.no_askg?.accuracy)),
      line('distractors, ASKG', curve(a.distractors.askg.accuracy)),
      line('distractors, no ASKG', curve(a.distractors.no_askg?.accuracy)),
      ...a.notes.map((n) => `  note: ${n}`),
    );
  }
  out.push(
    'targets:',
    ...r.targets.map((t) =>
      line(
        t.metric,
        `${t.value === null ? '—' : t.value.toFixed(3)} (${t.target}) ${t.pass === null ? 'not measured' : t.pass ? 'pass' : 'FAIL'}`,
      ),
    ),
  );
  return out.join('\n');
}
