/**
 * The DynamoDB `ApiKeyStore`. Key schema: `DYNAMODB_TABLE_KEYS.apiKeys` (keyHash).
 * @module
 */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AppError } from '../core/errors.js';
import type { ApiKeyStore } from '../core/ports.js';
import { assertKeyHash } from './api-key-hash.js';
import { awsErrorName, translateAwsError } from './aws-error.js';
import { createDocumentClient, type DynamoDbStoreOptions } from './dynamodb-document-client.js';
import { DYNAMODB_TABLE_KEYS } from './dynamodb-table-keys.js';

const KEYS = DYNAMODB_TABLE_KEYS.apiKeys;

/** API key hashes in DynamoDB, with attribute `tenant`. A hash, once bound to a tenant, is never rebound. */
export class DynamoDbApiKeyStore implements ApiKeyStore {
  private readonly documents: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(options: DynamoDbStoreOptions) {
    this.documents = createDocumentClient(options.client);
    this.tableName = options.tableName;
  }

  async put(keyHash: string, tenant: string): Promise<void> {
    assertKeyHash(keyHash);
    if (tenant.length === 0) throw new AppError('invalid_input', 'an API key needs a tenant');
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { [KEYS.partitionKey.name]: keyHash, tenant },
          ConditionExpression: 'attribute_not_exists(#key) OR #tenant = :tenant',
          ExpressionAttributeNames: { '#key': KEYS.partitionKey.name, '#tenant': 'tenant' },
          ExpressionAttributeValues: { ':tenant': tenant },
        }),
      );
    } catch (error) {
      if (awsErrorName(error) === 'ConditionalCheckFailedException') {
        throw new AppError('invalid_input', 'this API key already belongs to another tenant', { cause: error });
      }
      throw translateAwsError(error, 'DynamoDB put API key');
    }
  }

  async tenantOf(keyHash: string): Promise<string | undefined> {
    assertKeyHash(keyHash);
    try {
      const { Item } = await this.documents.send(
        new GetCommand({ TableName: this.tableName, Key: { [KEYS.partitionKey.name]: keyHash }, ConsistentRead: true }),
      );
      return typeof Item?.tenant === 'string' ? Item.tenant : undefined;
    } catch (error) {
      throw translateAwsError(error, 'DynamoDB read API key');
    }
  }
}
