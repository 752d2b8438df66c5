/**
 * The question as the evaluation sees it, whichever file it came from: the benchmark split (with gold sources and a
 * match rule) or a user's `{question, answers[], image?}` file (no gold, `contains_any`).
 * @module
 */
import type { QuestionRecord } from '../../training/kb/index.js';

/** What the accuracy rule reads (see `scoreAnswer` in training/kb/answer-accuracy.ts). */
export type AnswerKey = Pick<QuestionRecord, 'answers' | 'match' | 'keywords' | 'options'>;

/** Type of a question from a `--questions` file: answerable or not, nothing finer is known. */
export type CustomQuestionType = 'custom' | 'unanswerable';

/** Whether a benchmark question's phrasing was trained on (`seen`) or held out of training (`held_out`). */
export type Phrasing = 'seen' | 'held_out';

/** One question to evaluate. */
export interface EvalQuestion {
  readonly qid: string;
  /** Benchmark question type, or `custom` / `unanswerable` for a `--questions` file. */
  readonly type: QuestionRecord['type'] | CustomQuestionType;
  readonly question: string;
  readonly key: AnswerKey;
  /** Absolute path of the image that comes with the question. */
  readonly imagePath?: string;
  /** Knowledge ids that answer it; undefined when the file gives no gold (retrieval metrics are then absent). */
  readonly gold?: readonly string[];
  /** The right output is to abstain. */
  readonly isUnanswerable: boolean;
  /** Benchmark questions only: a `--questions` file's phrasings are nobody's templates. */
  readonly phrasing?: Phrasing;
  /** The benchmark template the question was written from (`capital.6`); benchmark questions only. */
  readonly templateId?: string;
}
