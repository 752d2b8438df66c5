/**
 * The Must targets of issue 3 ("A real multimodal knowledge base…"), each checked against the measured value. A
 * target whose value was not measured (no gold, `--no-ablations`, no ablation bundle) has `pass: null`.
 * @module
 */

/** One target with its measured value. */
export interface TargetCheck {
  readonly metric: string;
  /** The target as the issue states it. */
  readonly target: string;
  readonly value: number | null;
  readonly pass: boolean | null;
}

/** The measured values the targets read. */
export interface TargetInputs {
  readonly recall_at_5: number | null;
  readonly accuracy: number | null;
  readonly relevance_accuracy: number | null;
  readonly abstain_f1: number | null;
  readonly askg_drop_at_4_points: number | null;
  readonly no_askg_drop_at_4_points: number | null;
  readonly closed_book_accuracy: number | null;
  /** The full pipeline's accuracy on the ablation subset, which closed-book is compared with. */
  readonly subset_accuracy: number | null;
}

/**
 * How far below the retrieval accuracy closed-book must be to count as "far below", in points. The issue asks only
 * to report it; 20 points is our reading of "far".
 */
export const CLOSED_BOOK_GAP_POINTS = 20;

function check(metric: string, target: string, value: number | null, passes: (v: number) => boolean): TargetCheck {
  return { metric, target, value, pass: value === null ? null : passes(value) };
}

/** Checks every Must target. */
export function checkTargets(m: TargetInputs): TargetCheck[] {
  const gap =
    m.closed_book_accuracy === null || m.subset_accuracy === null
      ? null
      : (m.subset_accuracy - m.closed_book_accuracy) * 100;
  return [
    check('recall_at_5', '>= 0.95', m.recall_at_5, (v) => v >= 0.95),
    check('accuracy', '>= 0.85', m.accuracy, (v) => v >= 0.85),
    check('relevance_accuracy', '>= 0.95', m.relevance_accuracy, (v) => v >= 0.95),
    check('abstain_f1', '>= 0.90', m.abstain_f1, (v) => v >= 0.9),
    check('askg_drop_at_4_distractors_points', '<= 2', m.askg_drop_at_4_points, (v) => v <= 2),
    check('no_askg_drop_at_4_distractors_points', '>= 5', m.no_askg_drop_at_4_points, (v) => v >= 5),
    {
      ...check(
        'closed_book_accuracy',
        `far below the retrieval accuracy (>= ${CLOSED_BOOK_GAP_POINTS} points)`,
        m.closed_book_accuracy,
        () => true,
      ),
      pass: gap === null ? null : gap >= CLOSED_BOOK_GAP_POINTS,
    },
  ];
}
