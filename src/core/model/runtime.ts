/**
 * `ModelRuntime`: the model as the service uses it — embeddings for retrieval, ViT features for the cache, and
 * answers with ASKG relevance — composed from the graph calls of `GraphRunner` and the decoding loop.
 * @module
 */
import { AppError } from '../errors.js';
import type {
  EmbeddedKnowledge,
  GenerateRequest,
  GenerateResult,
  ImageFeatures,
  KnowledgeInput,
  ModelInfo,
} from '../ports.js';
import { parseAskg } from './askg.js';
import { AskgGrammar } from './askg-grammar.js';
import { checkRowsIndependentOfBatch } from './batch-independence.js';
import { loadBundle } from './bundle-loader.js';
import type { LoadBundleOptions, ModelBundle } from './bundle-loader.js';
import { resolveGenerationConfig } from './generation-config.js';
import type { GenerationConfig, GenerationOptionsInput } from './generation-config.js';
import { generateSequences } from './generator.js';
import { GraphRunner } from './graph-runner.js';
import { decodeImage, normalisePixels, preprocessImage } from './image-preprocess.js';
import { VISUAL_KEY_RASTER_SIZE, visualKeyOfDecoded } from './visual-keys.js';
import type { ImagePreprocessOptions } from './image-preprocess.js';
import type { AskgSpec, BundleManifest, PromptSpec } from './manifest.js';
import { buildGeneratorPrompt, buildQformerInstruction, formatReferenceNumber } from './prompt.js';
import type { GeneratorPrompt } from './prompt.js';
import { concatRows, splitRows } from './row-blocks.js';
import { packImageQueries, packReferenceScores, packTokenBatch } from './token-batch.js';
import { biasAfterPrefixProcessor, type LogitsProcessor } from './logits-processors.js';
import type { DecodedSequence } from './token-search.js';
import { wholeWordProcessor } from './whole-words.js';

/** Options of `ModelRuntime.load`. */
export interface ModelRuntimeOptions extends LoadBundleOptions, ImagePreprocessOptions {
  /** Most rows per `embed_*`/`vision` call; longer inputs run in chunks. @default 32 */
  readonly maxEmbedBatch?: number;
  /** Overrides the manifest's `askg.abstainLogitBias` (the calibration sweep sets it). @default the manifest's */
  readonly abstainLogitBias?: number;
  /** Overrides the manifest's `askg.abstainLogitBiasUnlinkedImage` (the calibration sweep sets it). @default the manifest's */
  readonly abstainLogitBiasUnlinkedImage?: number;
}

/** A generate request whose options may also set `minNewTokens` and `lengthPenalty`. */
export interface RuntimeGenerateRequest extends Omit<GenerateRequest, 'options'> {
  /**
   * The question as the Q-Former instructions read it, when it differs from `question`. The evaluation's
   * no-question-instruction ablation passes `''`: reference images are then read with their caption only (as at
   * ingest) and the question image with an empty instruction. @default question
   */
  readonly qformerQuestion?: string;
  readonly options?: GenerationOptionsInput;
}

/** Raw generator input, for bundles without a prompt format and for parity tests. */
export interface EncoderInput {
  /** `[enc_seq]` prompt ids with `imageTokenId` at the image positions. */
  readonly inputIds: readonly number[];
  /** `[enc_seq]`, 1 = attended. @default all ones */
  readonly attentionMask?: readonly number[];
  /** `[n_image_tok, d_qformer]` query outputs for the image positions, in order (may be empty). */
  readonly imageQueries: Float32Array;
  /** Retrieval score of each prompt reference, in prompt order: required by a generator that reads them. */
  readonly referenceScores?: readonly number[];
}

/** The RA-BLIP model over one loaded bundle. */
export class ModelRuntime {
  /** The loaded bundle: manifest, sessions, tokenizers. */
  readonly bundle: ModelBundle;
  /** One typed call per graph, for low-level use (parity tests, other families). */
  readonly graphs: GraphRunner;
  private readonly options: ModelRuntimeOptions;
  /** Abstention-bias processors by bias, built on first use. */
  private readonly abstainBias = new Map<number, readonly LogitsProcessor[]>();
  private askgGrammar: AskgGrammar | undefined;

  constructor(bundle: ModelBundle, options: ModelRuntimeOptions = {}) {
    this.bundle = bundle;
    this.graphs = new GraphRunner(bundle);
    this.options = options;
  }

