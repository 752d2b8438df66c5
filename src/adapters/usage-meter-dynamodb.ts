/**
 * The DynamoDB `UsageMeter`. Key schema: `DYNAMODB_TABLE_KEYS.usage` (tenant, day).
 * @module
 */
import { QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { UsageMeter, UsageRecord, UsageTotals } from '../core/ports.js';
import { translateAwsError } from './aws-error.js';
import { createDocumentClient, type DynamoDbStoreOptions } from './dynamodb-document-client.js';
import { DYNAMODB_TABLE_KEYS } from './dynamodb-table-keys.js';
import { assertUsageDay, assertUsageRecord, usageDayOf } from './usage-input.js';

const KEYS = DYNAMODB_TABLE_KEYS.usage;

/** The counters kept on each (tenant, day) item, as number attributes. */
const COUNTERS = ['requests', 'modelMs', 'promptTokens', 'generatedTokens'] as const;

/** Per-tenant, per-day counters in DynamoDB, incremented with `UpdateItem ADD` (atomic, no read first). */
export class DynamoDbUsageMeter implements UsageMeter {
  private readonly documents: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(options: DynamoDbStoreOptions) {
    this.documents = createDocumentClient(options.client);
    this.tableName = options.tableName;
  }

  async record(usage: UsageRecord, at: Date): Promise<void> {
    assertUsageRecord(usage);
    const day = usageDayOf(at);
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [KEYS.partitionKey.name]: usage.tenant, [KEYS.sortKey.name]: day },
          UpdateExpression: `ADD ${COUNTERS.map((counter) => `#${counter} :${counter}`).join(', ')}`,
          ExpressionAttributeNames: Object.fromEntries(COUNTERS.map((counter) => [`#${counter}`, counter])),
          ExpressionAttributeValues: Object.fromEntries(COUNTERS.map((counter) => [`:${counter}`, usage[counter]])),
        }),
      );
    } catch (error) {
      throw translateAwsError(error, `DynamoDB record usage of ${usage.tenant}`);
    }
  }

  async totals(tenant: string, fromDay: string, toDay: string): Promise<UsageTotals[]> {
    assertUsageDay(fromDay, 'fromDay');
    assertUsageDay(toDay, 'toDay');
    const totals: UsageTotals[] = [];
    let startKey: Record<string, unknown> | undefined;
    try {
      do {
        const page = await this.documents.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: '#tenant = :tenant AND #day BETWEEN :from AND :to',
            ExpressionAttributeNames: { '#tenant': KEYS.partitionKey.name, '#day': KEYS.sortKey.name },
            ExpressionAttributeValues: { ':tenant': tenant, ':from': fromDay, ':to': toDay },
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? []) totals.push(toTotals(tenant, item));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
    } catch (error) {
      throw translateAwsError(error, `DynamoDB read usage of ${tenant}`);
    }
    return totals;
  }
}

function toTotals(tenant: string, item: Record<string, unknown>): UsageTotals {
  const counter = (name: (typeof COUNTERS)[number]): number => Number(item[name] ?? 0);
  return {
    tenant,
    day: String(item[KEYS.sortKey.name]),
    requests: counter('requests'),
    modelMs: counter('modelMs'),
    promptTokens: counter('promptTokens'),
    generatedTokens: counter('generatedTokens'),
  };
}
