/**
 * The CDK app's configuration: one strict zod schema over the CDK context (`cdk.json` "context", or `-c key=value`),
 * parsed once in `cdk/bin/app.ts`. Defaults live here only. Values given with `-c` arrive as strings, hence the
 * coercions. Unknown keys are ignored because the CDK itself keeps feature flags in the same context.
 * @module
 */
import { z } from 'zod';

/** How the model is hosted. See `docs/deploy.md` for cost and latency of each. */
export const ENDPOINT_MODES = ['serverless', 'realtime', 'scale-to-zero'] as const;

/** One of `ENDPOINT_MODES`. */
export type EndpointMode = (typeof ENDPOINT_MODES)[number];

const intFrom = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const deployContextSchema = z.object({
  /** CloudFormation stack name, at most 40 characters: the endpoint is named after it (SageMaker allows 63). @default RaBlip */
  stackName: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9-]{0,39}$/)
    .default('RaBlip'),
  /**
   * `serverless`: SageMaker Serverless Inference (CPU, billed per ms, scales to zero; the demo bundle's mode).
   * `realtime`: GPU instances behind target-tracking autoscaling (never below `minInstanceCount`).
   * `scale-to-zero`: a GPU inference component whose copy count scales to zero when idle.
   * @default serverless
   */
  endpointMode: z.enum(ENDPOINT_MODES).default('serverless'),
  /** Instance type of the GPU modes. @default ml.g5.xlarge */
  instanceType: z
    .string()
    .regex(/^ml\.[a-z0-9]+\.[a-z0-9]+$/)
    .default('ml.g5.xlarge'),
  /**
   * Floor of the GPU modes' autoscaling: instances (`realtime`, at least 1) or model copies (`scale-to-zero`).
   * @default 1 for realtime, 0 for scale-to-zero
   */
  minInstanceCount: intFrom(0, 100).optional(),
  /** Ceiling of the GPU modes' autoscaling. @default 2 */
  maxInstanceCount: intFrom(1, 100).default(2),
  /** Target of the autoscaling: invocations per instance (or per copy) per minute. @default 120 */
  targetInvocationsPerMinute: intFrom(1, 100_000).default(120),
  /** Serverless Inference memory, 1024-6144 in steps of 1024 (it also sets the vCPUs). @default 3072 */
  serverlessMemoryMb: intFrom(1024, 6144)
    .refine((mb) => mb % 1024 === 0, 'serverlessMemoryMb must be a multiple of 1024')
    .default(3072),
  /** Serverless Inference concurrent invocations, 1-200 (account quota permitting). @default 5 */
  serverlessMaxConcurrency: intFrom(1, 200).default(5),
  /** Bundle directory packed into `model.tar.gz` at synth. @default models/ra-blip-mini */
  bundleDir: z.string().min(1).default('models/ra-blip-mini'),
  /**
   * Used instead of `bundleDir` when that directory does not exist, so that synth works on a fresh clone. It holds no
   * model: an endpoint deployed from it fails its health check. @default cdk/placeholder-bundle
   */
  placeholderBundleDir: z.string().min(1).default('cdk/placeholder-bundle'),
  /** Steady-state request rate of the HTTP API, requests per second. @default 50 */
  apiRateLimit: intFrom(1, 10_000).default(50),
  /** Burst of the HTTP API, requests. @default 100 */
  apiBurstLimit: intFrom(1, 5_000).default(100),
  /** Email subscribed to the alarm topic; no subscription when absent. */
  alarmEmail: z.email().optional(),
});

const deployConfigSchema = deployContextSchema
  .transform((c) => ({ ...c, minInstanceCount: c.minInstanceCount ?? (c.endpointMode === 'realtime' ? 1 : 0) }))
  .refine((c) => c.endpointMode !== 'realtime' || c.minInstanceCount >= 1, {
    message: 'realtime endpoints need minInstanceCount >= 1 (use endpointMode=scale-to-zero to reach zero)',
    path: ['minInstanceCount'],
  })
  .refine((c) => c.maxInstanceCount >= Math.max(1, c.minInstanceCount), {
    message: 'maxInstanceCount must be at least 1 and at least minInstanceCount',
    path: ['maxInstanceCount'],
  });

/** The parsed context. */
export type DeployConfig = z.output<typeof deployConfigSchema>;

/** The context keys the app reads (`cdk/bin/app.ts` collects exactly these). */
export const DEPLOY_CONTEXT_KEYS = Object.keys(deployContextSchema.shape) as (keyof DeployConfig)[];

/**
 * Parses context values (as `node.tryGetContext` returns them; `undefined` means unset). Throws a `ZodError` naming
 * each bad key.
 */
export function parseDeployConfig(context: Readonly<Record<string, unknown>>): DeployConfig {
  return deployConfigSchema.parse(context);
}
