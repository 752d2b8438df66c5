/**
 * The container's configuration, parsed once from the environment at start (the container is its own deployable, so
 * it has its own small schema beside `src/core/config.ts`). Defaults live here only.
 * @module
 */
import { z } from 'zod';

const providerSchema = z.enum(['cuda', 'cpu']);

const containerEnvSchema = z.object({
  /** Port to listen on; SageMaker uses 8080 and sets `SAGEMAKER_BIND_TO_PORT` in inference pipelines. */
  PORT: z.coerce.number().int().min(0).max(65_535).optional(),
  SAGEMAKER_BIND_TO_PORT: z.coerce.number().int().min(1).max(65_535).optional(),
  /** Host to bind. @default 0.0.0.0 */
  RABLIP_HOST: z.string().min(1).default('0.0.0.0'),
  /** Where SageMaker unpacks `model.tar.gz`. @default /opt/ml/model */
  RABLIP_BUNDLE_DIR: z.string().min(1).default('/opt/ml/model'),
  /** ONNX Runtime execution providers in order of preference, comma-separated. @default cpu */
  RABLIP_EXECUTION_PROVIDERS: z
    .string()
    .default('cpu')
    .transform((s) => s.split(',').map((p) => p.trim()))
    .pipe(z.array(providerSchema).min(1)),
  /** How long SIGTERM waits for in-flight invocations; SageMaker sends SIGKILL 30 s after SIGTERM. @default 25000 */
  RABLIP_DRAIN_TIMEOUT_MS: z.coerce.number().int().min(0).max(120_000).default(25_000),
  /** Most requests merged into one model call. @default 16 */
  RABLIP_MAX_BATCH: z.coerce.number().int().min(1).max(256).default(16),
  /** How long the first request of a batch waits for others, in ms. @default 2 */
  RABLIP_BATCH_WAIT_MS: z.coerce.number().min(0).max(1_000).default(2),
});

/** The parsed configuration of one container process. */
export interface ContainerConfig {
  readonly port: number;
  readonly host: string;
  readonly bundleDir: string;
  readonly executionProviders: readonly ('cuda' | 'cpu')[];
  readonly drainTimeoutMs: number;
  readonly maxBatch: number;
  readonly batchWaitMs: number;
}

/** Parses the environment; throws a `ZodError` that names each bad variable. */
export function parseContainerConfig(env: NodeJS.ProcessEnv): ContainerConfig {
  const e = containerEnvSchema.parse(env);
  return {
    port: e.SAGEMAKER_BIND_TO_PORT ?? e.PORT ?? 8080,
    host: e.RABLIP_HOST,
    bundleDir: e.RABLIP_BUNDLE_DIR,
    executionProviders: e.RABLIP_EXECUTION_PROVIDERS,
    drainTimeoutMs: e.RABLIP_DRAIN_TIMEOUT_MS,
    maxBatch: e.RABLIP_MAX_BATCH,
    batchWaitMs: e.RABLIP_BATCH_WAIT_MS,
  };
}
