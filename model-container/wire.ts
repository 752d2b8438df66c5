/**
 * The JSON wire format of the model container, shared by the container (`server.ts`) and both remote clients
 * (`src/adapters/model-http.ts`, `src/adapters/model-sagemaker.ts`). One request shape per operation, discriminated
 * by `operation`; binary data travels base64: images as their encoded bytes, float32 tensors as little-endian bytes
 * beside their dims. See model-container/README.md for examples.
 * @module
 */
import { z } from 'zod';
import type { EmbeddedKnowledge, GenerateRequest, ImageFeatures, KnowledgeInput } from '../src/core/ports.js';

// Float32Array memory is in platform byte order, and the wire says little-endian: refuse to run on anything else.
if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1)
  throw new Error('the wire format needs a little-endian platform');

/**
 * Largest request or response body, in bytes. The archived SageMaker API reference gives 5,242,880 bytes for a
 * real-time `InvokeEndpoint` body, a newer secondary source 6 MB; we keep to the smaller one (shared/notes/infra.md §3).
 */
export const MAX_INVOCATION_BYTES = 5 * 1024 * 1024;
/** Most texts or knowledge items in one embed call. */
export const MAX_ITEMS_PER_CALL = 256;
/** Longest text, question or caption, in characters (the model truncates tokens far below this). */
export const MAX_TEXT_CHARS = 20_000;
/** Most references in one generate call. */
export const MAX_REFERENCES = 32;

/** A float32 tensor on the wire: row-major little-endian bytes, base64, and its dims. */
export const wireTensorSchema = z
  .strictObject({
    dims: z.array(z.number().int().nonnegative()).min(1).max(4),
    data: z.base64(),
  })
  .refine((t) => base64ByteLength(t.data) === t.dims.reduce((n, d) => n * d, 1) * 4, {
    message: 'data must hold exactly prod(dims) float32 values (4 bytes each)',
    path: ['data'],
  });
export type WireTensor = z.infer<typeof wireTensorSchema>;

/** Encoded image bytes (PNG, JPEG or WebP), base64. The model checks the format; this only bounds the size. */
const wireImageSchema = z.base64().min(1);
const textSchema = z.string().max(MAX_TEXT_CHARS);

const wireKnowledgeInputSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('image'), image: wireImageSchema, caption: textSchema }),
  z.strictObject({ kind: z.literal('text'), text: textSchema.min(1) }),
]);

/** Retrieval score of a reference (an inner product of unit vectors, so within [-1, 1] up to rounding). */
const wireScoreSchema = z.number().min(-1.01).max(1.01).optional();

/** `[n_patch, d_vit]` ViT features of one image. */
const wireFeaturesSchema = wireTensorSchema.refine((t) => t.dims.length === 2, {
  message: 'features must be [n_patch, d_vit]',
});

const wireReferenceSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    id: z.string().min(1),
    kind: z.literal('image'),
    /** Cached at ingest. */
    features: wireFeaturesSchema,
    caption: textSchema,
    score: wireScoreSchema,
  }),
  z.strictObject({ id: z.string().min(1), kind: z.literal('text'), text: textSchema, score: wireScoreSchema }),
]);

/** Every request the container accepts, on `POST /invocations`. */
export const invocationRequestSchema = z.discriminatedUnion('operation', [
  z.strictObject({ operation: z.literal('info') }),
  z.strictObject({
    operation: z.literal('embed_text'),
    texts: z.array(textSchema.min(1)).min(1).max(MAX_ITEMS_PER_CALL),
  }),
  z.strictObject({
    operation: z.literal('embed_knowledge'),
    items: z.array(wireKnowledgeInputSchema).min(1).max(MAX_ITEMS_PER_CALL),
  }),
  z.strictObject({
    operation: z.literal('generate'),
    question: textSchema.min(1),
    questionImage: wireImageSchema.optional(),
    /** The question image's ViT features, when the caller has them: sent instead of its bytes. */
    questionImageFeatures: wireFeaturesSchema.optional(),
    questionImageLinked: z.boolean().optional(),
    references: z.array(wireReferenceSchema).max(MAX_REFERENCES),
    options: z
      .strictObject({
        maxNewTokens: z.number().int().min(1).max(512).optional(),
        numBeams: z.number().int().min(1).max(8).optional(),
      })
      .optional(),
  }),
]);
export type InvocationRequest = z.infer<typeof invocationRequestSchema>;
export type Operation = InvocationRequest['operation'];

export const infoResponseSchema = z.strictObject({
  name: z.string(),
  version: z.string(),
  dEmbed: z.number().int().positive(),
});

/** `embed_text`: one `[batch, d_embed]` tensor, rows in request order. */
export const embedTextResponseSchema = z.strictObject({ embeddings: wireTensorSchema });

/** `embed_knowledge`: one entry per item; `features` (`[n_patch, d_vit]`) and `visualKey` for image items only. */
export const embedKnowledgeResponseSchema = z.strictObject({
  items: z.array(
    z.strictObject({
      embedding: wireTensorSchema,
      features: wireTensorSchema.optional(),
      visualKey: wireTensorSchema.optional(),
    }),
  ),
});

export const generateResponseSchema = z.strictObject({
  answer: z.string(),
  relevant: z.array(z.string()),
  abstained: z.boolean(),
  text: z.string(),
  usage: z.strictObject({
    promptTokens: z.number().int().nonnegative(),
    generatedTokens: z.number().int().nonnegative(),
    modelMs: z.number().nonnegative(),
  }),
});

/** Every non-2xx body of the container. `code` is an `ErrorCode` of `src/core/errors.ts`. */
export const wireErrorSchema = z.strictObject({
  error: z.strictObject({
    code: z.string(),
    message: z.string(),
    issues: z.array(z.strictObject({ path: z.string(), message: z.string() })).optional(),
  }),
});
export type WireError = z.infer<typeof wireErrorSchema>;

