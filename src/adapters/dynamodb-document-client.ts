/**
 * The DynamoDB document client as the DynamoDB stores use it.
 * @module
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Options every DynamoDB store takes. */
export interface DynamoDbStoreOptions {
  /** A configured low-level client; the store wraps it and never destroys it. */
  readonly client: DynamoDBClient;
  readonly tableName: string;
}

/** Wraps a low-level client; optional fields that are `undefined` are left out of items rather than rejected. */
export function createDocumentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}
