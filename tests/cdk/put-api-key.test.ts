/**
 * `scripts/put-api-key.ts` against dynalite (the real DynamoDB client): the key is stored only as its hash, maps to
 * the tenant the API will resolve, and cannot be rebound to another tenant.
 */
import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../cdk/lib/rablip-stack.js';
import { hashApiKey } from '../../functions/api/api-key.js';
import { DynamoDbApiKeyStore } from '../../src/adapters/api-key-store-dynamodb.js';
import { DYNAMODB_TABLE_KEYS } from '../../src/adapters/dynamodb-table-keys.js';

const TABLE = 'api-keys';
const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
const server = dynalite({ createTableMs: 0 });
let endpoint: string;
let client: DynamoDBClient;

function putApiKey(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      join(REPO_ROOT, 'node_modules', '.bin', 'tsx'),
      [join(REPO_ROOT, 'scripts', 'put-api-key.ts'), '--table', TABLE, '--region', 'us-east-1', ...args],
      {
        env: {
          PATH: process.env.PATH ?? '',
          AWS_ENDPOINT_URL_DYNAMODB: endpoint,
          AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
          AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
        },
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: CREDENTIALS });
  const key = DYNAMODB_TABLE_KEYS.apiKeys.partitionKey;
  await client.send(
    new CreateTableCommand({
      TableName: TABLE,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: key.name, AttributeType: key.type }],
      KeySchema: [{ AttributeName: key.name, KeyType: 'HASH' }],
    }),
  );
});

afterAll(async () => {
  client.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('put-api-key', () => {
  it('stores a generated key as its hash, bound to the tenant, and prints the key once', async () => {
    const run = await putApiKey('--tenant', 'acme');
    expect(run.code).toBe(0);
    const key = /api key (\S+)/.exec(run.stdout)?.[1] ?? '';
    expect(key).toMatch(/^rablip_[A-Za-z0-9_-]{43}$/);
    const store = new DynamoDbApiKeyStore({ client, tableName: TABLE });
    expect(await store.tenantOf(hashApiKey(key))).toBe('acme');
    const { Items } = await client.send(new ScanCommand({ TableName: TABLE }));
    expect(JSON.stringify(Items)).not.toContain(key);
  });

  it('refuses to rebind a given key to another tenant', async () => {
    const key = 'rablip_fixed-test-key-0123456789';
    expect((await putApiKey('--tenant', 'first', '--key', key)).code).toBe(0);
    const second = await putApiKey('--tenant', 'second', '--key', key);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('already belongs to another tenant');
  });

  it('rejects a tenant name the API would not accept', async () => {
    const run = await putApiKey('--tenant', 'Not A Tenant');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('tenant');
  });
});
