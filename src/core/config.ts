/**
 * The one configuration schema. Every `RABLIP_*` environment variable is declared here with its default (plus
 * `AWS_REGION`, which the Lambda runtime sets); an unknown `RABLIP_*` key, a bad value, or a backend without its settings fails at startup. Each entry point calls
 * `parseConfig(process.env)` once and passes the typed `Config` down; nothing else reads the environment.
 * @module
 */
import { z } from 'zod';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
/** Tenant names: they are index namespaces and blob-key segments. */
export const TENANT_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const TENANT = z.string().regex(TENANT_PATTERN, 'lowercase letters, digits, _ and -');

/** The environment variables, flat, as they are set. */
const EnvironmentSchema = z.strictObject({
  // Local stack (`npm start`)
  RABLIP_PORT: int(1, 65_535).default(8787),
  RABLIP_HOST: z.string().min(1).default('127.0.0.1'),
  RABLIP_DATA_DIR: z.string().min(1).default('./data'),
  RABLIP_KNOWLEDGE_DIR: z.string().min(1).default('./knowledge'),
  RABLIP_WEB_DIR: z.string().min(1).default('./web'),
  RABLIP_DEMO_KB_DIR: z.string().min(1).default('build/kb/demo'),
  RABLIP_BUNDLE_DIR: z.string().min(1).default('models/ra-blip-mini'),
  /** Fixes the dev API key instead of generating one into the data dir. */
  RABLIP_API_KEY: z.string().min(16, 'at least 16 characters').optional(),
  RABLIP_LOCAL_TENANT: TENANT.default('dev'),
  RABLIP_LOG_LEVEL: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO'),
  // Backends
  RABLIP_MODEL_BACKEND: z.enum(['in-process', 'http', 'sagemaker']).default('in-process'),
  RABLIP_MODEL_URL: z.url().optional(),
  RABLIP_SAGEMAKER_ENDPOINT: z.string().min(1).optional(),
  /** Set by the CDK app when the endpoint hosts inference components (scale to zero). */
  RABLIP_SAGEMAKER_INFERENCE_COMPONENT: z.string().min(1).optional(),
  RABLIP_MODEL_TIMEOUT_MS: int(100, 900_000).default(25_000),
  RABLIP_INDEX_BACKEND: z.enum(['embedded', 'pinecone']).default('embedded'),
  RABLIP_PINECONE_HOST: z.url().optional(),
  RABLIP_PINECONE_API_KEY: z.string().min(1).optional(),
  /** Secrets Manager secret holding the Pinecone API key (the CDK app's way); read once at cold start. */
  RABLIP_PINECONE_API_KEY_SECRET_ARN: z.string().startsWith('arn:').optional(),
  RABLIP_STATE_BACKEND: z.enum(['sqlite', 'dynamodb']).default('sqlite'),
  RABLIP_JOBS_TABLE: z.string().min(1).optional(),
  RABLIP_USAGE_TABLE: z.string().min(1).optional(),
  RABLIP_API_KEYS_TABLE: z.string().min(1).optional(),
  RABLIP_BLOB_BACKEND: z.enum(['fs', 's3']).default('fs'),
  RABLIP_BLOB_BUCKET: z.string().min(3).optional(),
  RABLIP_KNOWLEDGE_BUCKET: z.string().min(3).optional(),
  // In-memory LRU of cached ViT feature blobs in front of the blob store, per process (0 turns it off).
  RABLIP_FEATURE_CACHE_MB: int(0, 65_536).default(64),
  // Limits. The body limit stays under Lambda's 6 MB synchronous payload; a 3 MiB image is 4 MiB of base64.
  RABLIP_MAX_BODY_BYTES: int(1_024, 100_000_000).default(5_242_880),
  RABLIP_MAX_QUESTION_CHARS: int(1, 100_000).default(1_000),
  RABLIP_MAX_IMAGE_BYTES: int(1_024, 100_000_000).default(3_145_728),
  RABLIP_MAX_IMAGE_PIXELS: int(1, 1_000_000_000).default(16_777_216),
  RABLIP_MAX_DOCUMENT_BYTES: int(1_024, 10_000_000_000).default(52_428_800),
  // Answering
  RABLIP_DEFAULT_TOP_K: int(1, 50).default(5),
  RABLIP_MAX_REFERENCES: int(0, 50).default(5),
  RABLIP_PROMPT_TOKEN_BUDGET: int(16, 100_000).default(480),
  RABLIP_MAX_REF_TOKENS: int(1, 10_000).default(64),
  RABLIP_IMAGE_REF_TOKENS: int(0, 10_000).default(16),
  RABLIP_MAX_NEW_TOKENS: int(1, 1_024).default(32),
  RABLIP_NUM_BEAMS: int(1, 16).default(1),
  /** Visual entity linking: least visual-key similarity of a question image to a stored image (above 1: off). */
  RABLIP_VISUAL_LINK_THRESHOLD: z.coerce.number().min(0).max(2).default(0.985),
  // Ingestion
  RABLIP_PASSAGE_MAX_CHARS: int(50, 8_000).default(400),
  RABLIP_INGEST_BATCH_SIZE: int(1, 1_000).default(16),
  // Set by the Lambda runtime; the SageMaker client needs it explicitly.
  AWS_REGION: z.string().min(1).optional(),
});

