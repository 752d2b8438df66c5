/**
 * The DynamoDB `JobStore`. Key schema: `DYNAMODB_TABLE_KEYS.jobs` (tenant, id).
 * @module
 */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { IngestJob, JobStore } from '../core/ports.js';
import { translateAwsError } from './aws-error.js';
import { createDocumentClient, type DynamoDbStoreOptions } from './dynamodb-document-client.js';
import { DYNAMODB_TABLE_KEYS } from './dynamodb-table-keys.js';
import { parseIngestJob, readStoredIngestJob } from './ingest-job-schema.js';

const KEYS = DYNAMODB_TABLE_KEYS.jobs;

/** Ingest job status in DynamoDB: one item per job, the job's fields as attributes; `put` replaces the item. */
export class DynamoDbJobStore implements JobStore {
  private readonly documents: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(options: DynamoDbStoreOptions) {
    this.documents = createDocumentClient(options.client);
    this.tableName = options.tableName;
  }

  async put(job: IngestJob): Promise<void> {
    // The key attributes are named after the job's own `tenant` and `id` fields, so the job is the item.
    const item = parseIngestJob(job);
    try {
      await this.documents.send(new PutCommand({ TableName: this.tableName, Item: item }));
    } catch (error) {
      throw translateAwsError(error, `DynamoDB put job ${job.id}`);
    }
  }

  async get(tenant: string, id: string): Promise<IngestJob | undefined> {
    try {
      const { Item } = await this.documents.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { [KEYS.partitionKey.name]: tenant, [KEYS.sortKey.name]: id },
          ConsistentRead: true,
        }),
      );
      return Item ? readStoredIngestJob(Item) : undefined;
    } catch (error) {
      throw translateAwsError(error, `DynamoDB get job ${id}`);
    }
  }
}
