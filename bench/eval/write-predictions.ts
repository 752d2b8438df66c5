/**
 * `--predictions FILE`: one JSON line per question of the main run, for error analysis (what was retrieved and its
 * retrieval scores, what the model said, and the verdict of the accuracy rule).
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { scoreOutcome } from './answer-metrics.js';
import type { QuestionOutcome } from './question-outcome.js';
import type { RetrievedQuestion } from './retrieve-questions.js';

/** Writes the predictions of `outcomes` (aligned with `retrieved`) as JSON Lines. */
export function writePredictions(
  path: string,
  retrieved: readonly RetrievedQuestion[],
  outcomes: readonly QuestionOutcome[],
): void {
  const lines = outcomes.map((o, i) => {
    const score = scoreOutcome(o);
    return JSON.stringify({
      qid: o.question.qid,
      type: o.question.type,
      ...(o.question.phrasing !== undefined && { phrasing: o.question.phrasing }),
      ...(o.question.templateId !== undefined && { template_id: o.question.templateId }),
      question: o.question.question,
      answers: o.question.key.answers,
      gold: o.question.gold ?? null,
      ranked: retrieved[i]!.ranked,
      scores: retrieved[i]!.ranked.map((id) => retrieved[i]!.matchScores.get(id) ?? null),
      linked: retrieved[i]!.linkedId ?? null,
      references: o.references,
      relevant: o.relevant,
      text: o.text,
      answer: o.answer,
      abstained: o.abstained,
      correct: score.isCorrect,
      exact_match: score.isExactMatch,
      ...(o.error !== undefined && { error: o.error }),
    });
  });
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, lines.join('\n') + (lines.length > 0 ? '\n' : ''));
}