type Environment = z.infer<typeof EnvironmentSchema>;

/** Settings a backend cannot run without. */
const REQUIRED_BY_BACKEND: ReadonlyArray<{ when: (env: Environment) => boolean; keys: (keyof Environment)[] }> = [
  { when: (env) => env.RABLIP_MODEL_BACKEND === 'http', keys: ['RABLIP_MODEL_URL'] },
  { when: (env) => env.RABLIP_MODEL_BACKEND === 'sagemaker', keys: ['RABLIP_SAGEMAKER_ENDPOINT', 'AWS_REGION'] },
  { when: (env) => env.RABLIP_INDEX_BACKEND === 'pinecone', keys: ['RABLIP_PINECONE_HOST'] },
  {
    when: (env) =>
      env.RABLIP_INDEX_BACKEND === 'pinecone' &&
      env.RABLIP_PINECONE_API_KEY === undefined &&
      env.RABLIP_PINECONE_API_KEY_SECRET_ARN === undefined,
    keys: ['RABLIP_PINECONE_API_KEY'],
  },
  {
    when: (env) => env.RABLIP_STATE_BACKEND === 'dynamodb',
    keys: ['RABLIP_JOBS_TABLE', 'RABLIP_USAGE_TABLE', 'RABLIP_API_KEYS_TABLE'],
  },
  { when: (env) => env.RABLIP_BLOB_BACKEND === 's3', keys: ['RABLIP_BLOB_BUCKET'] },
];

