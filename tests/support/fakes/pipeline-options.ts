/**
 * Answer and upload options the pipeline unit tests share: small limits the fakes stay inside.
 * @module
 */
import type { AnswerOptions } from '../../../src/core/pipeline/index.js';

/** Options of `answerQuestion` in unit tests. */
export const answerOptions: AnswerOptions = {
  imageLimits: { maxBytes: 100_000, maxPixels: 1_000_000 },
  budget: { maxReferences: 5, maxPromptTokens: 480, maxRefTokens: 64, imageTokens: 16 },
  generation: { maxNewTokens: 32, numBeams: 1 },
  modelTimeoutMs: 1_000,
};

/** Options of `uploadKnowledge` in unit tests. */
export const uploadOptions = { batchSize: 8, imageLimits: answerOptions.imageLimits };
