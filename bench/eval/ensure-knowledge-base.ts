/**
 * A fresh clone has no `build/kb`: the evaluation then builds it exactly as `npm run kb:build -- --out <kb>` does
 * (seeded, so the questions are the same ones), instead of failing.
 * @module
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildKnowledgeBase, buildQuestions, parseKbOptions, type Split } from '../../training/kb/index.js';

/** Builds the knowledge base in `kbDir` when it is missing, and its questions when `split` needs them. */
export async function ensureKnowledgeBase(kbDir: string, split: Split | null): Promise<void> {
  const hasKnowledge = existsSync(join(kbDir, 'knowledge.jsonl'));
  const hasQuestions = split === null || existsSync(join(kbDir, 'questions', `${split}.jsonl`));
  if (hasKnowledge && hasQuestions) return;
  const log = (message: string) => process.stderr.write(`[kb] ${message}\n`);
  process.stderr.write(`[eval] ${kbDir} is not built yet: running the knowledge-base builder (npm run kb:build)\n`);
  const options = parseKbOptions(['--out', kbDir]);
  if (!hasKnowledge) await buildKnowledgeBase(options, log);
  await buildQuestions({ kbDir, seed: options.seed, log });
}