  /**
   * Loads and validates the bundle in `dir` (see `loadBundle`). On the CPU provider it also refuses a bundle whose
   * rows depend on their batch (`checkRowsIndependentOfBatch`); a GPU's kernels may pick another algorithm for
   * another batch size and differ in the last bits, so the check would prove nothing there.
   */
  static async load(dir: string, options: ModelRuntimeOptions = {}): Promise<ModelRuntime> {
    const runtime = new ModelRuntime(await loadBundle(dir, options), options);
    try {
      if ((options.executionProviders?.[0] ?? 'cpu') === 'cpu') {
        await checkRowsIndependentOfBatch(dir, runtime.manifest.image.size, (pixels, batch) =>
          runtime.graphs.runVision(pixels, batch),
        );
      }
    } catch (err) {
      await runtime.release();
      throw err;
    }
    return runtime;
  }

  /** The validated manifest of the bundle. */
  get manifest(): BundleManifest {
    return this.bundle.manifest;
  }

  /** Name, version and retrieval dimension (0 for a bundle without `embed_*` graphs). */
  info(): ModelInfo {
    const { model, dims } = this.manifest;
    return { name: model.name, version: model.version, dEmbed: dims.dEmbed ?? 0 };
  }

  /** L2-normalised text embeddings `[d_embed]` (questions and text knowledge share the space). */
  async embedText(texts: readonly string[]): Promise<Float32Array[]> {
    return this.inChunks(texts, async (chunk) => {
      const tokens = packTokenBatch(
        chunk.map((t) => this.qformerIds(t)),
        this.qformerPadId(),
      );
      return splitRows(await this.graphs.runEmbedText(tokens), chunk.length);
    });
  }

  /** ViT features `[n_patch, d_vit]` of encoded image bytes. Throws `InvalidImageError` for a bad image. */
  async encodeImage(bytes: Uint8Array): Promise<ImageFeatures> {
    const [features] = await this.encodeImages([bytes]);
    return features!;
  }

  /** ViT features of several images, one `vision` call per chunk. */
  async encodeImages(images: readonly Uint8Array[]): Promise<ImageFeatures[]> {
    return this.inChunks(images, async (chunk) =>
      this.runVision(
        await Promise.all(chunk.map((bytes) => preprocessImage(bytes, this.manifest.image, this.options))),
      ),
    );
  }

  /** ViT features of preprocessed images (`[3, size, size]` each) in one `vision` call. */
  private async runVision(pixels: readonly Float32Array[]): Promise<ImageFeatures[]> {
    const { size } = this.manifest.image;
    const { nPatch, dVit } = this.manifest.dims;
    const batch = new Float32Array(pixels.length * 3 * size * size);
    pixels.forEach((p, i) => batch.set(p, i * p.length));
    const embeds = await this.graphs.runVision(batch, pixels.length);
    return splitRows(embeds, pixels.length).map((data) => ({ dims: [nPatch, dVit] as const, data }));
  }

  /**
   * ViT features and visual keys (for an index of `dimension`) of encoded images, one `vision` call per chunk. Each
   * image is decoded once when the bundle's image size is the key raster's (the demo bundle's), else twice.
   */
  private async encodeImagesWithKeys(
    images: readonly Uint8Array[],
    dimension: number,
  ): Promise<{ features: ImageFeatures; visualKey: Float32Array }[]> {
    const { image: spec } = this.manifest;
    return this.inChunks(images, async (chunk) => {
      const decoded = await Promise.all(chunk.map((bytes) => decodeImage(bytes, VISUAL_KEY_RASTER_SIZE, this.options)));
      const pixels = await Promise.all(
        chunk.map((bytes, i) =>
          spec.size === VISUAL_KEY_RASTER_SIZE
            ? normalisePixels(decoded[i]!, spec)
            : preprocessImage(bytes, spec, this.options),
        ),
      );
      const features = await this.runVision(pixels);
      return features.map((f, i) => ({ features: f, visualKey: visualKeyOfDecoded(decoded[i]!, dimension) }));
    });
  }

