import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbApiKeyStore } from '../../../src/adapters/api-key-store-dynamodb.js';
import { DynamoDbJobStore } from '../../../src/adapters/job-store-dynamodb.js';
import { DynamoDbUsageMeter } from '../../../src/adapters/usage-meter-dynamodb.js';
import { describeApiKeyStoreContract } from '../../support/contracts/api-key-store-contract.js';
import { describeJobStoreContract } from '../../support/contracts/job-store-contract.js';
import { describeUsageMeterContract } from '../../support/contracts/usage-meter-contract.js';
import { startDynalite, type DynalitePeer } from '../../support/dynalite-peer.js';
import { freshNamespace, usageRecord } from '../../support/port-factories.js';

let peer: DynalitePeer;
let tables: Awaited<ReturnType<DynalitePeer['createTables']>>;
let stores: { jobs: DynamoDbJobStore; usage: DynamoDbUsageMeter; keys: DynamoDbApiKeyStore };

beforeAll(async () => {
  peer = await startDynalite();
  tables = await peer.createTables();
  stores = {
    jobs: new DynamoDbJobStore({ client: peer.client, tableName: tables.jobs }),
    usage: new DynamoDbUsageMeter({ client: peer.client, tableName: tables.usage }),
    keys: new DynamoDbApiKeyStore({ client: peer.client, tableName: tables.apiKeys }),
  };
});

afterAll(() => peer.stop());

describeJobStoreContract('DynamoDB (SDK v3 against dynalite)', () => stores.jobs);
describeUsageMeterContract('DynamoDB (SDK v3 against dynalite)', () => stores.usage);
describeApiKeyStoreContract('DynamoDB (SDK v3 against dynalite)', () => stores.keys);

describe('DynamoDB stores against dynalite', () => {
  it('creates the tables with the documented key schemas', async () => {
    const { Table } = await peer.client.send(new DescribeTableCommand({ TableName: tables.usage }));
    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'tenant', KeyType: 'HASH' },
      { AttributeName: 'day', KeyType: 'RANGE' },
    ]);
  });

  it('returns a two-month range, one item a day, in day order', async () => {
    const tenant = freshNamespace();
    const days = Array.from({ length: 60 }, (_, i) => new Date(Date.UTC(2026, 0, 1 + i, 12)));
    await Promise.all(days.map((day) => stores.usage.record(usageRecord({ tenant }), day)));
    const totals = await stores.usage.totals(tenant, '2026-01-01', '2026-12-31');
    expect(totals).toHaveLength(60);
    expect(totals[59]?.day).toBe('2026-03-01');
  });

  it('reports a missing table as backend_unavailable, not not_found', async () => {
    const jobs = new DynamoDbJobStore({ client: peer.client, tableName: 'no-such-table' });
    await expect(jobs.get('tenant', 'job')).rejects.toMatchObject({ code: 'backend_unavailable' });
    const usage = new DynamoDbUsageMeter({ client: peer.client, tableName: 'no-such-table' });
    await expect(usage.record(usageRecord(), new Date())).rejects.toMatchObject({ code: 'backend_unavailable' });
  });
});
