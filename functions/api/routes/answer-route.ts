/**
 * `POST /v1/answer`: question (+ optional image) -> answer, abstention and evidence.
 * @module
 */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { Config } from '../../../src/core/config.js';
import { InvalidImageError } from '../../../src/core/errors.js';
import { decodeBase64, ImageReferenceError } from '../../../src/core/knowledge/index.js';
import { answerQuestion, type AnswerResult, type KnowledgeServices } from '../../../src/core/pipeline/index.js';
import type { ApiEnv } from '../api-env.js';
import { AnswerResponseSchema, answerRequestSchema, errorResponses } from '../api-schemas.js';
import { knowledgeImageUrl } from './knowledge-image-url.js';

/** The raw bytes of the `image` field (base64 or a data URL). */
function decodeQuestionImage(field: string): Uint8Array {
  const comma = field.startsWith('data:') ? field.indexOf(',') : -1;
  try {
    return decodeBase64(comma >= 0 ? field.slice(comma + 1) : field);
  } catch (error) {
    if (error instanceof ImageReferenceError) throw new InvalidImageError('image is not valid base64');
    throw error;
  }
}

function toResponse(result: AnswerResult) {
  return {
    answer: result.answer,
    abstained: result.abstained,
    ...(result.questionImage !== undefined && { questionImage: result.questionImage }),
    evidence: result.evidence.map(({ id, modality, content, title, source, score, relevant, linked }) => ({
      id,
      modality,
      ...(modality === 'image' ? { caption: content, imageUrl: knowledgeImageUrl(id) } : { text: content }),
      ...(title !== undefined && { title }),
      source,
      score,
      relevant,
      ...(linked === true && { linked }),
    })),
    usage: result.usage,
    timings: result.timings,
  };
}

export function registerAnswerRoute(app: OpenAPIHono<ApiEnv>, services: KnowledgeServices, config: Config): void {
  const route = createRoute({
    method: 'post',
    path: '/v1/answer',
    tags: ['answer'],
    summary: 'Answer a question from the tenant’s knowledge',
    security: [{ bearerAuth: [] }],
    request: {
      body: {
        required: true,
        content: { 'application/json': { schema: answerRequestSchema(config.limits.maxQuestionChars) } },
      },
    },
    responses: {
      200: {
        description: 'The answer, or an abstention',
        content: { 'application/json': { schema: AnswerResponseSchema } },
      },
      ...errorResponses(400, 401, 413, 503),
    },
  });
  const options = {
    imageLimits: config.limits.image,
    budget: config.answer.budget,
    generation: config.answer.generation,
    modelTimeoutMs: config.model.timeoutMs,
    visualLinkThreshold: config.answer.visualLinkThreshold,
  };
  app.openapi(route, async (c) => {
    const body = c.req.valid('json');
    const request = {
      tenant: c.get('tenant'),
      question: body.question,
      topK: body.topK ?? config.answer.defaultTopK,
      ...(body.image !== undefined && { image: decodeQuestionImage(body.image) }),
    };
    const result = await answerQuestion(services, request, options);
    c.set('modelUsage', result.usage);
    return c.json(toResponse(result), 200);
  });
}
