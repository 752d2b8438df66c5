/**
 * One typed call per graph of a loaded bundle: typed arrays in, typed arrays out, shapes as in the manifest.
 * No tokenising, no sampling: `ModelRuntime` composes these, the parity tests call them directly.
 * @module
 */
import * as ort from 'onnxruntime-node';
import { AppError } from '../errors.js';
import type { ModelBundle } from './bundle-loader.js';
import type { DecoderStep } from './generator.js';
import type { CacheDims, EncoderState, KvCache } from './kv-cache.js';
import type { ModelDims } from './manifest.js';
import type { ImageQueryBatch, ReferenceScoreBatch, TokenBatch } from './token-batch.js';

/** What `gen_encoder` returns. */
export interface GenEncoderOutput {
  /** `[batch, enc_seq, d_model]`. */
  readonly encoderHidden: Float32Array;
  /** Cross K/V and mask, ready for the decoder loop. */
  readonly state: EncoderState;
}

function readFloat(results: ort.InferenceSession.ReturnType, name: string): Float32Array {
  const value = results[name];
  if (value === undefined || !(value.data instanceof Float32Array)) throw new Error(`graph output ${name} is missing`);
  return value.data;
}

const int64 = (data: BigInt64Array, dims: number[]): ort.Tensor => new ort.Tensor('int64', data, dims);
const float32 = (data: Float32Array, dims: number[]): ort.Tensor => new ort.Tensor('float32', data, dims);

/** Typed access to the sessions of one bundle. */
export class GraphRunner {
  /** The manifest's dims. */
  readonly dims: ModelDims;
  /** Layer, head and head-size of the decoder cache. */
  readonly cacheDims: CacheDims;
  private readonly bundle: ModelBundle;
  private readonly crossNames: string[];
  private readonly pastNames: string[];
  private readonly presentNames: string[];
  /** The decoder is a pointer-generator and reads the prompt ids (`prompt_ids` input). */
  private readonly decoderCopies: boolean;
  /** The encoder reads each reference's retrieval score (`reference_scores` input). */
  readonly readsReferenceScores: boolean;

  constructor(bundle: ModelBundle) {
    this.bundle = bundle;
    this.dims = bundle.manifest.dims;
    this.cacheDims = { nLayers: this.dims.nDecoderLayers, nHeads: this.dims.nHeads, dHead: this.dims.dHead };
    const names = (prefix: string): string[] =>
      Array.from({ length: this.dims.nDecoderLayers }, (_, l) => [`${prefix}_${l}_k`, `${prefix}_${l}_v`]).flat();
    this.crossNames = names('cross');
    this.pastNames = names('past');
    this.presentNames = names('present');
    this.decoderCopies = bundle.manifest.graphs.gen_decoder.inputs.some((t) => t.name === 'prompt_ids');
    this.readsReferenceScores = bundle.manifest.graphs.gen_encoder.inputs.some((t) => t.name === 'reference_scores');
  }

  /** `pixels` `[batch, 3, size, size]` -> image embeds `[batch, n_patch, d_vit]`. */
  async runVision(pixels: Float32Array, batch: number): Promise<Float32Array> {
    const size = this.bundle.manifest.image.size;
    const out = await this.bundle.sessions.vision.run({ pixel_values: float32(pixels, [batch, 3, size, size]) });
    return readFloat(out, 'image_embeds');
  }

  /** Image embeds `[batch, n_patch, d_vit]` + instruction tokens `[batch, seq]` -> query output `[batch, n_query, d_qformer]`. */
  async runQformer(imageEmbeds: Float32Array, tokens: TokenBatch): Promise<Float32Array> {
    const { nPatch, dVit } = this.dims;
    const out = await this.bundle.sessions.qformer.run({
      image_embeds: float32(imageEmbeds, [tokens.batch, nPatch, dVit]),
      input_ids: int64(tokens.ids, [tokens.batch, tokens.seq]),
      attention_mask: int64(tokens.mask, [tokens.batch, tokens.seq]),
    });
    return readFloat(out, 'query_output');
  }

