/**
 * `npm run api-key -- --tenant acme`: creates an API key for a tenant in the configured key store (SQLite under the
 * data dir, or the DynamoDB table of RABLIP_API_KEYS_TABLE) and prints it once. Only its SHA-256 is stored.
 */
import { parseArgs } from 'node:util';
import { hashApiKey, generateApiKey } from '../functions/api/api-key.js';
import { composeStateStores } from '../functions/api/compose-services.js';
import { parseConfig, TENANT_PATTERN } from '../src/core/config.js';

const { values } = parseArgs({ options: { tenant: { type: 'string' } } });
const tenant = values.tenant ?? '';
if (!TENANT_PATTERN.test(tenant)) {
  process.stderr.write('usage: npm run api-key -- --tenant <name>   (lowercase letters, digits, _ and -)\n');
  process.exit(2);
}
const stores = composeStateStores(parseConfig(process.env));
const key = generateApiKey();
await stores.apiKeys.put(hashApiKey(key), tenant);
stores.close();
process.stdout.write(`${key}\n`);
