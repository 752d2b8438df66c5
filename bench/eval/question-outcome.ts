/**
 * What the model did with one question in one evaluation setting: the references it was shown and its parsed ASKG
 * output. Every metric is computed from these and the question's answer key, never from anything else.
 * @module
 */
import type { EvalQuestion } from './eval-question.js';

/** The model's output for one question. */
export interface QuestionOutcome {
  readonly question: EvalQuestion;
  /** Knowledge ids in prompt order. */
  readonly references: readonly string[];
  readonly answer: string;
  readonly abstained: boolean;
  /** Ids the generator named relevant (ASKG). */
  readonly relevant: readonly string[];
  /** The decoded generator output. */
  readonly text: string;
  /** Why the model call failed; the outcome then counts as a wrong answer that did not abstain. */
  readonly error?: string;
}
