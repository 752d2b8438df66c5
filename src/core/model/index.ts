/**
 * The model runtime's public names: load a bundle, run RA-BLIP on it, decode, batch.
 * @module
 */
export { parseAskg } from './askg.js';
export type { AskgResult } from './askg.js';
export { AskgGrammar } from './askg-grammar.js';
export type { AskgGrammarTokens } from './askg-grammar.js';
export { BATCH_DEPENDENCE_TOLERANCE, checkRowsIndependentOfBatch } from './batch-independence.js';
export type { RunVision } from './batch-independence.js';
export { BatchStats } from './batch-stats.js';
export type { BatchStatsSnapshot, OperationBatchStats } from './batch-stats.js';
export { MicroBatcher } from './batcher.js';
export type { MicroBatcherOptions } from './batcher.js';
export { BeamSearch } from './beam-search.js';
export type { BeamSearchOptions } from './beam-search.js';
export { loadBundle } from './bundle-loader.js';
export type { BundleSessions, LoadBundleOptions, ModelBundle } from './bundle-loader.js';
export { resolveGenerationConfig } from './generation-config.js';
export type { GenerationConfig, GenerationOptionsInput } from './generation-config.js';
export { createSearch, generateSequences } from './generator.js';
export type { DecoderStep, DecoderStepResult } from './generator.js';
export { GraphRunner } from './graph-runner.js';
export type { GenEncoderOutput } from './graph-runner.js';
export { GreedySearch, argmax } from './greedy-search.js';
export { preprocessImage } from './image-preprocess.js';
export type { ImagePreprocessOptions } from './image-preprocess.js';
export { KvCache } from './kv-cache.js';
export type { CacheDims, EncoderState } from './kv-cache.js';
export {
  applyLogitsProcessors,
  biasAfterPrefixProcessor,
  keepOnly,
  minNewTokensProcessor,
  noRepeatNgramProcessor,
} from './logits-processors.js';
export type { LogitsProcessor, RowContext } from './logits-processors.js';
export { BUNDLE_FORMAT_VERSION, DYNAMIC_DIMS, parseManifest } from './manifest.js';
export type {
  AskgSpec,
  BundleManifest,
  DynamicDim,
  GraphName,
  GraphSpec,
  ModelDims,
  PromptSpec,
  TensorSpec,
} from './manifest.js';
export { buildGeneratorPrompt, buildQformerInstruction, formatReferenceNumber } from './prompt.js';
export type { GeneratorPrompt, PromptInput, PromptReference, PromptSpecialTokens } from './prompt.js';
export { ModelRuntime } from './runtime.js';
export type { EncoderInput, ModelRuntimeOptions, RuntimeGenerateRequest } from './runtime.js';
export { eosStop, isStopped, maxNewTokensStop } from './stop-conditions.js';
export type { StopCondition } from './stop-conditions.js';
export { packImageQueries, packReferenceScores, packTokenBatch } from './token-batch.js';
export type { ImageQueryBatch, ReferenceScoreBatch, TokenBatch } from './token-batch.js';
export type { DecodedSequence, SearchStep, TokenSearch } from './token-search.js';
export { TextTokenizer } from './tokenizer.js';
export type { EncodeOptions } from './tokenizer.js';