function toConfig(env: Environment) {
  return {
    local: {
      port: env.RABLIP_PORT,
      host: env.RABLIP_HOST,
      dataDir: env.RABLIP_DATA_DIR,
      knowledgeDir: env.RABLIP_KNOWLEDGE_DIR,
      webDir: env.RABLIP_WEB_DIR,
      demoKbDir: env.RABLIP_DEMO_KB_DIR,
      apiKey: env.RABLIP_API_KEY,
      tenant: env.RABLIP_LOCAL_TENANT,
    },
    logLevel: env.RABLIP_LOG_LEVEL,
    model: {
      backend: env.RABLIP_MODEL_BACKEND,
      bundleDir: env.RABLIP_BUNDLE_DIR,
      url: env.RABLIP_MODEL_URL,
      sagemakerEndpoint: env.RABLIP_SAGEMAKER_ENDPOINT,
      sagemakerInferenceComponent: env.RABLIP_SAGEMAKER_INFERENCE_COMPONENT,
      timeoutMs: env.RABLIP_MODEL_TIMEOUT_MS,
    },
    index: {
      backend: env.RABLIP_INDEX_BACKEND,
      pineconeHost: env.RABLIP_PINECONE_HOST,
      pineconeApiKey: env.RABLIP_PINECONE_API_KEY,
      pineconeApiKeySecretArn: env.RABLIP_PINECONE_API_KEY_SECRET_ARN,
    },
    state: {
      backend: env.RABLIP_STATE_BACKEND,
      jobsTable: env.RABLIP_JOBS_TABLE,
      usageTable: env.RABLIP_USAGE_TABLE,
      apiKeysTable: env.RABLIP_API_KEYS_TABLE,
    },
    blobs: {
      backend: env.RABLIP_BLOB_BACKEND,
      bucket: env.RABLIP_BLOB_BUCKET,
      knowledgeBucket: env.RABLIP_KNOWLEDGE_BUCKET,
      featureCacheBytes: env.RABLIP_FEATURE_CACHE_MB * 1024 * 1024,
    },
    limits: {
      maxBodyBytes: env.RABLIP_MAX_BODY_BYTES,
      maxQuestionChars: env.RABLIP_MAX_QUESTION_CHARS,
      image: { maxBytes: env.RABLIP_MAX_IMAGE_BYTES, maxPixels: env.RABLIP_MAX_IMAGE_PIXELS },
      maxDocumentBytes: env.RABLIP_MAX_DOCUMENT_BYTES,
    },
    answer: {
      defaultTopK: env.RABLIP_DEFAULT_TOP_K,
      budget: {
        maxReferences: env.RABLIP_MAX_REFERENCES,
        maxPromptTokens: env.RABLIP_PROMPT_TOKEN_BUDGET,
        maxRefTokens: env.RABLIP_MAX_REF_TOKENS,
        imageTokens: env.RABLIP_IMAGE_REF_TOKENS,
      },
      generation: { maxNewTokens: env.RABLIP_MAX_NEW_TOKENS, numBeams: env.RABLIP_NUM_BEAMS },
      visualLinkThreshold: env.RABLIP_VISUAL_LINK_THRESHOLD,
    },
    ingest: { passageMaxChars: env.RABLIP_PASSAGE_MAX_CHARS, batchSize: env.RABLIP_INGEST_BATCH_SIZE },
    aws: { region: env.AWS_REGION },
  } as const;
}

/** The configuration, as every entry point receives it. */
export type Config = ReturnType<typeof toConfig>;

/** The configuration is unusable; the message lists every problem, one per line. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * `RABLIP_*` variables that belong to the other programs of the product, each with its own schema: the CLI
 * (`cli/cli-env.ts`) and the model container (`model-container/container-config.ts`). A shell that exports them
 * for those programs must not stop the API from starting.
 */
const OTHER_PROGRAMS_VARIABLES = new Set([
  'RABLIP_API_URL',
  'RABLIP_EXECUTION_PROVIDERS',
  'RABLIP_MAX_BATCH',
  'RABLIP_BATCH_WAIT_MS',
  'RABLIP_DRAIN_TIMEOUT_MS',
]);

/** Variables the schema reads; any other variable of the process is none of ours. */
function isOurs(key: string): boolean {
  return (key.startsWith('RABLIP_') && !OTHER_PROGRAMS_VARIABLES.has(key)) || key === 'AWS_REGION';
}

/**
 * Parses the `RABLIP_*` variables (and `AWS_REGION`) of an environment; other variables are ignored, and empty
 * values count as unset.
 * @throws ConfigError listing every unknown key, bad value and missing backend setting.
 */
export function parseConfig(environment: Readonly<Record<string, string | undefined>>): Config {
  const ours = Object.fromEntries(
    Object.entries(environment).filter(([key, value]) => isOurs(key) && value !== undefined && value !== ''),
  );
  const parsed = EnvironmentSchema.safeParse(ours);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown setting(s): ${issue.keys.join(', ')}`
        : `${issue.path.join('.')}: ${issue.message}`,
    );
    throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const missing = REQUIRED_BY_BACKEND.filter((rule) => rule.when(parsed.data)).flatMap((rule) =>
    rule.keys.filter((key) => parsed.data[key] === undefined),
  );
  if (missing.length > 0) throw new ConfigError(`invalid configuration:\n  missing: ${missing.join(', ')}`);
  return toConfig(parsed.data);
}