  /**
   * Retrieval vectors for knowledge: an image goes ViT -> Q-Former (its caption as instruction) -> `embed_knowledge`
   * with the caption, and also returns its ViT features for the cache and its visual key (`visual-keys.ts`); text
   * goes through `embed_text`.
   */
  async embedKnowledge(items: readonly KnowledgeInput[]): Promise<EmbeddedKnowledge[]> {
    const images = items.flatMap((item, index) => (item.kind === 'image' ? [{ item, index }] : []));
    const texts = items.flatMap((item, index) => (item.kind === 'text' ? [{ item, index }] : []));
    const results = new Array<EmbeddedKnowledge>(items.length);
    const textVectors = await this.embedText(texts.map((t) => t.item.text));
    texts.forEach((t, i) => (results[t.index] = { embedding: textVectors[i]! }));
    const encoded = await this.encodeImagesWithKeys(
      images.map((i) => i.item.image),
      this.info().dEmbed,
    );
    const vectors = await this.inChunks(images, async (chunk, offset) => {
      const captions = packTokenBatch(
        chunk.map((c) => this.qformerIds(c.item.caption)),
        this.qformerPadId(),
      );
      const embeds = concatRows(encoded.slice(offset, offset + chunk.length).map((e) => e.features.data));
      const queries = await this.graphs.runQformer(embeds, captions);
      return splitRows(await this.graphs.runEmbedKnowledge(queries, captions), chunk.length);
    });
    images.forEach((img, i) => (results[img.index] = { embedding: vectors[i]!, ...encoded[i]! }));
    return results;
  }

  /**
   * Answers several requests in one batch: Q-Former over each reference image and the question image (instructed by
   * the question), the prompt, `gen_encoder`, one decoding loop for all, ASKG parsing. `usage.modelMs` is the time of
   * the whole batch.
   */
  async generate(requests: readonly RuntimeGenerateRequest[]): Promise<GenerateResult[]> {
    const started = performance.now();
    const { askg, prompt: spec } = this.requireAskgBundle();
    if (requests.length === 0) return [];
    const configs = requests.map((r) => this.resolveConfig(r.options));
    const prompts = requests.map((r) => this.buildPrompt(r));
    const imageQueries = await this.queryImageSlots(requests);
    const { wordPieces } = this.bundle.tokenizers.generator;
    const grammar = this.outputGrammar(askg, spec);
    const sequences = await this.decode(
      prompts.map((p, i) => ({
        inputIds: p.inputIds,
        imageQueries: imageQueries[i]!,
        ...(this.graphs.readsReferenceScores && { referenceScores: this.referenceScores(requests[i]!) }),
      })),
      configs,
      prompts.map((p, i) => [
        ...(wordPieces && configs[i]!.wholeWords ? [wholeWordProcessor(p.inputIds, wordPieces)] : []),
        ...(configs[i]!.answerGrammar ? [grammar.processor(requests[i]!.references.length)] : []),
        ...this.abstainBiasProcessors(askg, this.abstainLogitBiasFor(requests[i]!)),
      ]),
    );
    const modelMs = performance.now() - started;
    return sequences.map((seq, i) => {
      const text = this.bundle.tokenizers.generator.decode(seq.tokens);
      const ids = requests[i]!.references.map((r) => r.id);
      const usage = { promptTokens: prompts[i]!.inputIds.length, generatedTokens: seq.steps, modelMs };
      return { ...parseAskg(text, askg, spec, ids), text, usage };
    });
  }

  /** The references' retrieval scores, for a generator that reads them; a reference without one is refused. */
  private referenceScores(request: RuntimeGenerateRequest): number[] {
    return request.references.map((ref) => {
      if (ref.score === undefined || !Number.isFinite(ref.score)) {
        throw new AppError(
          'invalid_input',
          `reference ${ref.id} has no retrieval score; this model reads each reference's score (pass the index's score)`,
        );
      }
      return ref.score;
    });
  }

  /** The generator prompt of a request (docs/bundle-format.md "Prompt"). */
  buildPrompt(request: RuntimeGenerateRequest): GeneratorPrompt {
    const { generator } = this.manifest.text;
    const special = { ...generator, nQuery: this.manifest.dims.nQuery };
    return buildGeneratorPrompt(this.bundle.tokenizers.generator, this.requireAskgBundle().prompt, special, {
      question: request.question,
      hasQuestionImage: request.questionImage !== undefined || request.questionImageFeatures !== undefined,
      references: request.references.map((ref) => (ref.kind === 'image' ? ref : { kind: 'text', text: ref.text })),
    });
  }

