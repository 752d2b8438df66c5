/**
 * The ingest Lambda handler against real peers: `@aws-sdk/client-s3` on s3rver for the knowledge bucket and the
 * blobs, the in-process model on the tiny exported bundle, the embedded index and the SQLite job store.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIngestHandler, type IngestHandler } from '../../../functions/ingest/handler.js';
import { createKnowledgeIngestor } from '../../../functions/ingest/knowledge-ingestor.js';
import { S3BlobStore } from '../../../src/adapters/blob-store-s3.js';
import { SqliteJobStore } from '../../../src/adapters/job-store-sqlite.js';
import { loadInProcessModelClient, type InProcessModelClient } from '../../../src/adapters/model-in-process.js';
import { openSqliteDatabase, type SqliteDatabase } from '../../../src/adapters/sqlite-database.js';
import { EmbeddedVectorIndex } from '../../../src/adapters/vector-index-embedded.js';
import { AppError } from '../../../src/core/errors.js';
import type { ModelClient } from '../../../src/core/ports.js';
import { blobStoreSource, documentJobId, type IngestServices } from '../../../src/core/pipeline/index.js';
import { solidPng } from '../../support/fakes/image-fixtures.js';
import { startS3rver, type S3rverPeer } from '../../support/s3rver-peer.js';
import { lambdaContext, s3Notification, sqsEvent, sqsRecord } from '../../support/fakes/aws-events.js';

const TINY_BUNDLE = resolve(import.meta.dirname, '../../../build/parity/ra-blip-tiny');
const hasTinyBundle = existsSync(join(TINY_BUNDLE, 'manifest.json'));
if (!hasTinyBundle) console.warn(`SKIPPED S3 ingest integration: no ${TINY_BUNDLE} (pytest writes it in npm test)`);

const BLOB_BUCKET = 'rablip-blobs';
const encoder = new TextEncoder();

describe.skipIf(!hasTinyBundle)('the ingest Lambda on S3 events (s3rver, real model, embedded index)', () => {
  let peer: S3rverPeer;
  let s3: S3Client;
  let workDir: string;
  let database: SqliteDatabase;
  let model: InProcessModelClient;
  let services: IngestServices & { index: EmbeddedVectorIndex; jobs: SqliteJobStore };
  let failNextEmbedding = false;

  function handlerWith(client: ModelClient): IngestHandler {
    const logger = new Logger({ serviceName: 'ingest-test', logLevel: 'SILENT' });
    const options = {
      batchSize: 4,
      imageLimits: { maxBytes: 1_000_000, maxPixels: 4_000_000 },
      passageMaxChars: 400,
      maxDocumentBytes: 1_000_000,
    };
    const ingestor = createKnowledgeIngestor({ services: { ...services, model: client }, options, logger });
    const source = blobStoreSource(new S3BlobStore({ bucket: peer.bucket, clientConfig: peer.clientConfig }));
    return createIngestHandler({ ingestor, source, maxDocumentBytes: options.maxDocumentBytes, logger });
  }

  async function put(key: string, body: Uint8Array | string): Promise<void> {
    const bytes = typeof body === 'string' ? encoder.encode(body) : body;
    await s3.send(new PutObjectCommand({ Bucket: peer.bucket, Key: key, Body: bytes }));
  }

  const created = (id: string, key: string) => sqsRecord(id, { Records: [s3Notification(peer.bucket, key)] });

  beforeAll(async () => {
    peer = await startS3rver('rablip-knowledge');
    s3 = new S3Client(peer.clientConfig);
    await s3.send(new CreateBucketCommand({ Bucket: BLOB_BUCKET }));
    workDir = await mkdtemp(join(tmpdir(), 'rablip-ingest-'));
    database = openSqliteDatabase(join(workDir, 'state.sqlite'));
    model = await loadInProcessModelClient(TINY_BUNDLE);
    const { dEmbed } = await model.info();
    services = {
      model,
      index: new EmbeddedVectorIndex({ database, dimensions: dEmbed }),
      blobs: new S3BlobStore({ bucket: BLOB_BUCKET, clientConfig: peer.clientConfig }),
      jobs: new SqliteJobStore(database),
    };
  }, 60_000);

  afterAll(async () => {
    await model?.close();
    database?.close();
    s3?.destroy();
    await peer?.stop();
    await rm(workDir, { recursive: true, force: true });
  });

  it('decodes URL-encoded keys, ingests into the tenant of the first key segment, and caches image features', async () => {
    await put(
      'acme/red flower+more.jsonl',
      [
        JSON.stringify({ id: 'rose', image: 'pics/rose 1.png', caption: 'A red rose' }),
        JSON.stringify({ id: 'tulip', text: 'Tulips come from Central Asia.' }),
      ].join('\n'),
    );
    await put('acme/pics/rose 1.png', await solidPng(64, 64));
    const response = await handlerWith(model)(sqsEvent(created('m1', 'acme/red flower+more.jsonl')), lambdaContext());
    expect(response.batchItemFailures).toEqual([]);
    const [rose] = await services.index.fetch('acme', ['rose']);
    expect(rose?.metadata).toMatchObject({
      modality: 'image',
      source: `s3://${peer.bucket}/acme/red flower+more.jsonl`,
    });
    expect((await services.blobs.get(rose?.metadata.featuresKey ?? '')).length).toBeGreaterThan(16);
    expect(await services.index.fetch('globex', ['rose'])).toEqual([]);
  }, 30_000);

  it('writes no duplicate vectors when the same S3 event is delivered twice, in one batch or two', async () => {
    const key = 'acme/twice.jsonl';
    await put(
      key,
      [JSON.stringify({ id: 'twice-a', text: 'First.' }), JSON.stringify({ id: 'twice-b', text: 'Second.' })].join(
        '\n',
      ),
    );
    const handler = handlerWith(model);
    await handler(sqsEvent(created('d1', key), created('d2', key)), lambdaContext());
    await handler(sqsEvent(created('d3', key)), lambdaContext());
    const query = await services.index.query('acme', (await model.embedText(['First.']))[0] as Float32Array, 50);
    expect(
      query
        .filter((match) => match.id.startsWith('twice-'))
        .map((match) => match.id)
        .sort(),
    ).toEqual(['twice-a', 'twice-b']);
    const bytes = encoder.encode(
      [JSON.stringify({ id: 'twice-a', text: 'First.' }), JSON.stringify({ id: 'twice-b', text: 'Second.' })].join(
        '\n',
      ),
    );
    const job = await services.jobs.get('acme', documentJobId('acme', `s3://${peer.bucket}/acme/twice.jsonl`, bytes));
    // Concurrent deliveries may both run; the last one to finish finds the items stored and counts them skipped.
    expect(job?.state).toBe('done');
    expect((job?.counts?.ingested ?? 0) + (job?.counts?.skipped ?? 0)).toBe(2);
  }, 30_000);

  it('skips and reports malformed JSONL lines, ingesting the rest', async () => {
    const text = ['{"id": "ok-1", "text": "Fine line."}', '{broken', '{"id": "ok-2", "caption": "no image"}'].join(
      '\n',
    );
    await put('acme/mixed.jsonl', text);
    const response = await handlerWith(model)(sqsEvent(created('m2', 'acme/mixed.jsonl')), lambdaContext());
    expect(response.batchItemFailures).toEqual([]);
    const job = await services.jobs.get(
      'acme',
      documentJobId('acme', `s3://${peer.bucket}/acme/mixed.jsonl`, encoder.encode(text)),
    );
    expect(job).toMatchObject({ state: 'done', counts: { ingested: 1, rejected: 2 } });
    expect(job?.errors).toEqual([expect.stringMatching(/^line 2: not JSON/), expect.stringMatching(/^line 3:/)]);
  }, 30_000);

  it('ingests an image once its sidecar caption arrives, whichever comes first', async () => {
    await put('acme/photos/lake.png', await solidPng(64, 64, { r: 10, g: 60, b: 200 }));
    const handler = handlerWith(model);
    expect((await handler(sqsEvent(created('i1', 'acme/photos/lake.png')), lambdaContext())).batchItemFailures).toEqual(
      [],
    );
    await put('acme/photos/lake.caption.txt', 'Lake Zorb at dawn');
    await handler(sqsEvent(created('i2', 'acme/photos/lake.caption.txt')), lambdaContext());
    const matches = await services.index.query(
      'acme',
      (await model.embedText(['Lake Zorb at dawn']))[0] as Float32Array,
      50,
    );
    expect(matches.find((match) => match.metadata.content === 'Lake Zorb at dawn')?.metadata.source).toBe(
      `s3://${peer.bucket}/acme/photos/lake.png`,
    );
  }, 30_000);

  it('reports only the message whose failure is transient, so SQS retries it and then dead-letters it', async () => {
    await put('acme/transient.jsonl', JSON.stringify({ id: 'transient', text: 'Needs a second try.' }));
    await put('acme/fine.jsonl', JSON.stringify({ id: 'fine', text: 'Goes through.' }));
    failNextEmbedding = true;
    const flaky: ModelClient = {
      info: () => model.info(),
      embedText: (texts) => model.embedText(texts),
      generate: (request) => model.generate(request),
      embedKnowledge: async (items) => {
        if (failNextEmbedding && items.some((item) => item.kind === 'text' && item.text.startsWith('Needs'))) {
          failNextEmbedding = false;
          throw new AppError('model_unavailable', 'endpoint is scaling');
        }
        return model.embedKnowledge(items);
      },
    };
    const event = sqsEvent(
      created('t1', 'acme/transient.jsonl'),
      created('t2', 'acme/fine.jsonl'),
      sqsRecord('t3', '{"not": "an S3 notification"}'),
      sqsRecord('t4', { Event: 's3:TestEvent' }),
      created('t5', 'no-tenant-folder.jsonl'),
    );
    const response = await handlerWith(flaky)(event, lambdaContext());
    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier).sort()).toEqual(['t1', 't3']);
    expect(await services.index.fetch('acme', ['fine'])).toHaveLength(1);
    const retry = await handlerWith(flaky)(sqsEvent(created('t1', 'acme/transient.jsonl')), lambdaContext());
    expect(retry.batchItemFailures).toEqual([]);
    expect(await services.index.fetch('acme', ['transient'])).toHaveLength(1);
  }, 30_000);

  it('records a refused document on its job and consumes the message (retrying cannot help)', async () => {
    await put('acme/slides.pdf', '%PDF-1.7');
    const response = await handlerWith(model)(sqsEvent(created('p1', 'acme/slides.pdf')), lambdaContext());
    expect(response.batchItemFailures).toEqual([]);
    const job = await services.jobs.get(
      'acme',
      documentJobId('acme', `s3://${peer.bucket}/acme/slides.pdf`, encoder.encode('%PDF-1.7')),
    );
    expect(job).toMatchObject({ state: 'failed', errors: [expect.stringMatching(/unsupported file type/)] });
  }, 30_000);
});
