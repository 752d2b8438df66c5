/**
 * Creates an API key for a tenant in the deployed API-key table: generates the key (or takes `--key`), stores only
 * its SHA-256 hash, and prints the key once. Uses the default AWS credential chain and region.
 *
 *   npx tsx scripts/put-api-key.ts --table <ApiKeysTableName output> --tenant acme [--key rablip_...] [--region eu-west-1]
 * @module
 */
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { generateApiKey, hashApiKey } from '../functions/api/api-key.js';
import { DynamoDbApiKeyStore } from '../src/adapters/api-key-store-dynamodb.js';
import { TENANT_PATTERN } from '../src/core/config.js';

const argsSchema = z.strictObject({
  table: z.string().min(3),
  tenant: z.string().regex(TENANT_PATTERN, 'tenant: lowercase letters, digits, _ and -, at most 64'),
  key: z.string().min(16, 'key: at least 16 characters').optional(),
  region: z.string().min(1).optional(),
});

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      table: { type: 'string' },
      tenant: { type: 'string' },
      key: { type: 'string' },
      region: { type: 'string' },
    },
  });
  const args = argsSchema.parse(values);
  const key = args.key ?? generateApiKey();
  const client = new DynamoDBClient(args.region === undefined ? {} : { region: args.region });
  await new DynamoDbApiKeyStore({ client, tableName: args.table }).put(hashApiKey(key), args.tenant);
  client.destroy();
  process.stdout.write(`tenant ${args.tenant}\napi key ${key}\n(stored as its SHA-256 hash only: keep the key now)\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