  /**
   * The image query rows of each request, `[n_image_tok, d_qformer]`: the Q-Former output of every image slot in
   * prompt order (question image, then image references), instructed by the question. One Q-Former call for all.
   */
  async queryImageSlots(requests: readonly RuntimeGenerateRequest[]): Promise<Float32Array[]> {
    const spec = this.requireAskgBundle().prompt;
    const toEncode = requests.flatMap((r) =>
      r.questionImageFeatures === undefined && r.questionImage ? [r.questionImage] : [],
    );
    const encoded = await this.encodeImages(toEncode);
    let next = 0;
    const jobs = requests.map((r) => {
      const slots: { features: ImageFeatures; instruction: string }[] = [];
      const questionFeatures = r.questionImageFeatures ?? (r.questionImage ? encoded[next++] : undefined);
      const instructedBy = r.qformerQuestion ?? r.question;
      if (questionFeatures)
        slots.push({ features: this.checkFeatures('question image', questionFeatures), instruction: instructedBy });
      for (const ref of r.references) {
        if (ref.kind !== 'image') continue;
        const instruction = buildQformerInstruction(spec, instructedBy, ref.caption);
        slots.push({ features: this.checkFeatures(`reference ${ref.id}`, ref.features), instruction });
      }
      return slots;
    });
    const flat = jobs.flat();
    if (flat.length === 0) return jobs.map(() => new Float32Array(0));
    const tokens = packTokenBatch(
      flat.map((j) => this.qformerIds(j.instruction)),
      this.qformerPadId(),
    );
    const embeds = concatRows(flat.map((j) => j.features.data));
    const queries = splitRows(await this.graphs.runQformer(embeds, tokens), flat.length);
    let at = 0;
    return jobs.map((slots) => concatRows(slots.map(() => queries[at++]!)));
  }

  /**
   * Decodes raw generator inputs, one row each with its own options (tokens from the manifest): pads the batch, runs
   * `gen_encoder` once, then the decoding loop.
   */
  async generateFromEncoderInputs(
    inputs: readonly EncoderInput[],
    options: readonly GenerationOptionsInput[],
  ): Promise<DecodedSequence[]> {
    if (inputs.length !== options.length) throw new AppError('invalid_input', 'one options object per input is needed');
    for (const input of inputs) {
      if (input.attentionMask !== undefined && input.attentionMask.length !== input.inputIds.length) {
        throw new AppError('invalid_input', 'attentionMask must be as long as inputIds');
      }
    }
    if (inputs.length === 0) return [];
    return this.decode(
      inputs,
      options.map((o) => this.resolveConfig(o)),
    );
  }

  /** Frees the ONNX Runtime sessions. */
  async release(): Promise<void> {
    await this.bundle.release();
  }

  private async decode(
    inputs: readonly EncoderInput[],
    configs: readonly GenerationConfig[],
    processors: readonly (readonly LogitsProcessor[])[] = [],
  ): Promise<DecodedSequence[]> {
    const { generator } = this.manifest.text;
    const prompt = packTokenBatch(
      inputs.map((input) => input.inputIds),
      generator.padId,
    );
    inputs.forEach((input, b) => {
      input.attentionMask?.forEach((m, t) => (prompt.mask[b * prompt.seq + t] = BigInt(m)));
    });
    const imageQueries = packImageQueries(
      inputs.map((input) => input.imageQueries),
      this.manifest.dims.dQformer,
    );
    const scores = this.graphs.readsReferenceScores
      ? packReferenceScores(
          inputs.map((input) => {
            if (input.referenceScores === undefined) {
              throw new AppError('invalid_input', 'this model reads reference scores: give referenceScores per input');
            }
            return input.referenceScores;
          }),
        )
      : undefined;
    const encoded = await this.graphs.runGenEncoder(prompt, imageQueries, scores);
    return generateSequences(this.graphs.decoderStep, this.graphs.cacheDims, encoded.state, configs, processors);
  }

  private resolveConfig(options: GenerationOptionsInput | undefined): GenerationConfig {
    const { eosId, decoderStartId } = this.manifest.text.generator;
    return resolveGenerationConfig(options, { eosTokenId: eosId, decoderStartTokenId: decoderStartId });
  }

