import { describe, expect, it } from 'vitest';
import { DEFAULT_REPORT, parseEvalArgs } from '../../../bench/eval/eval-options.js';

describe('eval command line', () => {
  it('defaults to the test split of the demo bundle, with ablations and the report page', () => {
    const options = parseEvalArgs([]);
    expect(options).toMatchObject({
      split: 'test',
      bundle: 'models/ra-blip-mini',
      noAskgBundle: 'models/ablations/no-askg',
      kb: 'build/kb',
      isAblating: true,
      isJson: false,
      report: DEFAULT_REPORT,
    });
    expect(options.limit).toBeUndefined();
    expect(options.ablationLimit).toBeUndefined(); // the ablations run on every question
  });

  it('reads every flag', () => {
    const options = parseEvalArgs(
      '--split dev --json --bundle b --kb k --cache c --limit 40 --ablation-limit 20 --no-ablations --no-askg-bundle n --predictions p.jsonl --seed 7'.split(
        ' ',
      ),
    );
    expect(options).toMatchObject({
      split: 'dev',
      isJson: true,
      bundle: 'b',
      kb: 'k',
      cacheDir: 'c',
      limit: 40,
      ablationLimit: 20,
      isAblating: false,
      noAskgBundle: 'n',
      predictions: 'p.jsonl',
      seed: '7',
    });
  });

  it('does not overwrite the report page from a partial run unless asked', () => {
    expect(parseEvalArgs(['--limit', '10']).report).toBeUndefined();
    expect(parseEvalArgs(['--questions', 'q.jsonl']).report).toBeUndefined();
    expect(parseEvalArgs(['--limit', '10', '--report', 'out.md']).report).toBe('out.md');
    expect(parseEvalArgs(['--no-report']).report).toBeUndefined();
  });

  it('evaluates a questions file instead of a split', () => {
    const options = parseEvalArgs(['--questions', 'mine.jsonl']);
    expect(options.split).toBeNull();
    expect(options.questionsFile).toBe('mine.jsonl');
  });

  it('takes an abstention bias for the calibration sweep, and none by default', () => {
    expect(parseEvalArgs(['--abstain-bias=-1.5']).abstainLogitBias).toBe(-1.5);
    expect(parseEvalArgs([]).abstainLogitBias).toBeUndefined();
    expect(() => parseEvalArgs(['--abstain-bias', 'high'])).toThrow(/--abstain-bias/);
    expect(() => parseEvalArgs(['--abstain-bias', '50'])).toThrow(/--abstain-bias/);
  });

  it('refuses unknown flags, bad values and contradictions', () => {
    expect(() => parseEvalArgs(['--splits', 'test'])).toThrow();
    expect(() => parseEvalArgs(['--split', 'validation'])).toThrow(/--split/);
    expect(() => parseEvalArgs(['--limit', '0'])).toThrow(/--limit/);
    expect(() => parseEvalArgs(['--limit', 'ten'])).toThrow(/--limit/);
    expect(() => parseEvalArgs(['--split', 'test', '--questions', 'q.jsonl'])).toThrow(/either/);
    expect(() => parseEvalArgs(['--report', 'a.md', '--no-report'])).toThrow(/either/);
  });
});
