import { describe, expect, it } from 'vitest';
import { checkTargets, type TargetInputs } from '../../../bench/eval/eval-targets.js';

const met: TargetInputs = {
  recall_at_5: 0.97,
  accuracy: 0.88,
  relevance_accuracy: 0.96,
  abstain_f1: 0.93,
  askg_drop_at_4_points: 1.5,
  no_askg_drop_at_4_points: 7,
  closed_book_accuracy: 0.3,
  subset_accuracy: 0.87,
};

const verdicts = (inputs: TargetInputs) => Object.fromEntries(checkTargets(inputs).map((t) => [t.metric, t.pass]));

describe('Must targets', () => {
  it('passes every target the issue sets when the numbers meet them', () => {
    expect(Object.values(verdicts(met)).every((pass) => pass === true)).toBe(true);
  });

  it('fails each target just past its threshold', () => {
    const missed = verdicts({
      recall_at_5: 0.949,
      accuracy: 0.849,
      relevance_accuracy: 0.949,
      abstain_f1: 0.899,
      askg_drop_at_4_points: 2.1,
      no_askg_drop_at_4_points: 4.9,
      closed_book_accuracy: 0.7,
      subset_accuracy: 0.87,
    });
    expect(Object.values(missed).every((pass) => pass === false)).toBe(true);
  });

  it('marks targets that were not measured as null, not as failed', () => {
    const partial = verdicts({ ...met, no_askg_drop_at_4_points: null, closed_book_accuracy: null });
    expect(partial.no_askg_drop_at_4_distractors_points).toBeNull();
    expect(partial.closed_book_accuracy).toBeNull();
    expect(partial.accuracy).toBe(true);
  });
});