  private checkFeatures(what: string, features: ImageFeatures): ImageFeatures {
    const { nPatch, dVit } = this.manifest.dims;
    const [rows, cols] = features.dims;
    if (rows !== nPatch || cols !== dVit || features.data.length !== nPatch * dVit) {
      throw new AppError(
        'invalid_input',
        `${what}: features are [${rows}, ${cols}], this model needs [${nPatch}, ${dVit}] (re-encode the image)`,
      );
    }
    return features;
  }

  /** The abstention bias generation applies: the `abstainLogitBias` option, else the manifest's, else 0. */
  get abstainLogitBias(): number {
    return this.options.abstainLogitBias ?? this.manifest.askg?.abstainLogitBias ?? 0;
  }

  /**
   * The abstention bias for a question whose image linked to no stored image: the `abstainLogitBiasUnlinkedImage`
   * option, else the manifest's, else `abstainLogitBias`.
   */
  get abstainLogitBiasUnlinkedImage(): number {
    return (
      this.options.abstainLogitBiasUnlinkedImage ??
      this.manifest.askg?.abstainLogitBiasUnlinkedImage ??
      this.abstainLogitBias
    );
  }

  /** The bias for one request: the unlinked-image bias when its question image linked to nothing. */
  private abstainLogitBiasFor(request: RuntimeGenerateRequest): number {
    const hasImage = request.questionImage !== undefined || request.questionImageFeatures !== undefined;
    return hasImage && request.questionImageLinked === false
      ? this.abstainLogitBiasUnlinkedImage
      : this.abstainLogitBias;
  }

  /** The abstention-bias processor for `bias` (none for 0); built on first use, then reused. */
  private abstainBiasProcessors(askg: AskgSpec, bias: number): readonly LogitsProcessor[] {
    const built = this.abstainBias.get(bias);
    if (built !== undefined) return built;
    const tokenizer = this.bundle.tokenizers.generator;
    const prefix = tokenizer.encode(askg.relevantPrefix, { addSpecialTokens: false });
    const [noneId] = tokenizer.encode(askg.none, { addSpecialTokens: false });
    if (noneId === undefined)
      throw new AppError('bundle_mismatch', `askg.none ${JSON.stringify(askg.none)} has no tokens`);
    const processors = bias === 0 ? [] : [biasAfterPrefixProcessor(prefix, noneId, bias)];
    this.abstainBias.set(bias, processors);
    return processors;
  }

  /** ASKG's output grammar over the generator's tokens (`askg-grammar.ts`); built once. */
  private outputGrammar(askg: AskgSpec, spec: PromptSpec): AskgGrammar {
    if (this.askgGrammar !== undefined) return this.askgGrammar;
    const tokenizer = this.bundle.tokenizers.generator;
    const encode = (text: string): number[] => tokenizer.encode(text, { addSpecialTokens: false });
    this.askgGrammar = new AskgGrammar({
      relevantPrefix: encode(askg.relevantPrefix),
      none: encode(askg.none),
      answerOpening: encode(`${askg.separator} ${askg.answerPrefix}`),
      referenceNumbers: Array.from({ length: spec.maxReferences }, (_, i) =>
        encode(formatReferenceNumber(spec, i + 1)),
      ),
      eosTokenId: this.manifest.text.generator.eosId,
    });
    return this.askgGrammar;
  }

  private requireAskgBundle(): { prompt: PromptSpec; askg: AskgSpec } {
    const { prompt, askg, family } = this.manifest;
    if (prompt === undefined || askg === undefined) {
      throw new AppError(
        'model_unavailable',
        `bundle family ${family} has no prompt format; answer with an ra-blip bundle (or call generateFromEncoderInputs)`,
      );
    }
    return { prompt, askg };
  }

  private qformerIds(text: string): number[] {
    return this.bundle.tokenizers.qformer.encode(text, { maxLength: this.manifest.text.qformer.maxLength });
  }

  private qformerPadId(): number {
    return this.bundle.tokenizers.qformer.tokenToId('[PAD]') ?? 0;
  }

  private async inChunks<T, R>(items: readonly T[], run: (chunk: T[], offset: number) => Promise<R[]>): Promise<R[]> {
    const size = this.options.maxEmbedBatch ?? 32;
    const out: R[] = [];
    for (let offset = 0; offset < items.length; offset += size) {
      out.push(...(await run(items.slice(offset, offset + size), offset)));
    }
    return out;
  }
}
