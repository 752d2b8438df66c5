/**
 * The bundle manifest (`manifest.json`, docs/bundle-format.md): a strict zod schema. Unknown keys, a wrong
 * `formatVersion` and a family without the parts it needs are refused when the bundle loads.
 * @module
 */
import { z } from 'zod';
import { BundleMismatchError } from '../errors.js';

/** The only manifest version this runtime reads. */
export const BUNDLE_FORMAT_VERSION = 1;

/** Named dynamic dims, shared by the Python exporter and this runtime. */
export const DYNAMIC_DIMS = ['batch', 'seq', 'enc_seq', 'past', 'past_plus_1', 'n_image_tok', 'n_ref'] as const;
export type DynamicDim = (typeof DYNAMIC_DIMS)[number];

const positiveInt = z.number().int().positive();
const tokenId = z.number().int().nonnegative();

const tensorSpecSchema = z.strictObject({
  name: z.string().min(1),
  dtype: z.enum(['float32', 'int64']),
  shape: z.array(z.union([z.number().int().positive(), z.enum(DYNAMIC_DIMS)])).min(1),
});

const graphSpecSchema = z.strictObject({
  file: z.string().min(1),
  inputs: z.array(tensorSpecSchema).min(1),
  outputs: z.array(tensorSpecSchema).min(1),
});

const tokenizerRefSchema = z.strictObject({ tokenizer: z.string().min(1), maxLength: positiveInt });

const promptSchema = z.strictObject({
  questionPrefix: z.string(),
  questionImage: z.string(),
  referencesHeader: z.string(),
  noReferences: z.string(),
  /** Template with `{n}`, the 1-based prompt number of a reference. */
  referenceNumber: z.string().includes('{n}'),
  imageReference: z.string(),
  textReference: z.string(),
  maxRefTokens: positiveInt,
  maxReferences: positiveInt,
  instructionJoin: z.string(),
});

const askgSchema = z.strictObject({
  relevantPrefix: z.string().min(1),
  answerPrefix: z.string().min(1),
  separator: z.string().min(1),
  none: z.string().min(1),
  /**
   * Added to the logit of the first `none` token right after `relevantPrefix`: below 0 the generator abstains less
   * often. Calibrated on the dev split after training (`bench/calibrate-abstention.ts`). @default 0
   */
  abstainLogitBias: z.number().finite().optional(),
  /**
   * Replaces `abstainLogitBias` for a question whose image visual entity linking matched to no stored image
   * (`GenerateRequest.questionImageLinked: false`): the entity it shows is then unknown to the index. Calibrated on
   * dev with `abstainLogitBias`. @default abstainLogitBias
   */
  abstainLogitBiasUnlinkedImage: z.number().finite().optional(),
});

const dimsSchema = z.strictObject({
  nPatch: positiveInt,
  dVit: positiveInt,
  nQuery: positiveInt,
  dQformer: positiveInt,
  dModel: positiveInt,
  vocab: positiveInt,
  /** Absent in a bundle without `embed_*` graphs (family `instructblip-t5`). */
  dEmbed: positiveInt.optional(),
  nDecoderLayers: positiveInt,
  nHeads: positiveInt,
  dHead: positiveInt,
});

const manifestSchema = z
  .strictObject({
    format: z.literal('ra-blip-bundle'),
    formatVersion: z.literal(BUNDLE_FORMAT_VERSION),
    family: z.enum(['ra-blip', 'instructblip-t5']),
    model: z.strictObject({
      name: z.string().min(1),
      version: z.string().min(1),
      configHash: z.string().min(1),
      createdAt: z.string().min(1),
    }),
    image: z.strictObject({
      size: positiveInt,
      mean: z.tuple([z.number(), z.number(), z.number()]),
      std: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]),
    }),
    text: z.strictObject({
      qformer: tokenizerRefSchema,
      generator: tokenizerRefSchema.extend({
        padId: tokenId,
        decoderStartId: tokenId,
        eosId: tokenId,
        imageTokenId: tokenId,
      }),
    }),
    dims: dimsSchema,
    graphs: z.strictObject({
      vision: graphSpecSchema,
      qformer: graphSpecSchema,
      embed_text: graphSpecSchema.optional(),
      embed_knowledge: graphSpecSchema.optional(),
      gen_encoder: graphSpecSchema,
      gen_decoder: graphSpecSchema,
    }),
    prompt: promptSchema.optional(),
    askg: askgSchema.optional(),
    /** Measured at export; free-form, read by nothing in the runtime but reported by `info`. */
    metrics: z.record(z.string(), z.unknown()).optional(),
  })
  .superRefine((m, ctx) => {
    if (m.family === 'ra-blip') {
      for (const key of ['prompt', 'askg', 'embed_text', 'embed_knowledge'] as const) {
        const present = key === 'prompt' || key === 'askg' ? m[key] : m.graphs[key];
        if (present === undefined) ctx.addIssue({ code: 'custom', message: `family ra-blip requires ${key}` });
      }
    }
    const hasEmbed = m.graphs.embed_text !== undefined || m.graphs.embed_knowledge !== undefined;
    if (hasEmbed && m.dims.dEmbed === undefined) {
      ctx.addIssue({ code: 'custom', path: ['dims', 'dEmbed'], message: 'embed_* graphs require dims.dEmbed' });
    }
  });

/** A validated `manifest.json`. */
export type BundleManifest = z.infer<typeof manifestSchema>;
/** `{ name, dtype, shape }` of one graph input or output. */
export type TensorSpec = z.infer<typeof tensorSpecSchema>;
/** One graph's file and I/O. */
export type GraphSpec = z.infer<typeof graphSpecSchema>;
/** The generator prompt format (family `ra-blip`). */
export type PromptSpec = z.infer<typeof promptSchema>;
/** The ASKG output grammar. */
export type AskgSpec = z.infer<typeof askgSchema>;
/** Model dimensions every fixed tensor dim refers to. */
export type ModelDims = z.infer<typeof dimsSchema>;
/** Graph names a bundle may hold. */
export type GraphName = keyof BundleManifest['graphs'];

/**
 * Validates a parsed `manifest.json`. Throws `BundleMismatchError` (graph `manifest`) listing every problem, with a
 * dedicated message for an unsupported `formatVersion`.
 */
export function parseManifest(json: unknown): BundleManifest {
  const version = (json as { formatVersion?: unknown } | null)?.formatVersion;
  if (typeof json === 'object' && json !== null && version !== BUNDLE_FORMAT_VERSION) {
    throw new BundleMismatchError(
      `manifest formatVersion ${JSON.stringify(version)} is not supported: this runtime reads formatVersion ${BUNDLE_FORMAT_VERSION}`,
      { graph: 'manifest' },
    );
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new BundleMismatchError(`invalid manifest.json: ${problems}`, { graph: 'manifest' });
  }
  return parsed.data;
}
