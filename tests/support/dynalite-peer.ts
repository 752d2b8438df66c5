/**
 * dynalite, a local DynamoDB, in memory on 127.0.0.1 with an OS-chosen port, plus the tables our stores need, created
 * from the same key schemas the adapters and the CDK use.
 * @module
 */
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { DYNAMODB_TABLE_KEYS, type DynamoDbTableKeys } from '../../src/adapters/dynamodb-table-keys.js';

export interface DynalitePeer {
  /** A client for this server; destroyed by `stop`. */
  readonly client: DynamoDBClient;
  /** Creates one table per entry of `DYNAMODB_TABLE_KEYS`, under a fresh name prefix; returns the names. */
  createTables(): Promise<Record<keyof typeof DYNAMODB_TABLE_KEYS, string>>;
  stop(): Promise<void>;
}

/** Starts dynalite (in memory, tables ACTIVE at once). */
export async function startDynalite(): Promise<DynalitePeer> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    credentials: { accessKeyId: 'dynalite', secretAccessKey: 'dynalite' },
  });
  let created = 0;
  return {
    client,
    async createTables() {
      created += 1;
      const names = {
        jobs: `jobs-${created}`,
        usage: `usage-${created}`,
        apiKeys: `api-keys-${created}`,
      };
      for (const [table, name] of Object.entries(names)) {
        await client.send(createTableCommand(name, DYNAMODB_TABLE_KEYS[table as keyof typeof names]));
      }
      return names;
    },
    async stop() {
      client.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

function createTableCommand(tableName: string, keys: DynamoDbTableKeys): CreateTableCommand {
  const attributes = keys.sortKey ? [keys.partitionKey, keys.sortKey] : [keys.partitionKey];
  return new CreateTableCommand({
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: attributes.map((key) => ({ AttributeName: key.name, AttributeType: key.type })),
    KeySchema: [
      { AttributeName: keys.partitionKey.name, KeyType: 'HASH' },
      ...(keys.sortKey ? [{ AttributeName: keys.sortKey.name, KeyType: 'RANGE' as const }] : []),
    ],
  });
}