function base64ByteLength(b64: string): number {
  const padding = b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0;
  return (b64.length / 4) * 3 - padding;
}

/** Encodes a float32 array as a wire tensor. Throws when `data.length` disagrees with `dims`. */
export function encodeTensor(data: Float32Array, dims: readonly number[]): WireTensor {
  const expected = dims.reduce((n, d) => n * d, 1);
  if (data.length !== expected) throw new RangeError(`tensor of ${data.length} values cannot have dims [${dims}]`);
  return { dims: [...dims], data: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64') };
}

/** Decodes a (validated) wire tensor into a fresh, aligned Float32Array. */
export function decodeTensor(tensor: WireTensor): { dims: number[]; data: Float32Array } {
  const bytes = Buffer.from(tensor.data, 'base64');
  const data = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(data.buffer).set(bytes);
  return { dims: tensor.dims, data };
}

/** Splits a `[batch, dim]` wire tensor into its rows. */
export function decodeRows(tensor: WireTensor): Float32Array[] {
  const { dims, data } = decodeTensor(tensor);
  if (dims.length !== 2) throw new RangeError(`expected [batch, dim], got [${dims}]`);
  const [rows = 0, width = 0] = dims;
  return Array.from({ length: rows }, (_, i) => data.slice(i * width, (i + 1) * width));
}

function encodeFeatures(features: ImageFeatures): WireTensor {
  return encodeTensor(features.data, features.dims);
}

function decodeFeatures(tensor: WireTensor): ImageFeatures {
  const { dims, data } = decodeTensor(tensor);
  const [nPatch = 0, dVit = 0] = dims;
  return { dims: [nPatch, dVit], data };
}

const toBase64 = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
const fromBase64 = (b64: string): Uint8Array => new Uint8Array(Buffer.from(b64, 'base64'));

/** Domain knowledge inputs -> the `embed_knowledge` request. */
export function toEmbedKnowledgeRequest(items: readonly KnowledgeInput[]): InvocationRequest {
  return {
    operation: 'embed_knowledge',
    items: items.map((item) =>
      item.kind === 'image'
        ? { kind: 'image', image: toBase64(item.image), caption: item.caption }
        : { kind: 'text', text: item.text },
    ),
  };
}

/** The `embed_knowledge` request -> domain knowledge inputs. */
export function fromEmbedKnowledgeRequest(
  request: Extract<InvocationRequest, { operation: 'embed_knowledge' }>,
): KnowledgeInput[] {
  return request.items.map((item) =>
    item.kind === 'image'
      ? { kind: 'image', image: fromBase64(item.image), caption: item.caption }
      : { kind: 'text', text: item.text },
  );
}

/** Domain embeddings -> the `embed_knowledge` response. */
export function toEmbedKnowledgeResponse(
  results: readonly EmbeddedKnowledge[],
): z.infer<typeof embedKnowledgeResponseSchema> {
  return {
    items: results.map((r) => ({
      embedding: encodeTensor(r.embedding, [r.embedding.length]),
      ...(r.features ? { features: encodeFeatures(r.features) } : {}),
      ...(r.visualKey ? { visualKey: encodeTensor(r.visualKey, [r.visualKey.length]) } : {}),
    })),
  };
}

/** The `embed_knowledge` response -> domain embeddings. */
export function fromEmbedKnowledgeResponse(body: z.infer<typeof embedKnowledgeResponseSchema>): EmbeddedKnowledge[] {
  return body.items.map((item) => ({
    embedding: decodeTensor(item.embedding).data,
    ...(item.features ? { features: decodeFeatures(item.features) } : {}),
    ...(item.visualKey ? { visualKey: decodeTensor(item.visualKey).data } : {}),
  }));
}

/** A domain generate request -> the `generate` request. */
export function toGenerateRequest(request: GenerateRequest): InvocationRequest {
  return {
    operation: 'generate',
    question: request.question,
    // Features when the caller has them: the model then need not read the image again.
    ...(request.questionImageFeatures
      ? { questionImageFeatures: encodeFeatures(request.questionImageFeatures) }
      : request.questionImage
        ? { questionImage: toBase64(request.questionImage) }
        : {}),
    ...(request.questionImageLinked !== undefined && { questionImageLinked: request.questionImageLinked }),
    references: request.references.map((ref) => ({
      ...(ref.kind === 'image'
        ? { id: ref.id, kind: 'image' as const, features: encodeFeatures(ref.features), caption: ref.caption }
        : { id: ref.id, kind: 'text' as const, text: ref.text }),
      ...(ref.score !== undefined && { score: ref.score }),
    })),
    ...(request.options ? { options: { ...request.options } } : {}),
  };
}

/** The `generate` request -> a domain generate request. */
export function fromGenerateRequest(request: Extract<InvocationRequest, { operation: 'generate' }>): GenerateRequest {
  return {
    question: request.question,
    ...(request.questionImage ? { questionImage: fromBase64(request.questionImage) } : {}),
    ...(request.questionImageFeatures ? { questionImageFeatures: decodeFeatures(request.questionImageFeatures) } : {}),
    ...(request.questionImageLinked !== undefined && { questionImageLinked: request.questionImageLinked }),
    references: request.references.map((ref) => ({
      ...(ref.kind === 'image'
        ? { id: ref.id, kind: 'image' as const, features: decodeFeatures(ref.features), caption: ref.caption }
        : { id: ref.id, kind: 'text' as const, text: ref.text }),
      ...(ref.score !== undefined && { score: ref.score }),
    })),
    ...(request.options ? { options: request.options } : {}),
  };
}
