/**
 * Builds the CDK app: the stack from the parsed context, with cdk-nag's AwsSolutions pack as a policy validation
 * plugin. `cdk/bin/app.ts` and the tests both go through here, so the tests check what `cdk synth` deploys.
 * @module
 */
import { App, Validations } from 'aws-cdk-lib';
import nag from 'cdk-nag';
import { DEPLOY_CONTEXT_KEYS, parseDeployConfig } from './deploy-config.js';
import { RaBlipStack } from './rablip-stack.js';

/**
 * Feature flags this app relies on, set in code so that tests (which build `App` directly) get them too.
 * `serverAccessLogsUseBucketPolicy`: S3 access logs are delivered through a bucket policy, which works with
 * owner-enforced object ownership (ACL delivery does not).
 */
export const FEATURE_FLAGS: Readonly<Record<string, unknown>> = {
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
};

/** Options of `createApp`. */
export interface CreateAppOptions {
  /** Context values (the CLI passes cdk.json and `-c` through the environment; tests pass them here). */
  readonly context?: Readonly<Record<string, unknown>>;
  /** Cloud assembly directory. @default the CLI's, or a temporary directory */
  readonly outdir?: string;
}

/** The app and its one stack. Throws a `ZodError` for bad context values. */
export function createApp(options: CreateAppOptions = {}): { readonly app: App; readonly stack: RaBlipStack } {
  const app = new App({
    context: { ...FEATURE_FLAGS, ...options.context },
    ...(options.outdir !== undefined && { outdir: options.outdir }),
  });
  const config = parseDeployConfig(
    Object.fromEntries(DEPLOY_CONTEXT_KEYS.map((key) => [key, app.node.tryGetContext(key) as unknown])),
  );
  const stack = new RaBlipStack(app, config.stackName, {
    config,
    description: `RA-BLIP as a service (${config.endpointMode} model endpoint)`,
  });
  Validations.of(app).addPlugins(new nag.AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack };
}