  /** Text tokens `[batch, seq]` -> L2-normalised embedding `[batch, d_embed]`. */
  async runEmbedText(tokens: TokenBatch): Promise<Float32Array> {
    const session = this.requireEmbed('embed_text');
    const out = await session.run({
      input_ids: int64(tokens.ids, [tokens.batch, tokens.seq]),
      attention_mask: int64(tokens.mask, [tokens.batch, tokens.seq]),
    });
    return readFloat(out, 'embedding');
  }

  /** Query output `[batch, n_query, d_qformer]` + caption tokens `[batch, seq]` -> embedding `[batch, d_embed]`. */
  async runEmbedKnowledge(queryOutput: Float32Array, caption: TokenBatch): Promise<Float32Array> {
    const session = this.requireEmbed('embed_knowledge');
    const { nQuery, dQformer } = this.dims;
    const out = await session.run({
      query_output: float32(queryOutput, [caption.batch, nQuery, dQformer]),
      input_ids: int64(caption.ids, [caption.batch, caption.seq]),
      attention_mask: int64(caption.mask, [caption.batch, caption.seq]),
    });
    return readFloat(out, 'embedding');
  }

  /**
   * Prompt `[batch, enc_seq]` + image queries `[batch, n_image_tok, d_qformer]` (+ reference scores `[batch, n_ref]`,
   * which a graph with `reference_scores` requires) -> encoder states and cross K/V.
   */
  async runGenEncoder(
    prompt: TokenBatch,
    imageQueries: ImageQueryBatch,
    scores?: ReferenceScoreBatch,
  ): Promise<GenEncoderOutput> {
    const feeds: Record<string, ort.Tensor> = {
      input_ids: int64(prompt.ids, [prompt.batch, prompt.seq]),
      attention_mask: int64(prompt.mask, [prompt.batch, prompt.seq]),
      image_queries: float32(imageQueries.data, [prompt.batch, imageQueries.nImageTok, this.dims.dQformer]),
    };
    if (this.readsReferenceScores) {
      if (scores === undefined) throw new Error('gen_encoder reads reference_scores, and none were given');
      feeds['reference_scores'] = float32(scores.data, [prompt.batch, scores.nRef]);
    }
    const out = await this.bundle.sessions.gen_encoder.run(feeds);
    return {
      encoderHidden: readFloat(out, 'encoder_hidden'),
      state: {
        cross: this.crossNames.map((n) => readFloat(out, n)),
        encoderMask: prompt.mask,
        promptIds: prompt.ids,
        rows: prompt.batch,
        encSeq: prompt.seq,
      },
    };
  }

  /** The `gen_decoder` call as the decoding loop's step: `[rows]` tokens -> logits `[rows, vocab]` and present K/V. */
  readonly decoderStep: DecoderStep = async (tokens: BigInt64Array, cache: KvCache) => {
    const rows = cache.rows;
    const { nHeads, dHead } = this.cacheDims;
    const feeds: Record<string, ort.Tensor> = {
      input_ids: int64(tokens, [rows, 1]),
      encoder_attention_mask: int64(cache.encoderMask, [rows, cache.encSeq]),
    };
    if (this.decoderCopies) feeds['prompt_ids'] = int64(cache.promptIds, [rows, cache.encSeq]);
    this.crossNames.forEach((name, i) => (feeds[name] = float32(cache.cross[i]!, [rows, nHeads, cache.encSeq, dHead])));
    this.pastNames.forEach(
      (name, i) => (feeds[name] = float32(cache.past[i]!, [rows, nHeads, cache.pastLength, dHead])),
    );
    const out = await this.bundle.sessions.gen_decoder.run(feeds);
    return { logits: readFloat(out, 'logits'), present: this.presentNames.map((n) => readFloat(out, n)) };
  };

  private requireEmbed(graph: 'embed_text' | 'embed_knowledge'): ort.InferenceSession {
    const session = this.bundle.sessions[graph];
    if (session === undefined) {
      throw new AppError(
        'model_unavailable',
        `bundle ${this.bundle.manifest.model.name} (family ${this.bundle.manifest.family}) has no ${graph} graph; ` +
          'retrieval needs an ra-blip bundle',
      );
    }
    return session;
  }
}
