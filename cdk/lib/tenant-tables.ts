/**
 * `TenantTables`: the DynamoDB tables behind `JobStore`, `UsageMeter` and `ApiKeyStore`. Key schemas come from
 * `src/adapters/dynamodb-table-keys.ts`, the same constant the adapters build their keys from.
 * @module
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import {
  DYNAMODB_TABLE_KEYS,
  type DynamoDbKeyAttribute,
  type DynamoDbTableKeys,
} from '../../src/adapters/dynamodb-table-keys.js';

function attribute(key: DynamoDbKeyAttribute): dynamodb.Attribute {
  return { name: key.name, type: key.type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER };
}

/** Jobs, usage and API-key tables: on-demand billing, point-in-time recovery, retained when the stack is deleted. */
export class TenantTables extends Construct {
  readonly jobs: dynamodb.Table;
  readonly usage: dynamodb.Table;
  readonly apiKeys: dynamodb.Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.jobs = this.table('Jobs', DYNAMODB_TABLE_KEYS.jobs);
    this.usage = this.table('Usage', DYNAMODB_TABLE_KEYS.usage);
    this.apiKeys = this.table('ApiKeys', DYNAMODB_TABLE_KEYS.apiKeys);
  }

  private table(id: string, keys: DynamoDbTableKeys): dynamodb.Table {
    return new dynamodb.Table(this, id, {
      partitionKey: attribute(keys.partitionKey),
      ...(keys.sortKey && { sortKey: attribute(keys.sortKey) }),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Tenants' keys, jobs and billing records outlive a stack deletion; remove them by hand if that is intended.
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /** Looking up an API key's tenant: GetItem on the API-key table only. Keys are created out of band. */
  grantApiKeyLookup(grantee: iam.IGrantable): void {
    this.apiKeys.grant(grantee, 'dynamodb:GetItem');
  }

  /** Metering usage and reading the totals: UpdateItem and Query on the usage table. */
  grantUsageMetering(grantee: iam.IGrantable): void {
    this.usage.grant(grantee, 'dynamodb:UpdateItem', 'dynamodb:Query');
  }

  /** Writing and reading ingest jobs: PutItem and GetItem on the jobs table. */
  grantJobs(grantee: iam.IGrantable): void {
    this.jobs.grant(grantee, 'dynamodb:PutItem', 'dynamodb:GetItem');
  }
}
