/**
 * The key schemas of the DynamoDB tables behind `JobStore`, `UsageMeter` and `ApiKeyStore`. The adapters build their
 * keys from these, and the CDK construct and the tests create tables from them, so the three cannot drift apart.
 * All tables: on-demand billing, no secondary indexes. Documented in `docs/adapters.md`.
 * @module
 */

/** One key attribute: its name and DynamoDB scalar type (`S` string, `N` number). */
export interface DynamoDbKeyAttribute {
  readonly name: string;
  readonly type: 'S' | 'N';
}

/** A table's primary key: a partition key, and a sort key for tables queried by range. */
export interface DynamoDbTableKeys {
  readonly partitionKey: DynamoDbKeyAttribute;
  readonly sortKey?: DynamoDbKeyAttribute;
}

/** The three tables' keys. */
export const DYNAMODB_TABLE_KEYS = {
  /** Ingest jobs: one item per job, read by tenant and job id. */
  jobs: { partitionKey: { name: 'tenant', type: 'S' }, sortKey: { name: 'id', type: 'S' } },
  /** Usage: one item per tenant and UTC day (`YYYY-MM-DD`), so a Query with BETWEEN reads a date range. */
  usage: { partitionKey: { name: 'tenant', type: 'S' }, sortKey: { name: 'day', type: 'S' } },
  /** API keys: one item per SHA-256 key hash. */
  apiKeys: { partitionKey: { name: 'keyHash', type: 'S' } },
} as const satisfies Record<string, DynamoDbTableKeys>;
