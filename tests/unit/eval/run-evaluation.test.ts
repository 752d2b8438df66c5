/**
 * The whole evaluation, end to end on the tiny bundle that pytest exports and a tiny knowledge base: the real
 * runtime, index and answer pipeline produce a complete report (the tiny model's numbers themselves mean nothing).
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEvalArgs } from '../../../bench/eval/eval-options.js';
import type { EvalReport } from '../../../bench/eval/eval-report.js';
import { formatSummary } from '../../../bench/eval/format-summary.js';
import { runEvaluation } from '../../../bench/eval/run-evaluation.js';
import { writeBenchmarkReport } from '../../../bench/eval/write-benchmark-report.js';
import { parityBundleDir, readFixture } from '../../parity/parity-fixture.js';
import { writeTinyKnowledgeBase } from './tiny-knowledge-base.js';

readFixture('ra-blip-tiny'); // fails with "run pytest first" when the bundle is absent
const bundle = parityBundleDir('ra-blip-tiny');
let dir: string;
let questionCount: number;
let report: EvalReport;

const ratios = (r: EvalReport) => [
  r.recall_at_1,
  r.recall_at_5,
  r.mrr,
  r.accuracy,
  r.exact_match,
  r.relevance_accuracy,
  r.abstain_f1,
];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'eval-'));
  ({ questions: questionCount } = await writeTinyKnowledgeBase(join(dir, 'kb')));
  const args = ['--bundle', bundle, '--no-askg-bundle', bundle, '--kb', join(dir, 'kb'), '--cache', join(dir, 'cache')];
  report = await runEvaluation(
    parseEvalArgs([...args, '--ablation-limit', '6', '--predictions', join(dir, 'p.jsonl')]),
  );
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('evaluation run', () => {
  it('answers every question through the pipeline and reports every metric', () => {
    expect(report.counts).toMatchObject({
      questions: questionCount,
      with_gold: questionCount - 2,
      unanswerable: 2,
      errors: 0,
    });
    expect(Object.keys(report.counts.by_type)).toEqual([
      'text_fact',
      'image_question',
      'comparison',
      'yes_no',
      'unanswerable',
    ]);
    for (const value of ratios(report)) {
      expect(value).not.toBeNull();
      expect(value!).toBeGreaterThanOrEqual(0);
      expect(value!).toBeLessThanOrEqual(1);
    }
    expect(report.bundle.name).toBe('ra-blip-tiny');
    expect(report.targets.map((t) => t.metric)).toContain('abstain_f1');
    const predictions = readFileSync(join(dir, 'p.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { ranked: string[]; scores: number[] });
    expect(predictions).toHaveLength(questionCount);
    for (const { ranked, scores } of predictions) {
      // One retrieval score per ranked item, best first.
      expect(scores).toHaveLength(ranked.length);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
    }
  });

  it('runs the ablations on the subset, skipping distractor counts the prompt cannot hold', () => {
    const a = report.ablations!;
    expect(a.questions).toBe(6);
    expect(a.closed_book.questions).toBe(6);
    expect(a.closed_book.relevance_accuracy).toBeNull(); // no references, nothing to judge
    expect(a.no_question_instruction.questions).toBe(6);
    expect(a.no_askg?.questions).toBe(6);
    // the tiny bundle takes 5 references: 4 retrieved + 0 fit, + 2 do not
    expect(a.distractors.askg.accuracy['0']).not.toBeNull();
    expect(a.distractors.askg.accuracy['2']).toBeNull();
    expect(a.distractors.no_askg?.accuracy['0']).not.toBeNull();
    expect(a.notes.some((n) => n.includes('maxReferences 5'))).toBe(true);
  });

  it('caches the knowledge vectors so that a re-run skips embedding and gives the same numbers', async () => {
    const cached = readdirSync(join(dir, 'cache'));
    expect(cached).toHaveLength(1);
    const again = await runEvaluation(
      parseEvalArgs(['--bundle', bundle, '--kb', join(dir, 'kb'), '--cache', join(dir, 'cache'), '--no-ablations']),
    );
    expect(readdirSync(join(dir, 'cache'))).toEqual(cached);
    expect(ratios(again)).toEqual(ratios(report));
    expect(again.ablations).toBeNull();
  });

  it('links each image question to the stored image it shows, by its visual key, and leads with it', () => {
    const rows = readFileSync(join(dir, 'p.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; gold: string[]; ranked: string[]; linked: string | null });
    const imageRows = rows.filter((row) => row.type === 'image_question');
    expect(imageRows.length).toBeGreaterThan(0);
    for (const row of imageRows) {
      expect(row.linked).toBe(row.gold[0]);
      expect(row.ranked[0]).toBe(row.linked);
    }
    expect(rows.filter((row) => row.type !== 'image_question').every((row) => row.linked === null)).toBe(true);
  });

  it('adds the visual keys to a cache written before they existed, with the same numbers', async () => {
    const [cacheDir] = readdirSync(join(dir, 'cache'), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.name === 'pixel-keys.f32')
      .map((entry) => entry.parentPath);
    expect(cacheDir).toBeDefined();
    rmSync(join(cacheDir!, 'pixel-keys.f32'));
    const again = await runEvaluation(
      parseEvalArgs(['--bundle', bundle, '--kb', join(dir, 'kb'), '--cache', join(dir, 'cache'), '--no-ablations']),
    );
    expect(existsSync(join(cacheDir!, 'pixel-keys.f32'))).toBe(true);
    expect(ratios(again)).toEqual(ratios(report));
  });

  it('evaluates a questions file without gold: accuracy and abstention, no retrieval metrics', async () => {
    const file = join(dir, 'mine.jsonl');
    const lines = [
      { question: 'What is the capital of Peru?', answers: ['Lima'] },
      {
        question: 'Which country uses this flag?',
        answers: ['Peru'],
        image: readdirSync(join(dir, 'kb', 'images')).map((f) => `kb/images/${f}`)[0],
      },
      { question: 'What is the capital of Atlantis?', answers: [] },
    ];
    writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n'));
    const custom = await runEvaluation(
      parseEvalArgs([
        '--questions',
        file,
        '--bundle',
        bundle,
        '--kb',
        join(dir, 'kb'),
        '--cache',
        join(dir, 'cache'),
        '--no-ablations',
      ]),
    );
    expect(custom.split).toBeNull();
    expect(custom.counts.by_type).toEqual({ custom: 2, unanswerable: 1 });
    expect(custom.recall_at_5).toBeNull();
    expect(custom.relevance_accuracy).toBeNull();
    expect(custom.accuracy).not.toBeNull();
    expect(custom.abstain_f1).not.toBeNull();
    expect(custom.accuracy_by_phrasing).toEqual({});
    expect(custom.accuracy_by_held_out_phrasing).toEqual([]);
  });

  it('splits accuracy by seen and held-out phrasings, overall and per type', () => {
    const { seen, held_out: heldOut } = report.accuracy_by_phrasing;
    expect(seen?.questions).toBe(questionCount - 3);
    expect(heldOut?.questions).toBe(3); // the yes/no question of each country
    expect(Object.keys(report.accuracy_by_type_and_phrasing.yes_no!)).toEqual(['held_out']);
    expect(Object.keys(report.accuracy_by_type_and_phrasing.text_fact!)).toEqual(['seen']);
    const answeredRight = (seen!.accuracy! * seen!.questions + heldOut!.accuracy! * heldOut!.questions) / questionCount;
    expect(answeredRight).toBeCloseTo(report.accuracy!, 10);
    const rows = readFileSync(join(dir, 'p.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; phrasing: string; template_id: string });
    expect(rows.filter((row) => row.template_id === 'capital_check.6')).toHaveLength(3);
    expect(formatSummary(report)).toMatch(/held-out phrasings below 0\.5.*[01] of 1/);
    expect(report.accuracy_by_held_out_phrasing).toMatchObject([
      { template_id: 'capital_check.6', types: ['yes_no'], questions: 3, accuracy: heldOut!.accuracy },
    ]);
    expect(rows.filter((row) => row.phrasing === 'held_out').map((row) => row.type)).toEqual([
      'yes_no',
      'yes_no',
      'yes_no',
    ]);
  });

  it('writes the report page with its tables and two plots', () => {
    const path = join(dir, 'docs', 'benchmark.md');
    writeBenchmarkReport(report, path, { command: 'npm run eval -- --split test', machine: 'test' });
    const page = readFileSync(path, 'utf8');
    expect(page).toContain('## Must targets');
    expect(page).toContain('| `recall_at_5` | >= 0.95 |');
    expect(page).toContain('### Injected distractors');
    expect(page).toContain('### Seen and held-out phrasings');
    expect(page).toMatch(/\| yes_no \| 0 \| — \| 3 \| \d\.\d{3} \|/);
    expect(page).toContain('#### Each held-out phrasing');
    expect(page).toMatch(/\| `capital_check\.6` \| yes_no \| Is .+ the capital of .+\? \| 3 \| \d\.\d{3} \|/);
    expect(page).toContain('](benchmark/distractors.svg)');
    for (const plot of ['distractors.svg', 'accuracy-by-type.svg']) {
      const svg = readFileSync(join(dir, 'docs', 'benchmark', plot), 'utf8');
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg.trim().endsWith('</svg>')).toBe(true);
    }
    expect(existsSync(join(dir, 'docs', 'benchmark', 'accuracy-by-type.svg'))).toBe(true);
  });
});
