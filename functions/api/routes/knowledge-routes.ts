/**
 * `POST /v1/knowledge` (direct upload), `GET`/`DELETE /v1/knowledge/{id}`, `GET /v1/knowledge/{id}/image`.
 * @module
 */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { Config } from '../../../src/core/config.js';
import type { IngestJob } from '../../../src/core/ports.js';
import {
  describeKnowledge,
  readKnowledgeImage,
  removeKnowledge,
  uploadKnowledge,
  type IngestServices,
  type KnowledgeView,
} from '../../../src/core/pipeline/index.js';
import type { ApiEnv } from '../api-env.js';
import {
  errorResponses,
  JobSchema,
  KnowledgeIdParamSchema,
  KnowledgeUploadSchema,
  KnowledgeViewSchema,
} from '../api-schemas.js';
import { knowledgeImageUrl } from './knowledge-image-url.js';

/** A job as the API shows it (the tenant is the caller's own). */
export function toJobResponse({ id, source, state, counts, errors, attempts, updatedAt }: IngestJob) {
  return {
    id,
    source,
    state,
    attempts,
    updatedAt,
    ...(counts && { counts: { ...counts } }),
    ...(errors && { errors: [...errors] }),
  };
}

function toKnowledgeResponse(view: KnowledgeView) {
  return {
    id: view.id,
    modality: view.modality,
    ...(view.modality === 'image' ? { caption: view.content } : { text: view.content }),
    ...(view.title !== undefined && { title: view.title }),
    source: view.source,
    modelVersion: view.modelVersion,
    ...(view.hasImage && { imageUrl: knowledgeImageUrl(view.id) }),
    ...(view.attributes && { metadata: { ...view.attributes } }),
  };
}

const security = [{ bearerAuth: [] }];
const params = KnowledgeIdParamSchema;

const uploadRoute = createRoute({
  method: 'post',
  path: '/v1/knowledge',
  tags: ['knowledge'],
  summary: 'Upload a few knowledge records; all or nothing',
  security,
  request: { body: { required: true, content: { 'application/json': { schema: KnowledgeUploadSchema } } } },
  responses: {
    201: { description: 'The ingest job, done', content: { 'application/json': { schema: JobSchema } } },
    ...errorResponses(400, 401, 413, 503),
  },
});

const getRoute = createRoute({
  method: 'get',
  path: '/v1/knowledge/{id}',
  tags: ['knowledge'],
  summary: 'One knowledge item',
  security,
  request: { params },
  responses: {
    200: { description: 'The item', content: { 'application/json': { schema: KnowledgeViewSchema } } },
    ...errorResponses(400, 401, 404),
  },
});

const deleteRoute = createRoute({
  method: 'delete',
  path: '/v1/knowledge/{id}',
  tags: ['knowledge'],
  summary: 'Delete a knowledge item, its image and cached features',
  security,
  request: { params },
  responses: { 204: { description: 'Deleted' }, ...errorResponses(400, 401, 404) },
});

const imageRoute = createRoute({
  method: 'get',
  path: '/v1/knowledge/{id}/image',
  tags: ['knowledge'],
  summary: 'The image of an image item',
  security,
  request: { params },
  responses: {
    200: {
      description: 'The stored image',
      content: { 'image/png': { schema: { type: 'string', format: 'binary' } } },
    },
    ...errorResponses(400, 401, 404),
  },
});

export function registerKnowledgeRoutes(app: OpenAPIHono<ApiEnv>, services: IngestServices, config: Config): void {
  const uploadOptions = { batchSize: config.ingest.batchSize, imageLimits: config.limits.image };
  app.openapi(uploadRoute, async (c) => {
    const job = await uploadKnowledge(services, c.get('tenant'), c.req.valid('json').items, uploadOptions);
    c.header('Location', `/v1/ingest/jobs/${job.id}`);
    return c.json(toJobResponse(job), 201);
  });
  app.openapi(getRoute, async (c) =>
    c.json(toKnowledgeResponse(await describeKnowledge(services, c.get('tenant'), c.req.valid('param').id)), 200),
  );
  app.openapi(deleteRoute, async (c) => {
    await removeKnowledge(services, c.get('tenant'), c.req.valid('param').id);
    return c.body(null, 204);
  });
  app.openapi(imageRoute, async (c) => {
    const image = await readKnowledgeImage(services, c.get('tenant'), c.req.valid('param').id);
    return c.body(new Uint8Array(image.bytes), 200, {
      'Content-Type': image.contentType,
      'Cache-Control': 'private, max-age=300',
    });
  });
}
