/**
 * Request and response schemas of the HTTP API; they validate requests and generate the OpenAPI document.
 * @module
 */
import { z } from '@hono/zod-openapi';
import { KNOWLEDGE_ID_PATTERN, KnowledgeLineSchema } from '../../src/core/knowledge/index.js';

/** Most records in one `POST /v1/knowledge`; larger sets go through knowledge files (S3 or `./knowledge`). */
export const MAX_UPLOAD_ITEMS = 100;
export const MAX_TOP_K = 50;

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'invalid_input' }),
      message: z.string(),
      requestId: z.string(),
    }),
  })
  .openapi('Error');

/** The answer request; the question limit comes from the configuration. */
export function answerRequestSchema(maxQuestionChars: number) {
  return z
    .object({
      question: z
        .string()
        .trim()
        .min(1, 'question is empty')
        .max(maxQuestionChars, `question is over ${maxQuestionChars} characters`)
        .openapi({ example: 'What is the capital of Peru?' }),
      image: z
        .string()
        .min(1)
        .optional()
        .openapi({ description: 'An image that comes with the question: PNG, JPEG or WebP, as base64 or a data URL' }),
      topK: z.number().int().min(1).max(MAX_TOP_K).optional().openapi({ description: 'References to retrieve' }),
    })
    .openapi('AnswerRequest');
}

const UsageSchema = z.object({
  promptTokens: z.number().int(),
  generatedTokens: z.number().int(),
  modelMs: z.number(),
});

export const EvidenceSchema = z
  .object({
    id: z.string(),
    modality: z.enum(['image', 'text']),
    caption: z.string().optional().openapi({ description: 'Image items' }),
    text: z.string().optional().openapi({ description: 'Text items' }),
    title: z.string().optional(),
    source: z.string(),
    imageUrl: z
      .string()
      .optional()
      .openapi({ description: 'GET it with the same API key', example: '/v1/knowledge/flag-pe/image' }),
    score: z.number().openapi({
      description:
        'Cosine similarity with the question; for the linked image item, the similarity of the two images’ visual keys',
    }),
    relevant: z.boolean().openapi({ description: 'The generator named this reference as relevant (ASKG)' }),
    linked: z
      .boolean()
      .optional()
      .openapi({
        description:
          'Present (true) on the image item that the question image shows (visual entity linking): it leads the evidence, ' +
          'and its caption named the entity the other references were retrieved for',
      }),
  })
  .openapi('Evidence');

export const AnswerResponseSchema = z
  .object({
    answer: z.string(),
    abstained: z.boolean().openapi({ description: 'No reference was relevant: the service declines to answer' }),
    questionImage: z
      .object({ linked: z.boolean() })
      .optional()
      .openapi({
        description:
          'Present when the question came with an image. linked: false means no stored image shows it (visual entity ' +
          'linking), so the service abstains more readily; a question that does not ask about its picture is best ' +
          'sent without it',
      }),
    evidence: z.array(EvidenceSchema),
    usage: UsageSchema,
    timings: z.object({
      embedMs: z.number(),
      retrieveMs: z.number(),
      assembleMs: z.number(),
      generateMs: z.number(),
      totalMs: z.number(),
    }),
  })
  .openapi('AnswerResponse');

export const KnowledgeUploadSchema = z
  .object({ items: z.array(KnowledgeLineSchema).min(1).max(MAX_UPLOAD_ITEMS) })
  .openapi('KnowledgeUpload', {
    description: 'Records as in a JSONL knowledge file; images as base64 or data URLs',
    example: { items: [{ id: 'zorb-depth', title: 'Lake Zorb', text: 'Lake Zorb is 310 metres deep.' }] },
  });

export const JobSchema = z
  .object({
    id: z.string(),
    source: z.string(),
    state: z.enum(['queued', 'done', 'failed']),
    counts: z.object({ ingested: z.number().int(), skipped: z.number().int(), rejected: z.number().int() }).optional(),
    errors: z.array(z.string()).optional(),
    attempts: z.number().int(),
    updatedAt: z.string(),
  })
  .openapi('IngestJob');

export const KnowledgeViewSchema = z
  .object({
    id: z.string(),
    modality: z.enum(['image', 'text']),
    caption: z.string().optional(),
    text: z.string().optional(),
    title: z.string().optional(),
    source: z.string(),
    modelVersion: z.string(),
    imageUrl: z.string().optional(),
    metadata: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  })
  .openapi('KnowledgeItem');

export const KnowledgeIdParamSchema = z.object({
  id: z
    .string()
    .regex(KNOWLEDGE_ID_PATTERN, 'not a knowledge id')
    .openapi({ param: { name: 'id', in: 'path' }, example: 'flag-pe' }),
});

export const JobIdParamSchema = z.object({
  id: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,128}$/, 'not a job id')
    .openapi({ param: { name: 'id', in: 'path' } }),
});

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a UTC day, YYYY-MM-DD');

export const UsageQuerySchema = z.object({
  from: Day.optional().openapi({ param: { name: 'from', in: 'query' }, description: 'First day; default 29 days ago' }),
  to: Day.optional().openapi({ param: { name: 'to', in: 'query' }, description: 'Last day; default today (UTC)' }),
});

const UsageTotalsSchema = z.object({
  day: z.string(),
  requests: z.number().int(),
  modelMs: z.number(),
  promptTokens: z.number().int(),
  generatedTokens: z.number().int(),
});

export const UsageResponseSchema = z
  .object({
    tenant: z.string(),
    from: z.string(),
    to: z.string(),
    total: UsageTotalsSchema.omit({ day: true }),
    days: z.array(UsageTotalsSchema),
  })
  .openapi('Usage');

/** Error responses, for the OpenAPI document. */
export function errorResponses(...statuses: (400 | 401 | 404 | 413 | 503)[]) {
  const descriptions = {
    400: 'Invalid input',
    401: 'Missing or unknown API key',
    404: 'Not found',
    413: 'Body or image over the limit',
    503: 'Model or backend unavailable or timed out; see Retry-After',
  };
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      { description: descriptions[status], content: { 'application/json': { schema: ErrorSchema } } },
    ]),
  );
}
