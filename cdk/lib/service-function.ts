/**
 * `ServiceFunction`: a Node.js Lambda function with this project's defaults fixed in one place: Node 22 on arm64,
 * bundled by the local esbuild, its own log group and its own role that may write to that log group and nothing else.
 * Everything else a function may touch is granted by the construct that owns the resource (`grant…` methods).
 * @module
 */
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** The modules with native code that no function carries (the model runs on the SageMaker endpoint). */
export const NATIVE_MODULES = ['onnxruntime-node', 'sharp', 'better-sqlite3', 'usearch'] as const;

/** What replaces each native module in a bundle: a module that throws if a misconfigured function loads it. */
const NATIVE_MODULE_STUB = fileURLToPath(new URL('../lambda-stubs/native-module.cjs', import.meta.url));

/**
 * esbuild settings shared by every function (and by `bench/sections/lambda-size.ts`, which bundles the same way).
 * ESM output, like the sources (`"type": "module"`); the banner gives CommonJS dependencies that call `require` a
 * working one. The AWS SDK is bundled rather than taken from the runtime, so the deployed client version is the
 * tested one. Native modules are aliased to a stub, not marked external: an external ESM import is hoisted to the top
 * of the bundle and would fail at cold start even though only the embedded (local) backends use them.
 */
export const SERVICE_FUNCTION_BUNDLING: BundlingOptions = {
  format: OutputFormat.ESM,
  target: 'node22',
  minify: true,
  keepNames: true,
  sourceMap: false,
  mainFields: ['module', 'main'],
  bundleAwsSDK: true,
  externalModules: [],
  esbuildArgs: {
    ...Object.fromEntries(NATIVE_MODULES.map((name) => [`--alias:${name}`, NATIVE_MODULE_STUB])),
    // The stub has no exports by design (it throws when loaded); TypeScript already checks the real imports.
    '--log-override:import-is-undefined': 'silent',
  },
  banner: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
};

/** Options of `ServiceFunction`. */
export interface ServiceFunctionProps {
  /** Entry file, relative to the repository root or absolute; it exports `handler`. */
  readonly entry: string;
  /** What the function is for, shown in the console. */
  readonly description: string;
  /** @default 1024 */
  readonly memorySizeMb?: number;
  readonly timeout: Duration;
  /** Environment variables, merged over nothing: the construct sets none of its own. */
  readonly environment: Readonly<Record<string, string>>;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * A bundled Node.js 22 arm64 function. arm64 because no function carries a native module (the API and ingest code
 * is plain JavaScript once bundled), so the architecture only changes the price: Graviton is billed about 20% lower
 * per GB-second than x86_64 (docs/deploy.md cites the page).
 */
export class ServiceFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // An own role instead of the default one, which would attach the managed AWSLambdaBasicExecutionRole (logs on
    // every log group of the account).
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.description} (execution role)`,
    });
    this.logGroup.grantWrite(this.role);
    this.function = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySizeMb ?? 1024,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: { ...props.environment },
      bundling: SERVICE_FUNCTION_BUNDLING,
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is pinned on purpose: it is the runtime the issue specifies and the one the model container image uses, so the API, ingest and model code run on one Node major. It is an LTS runtime supported by Lambda.',
    });
  }

  /** Adds one environment variable (for values only known after other constructs exist). */
  addEnvironment(name: string, value: string): void {
    this.function.addEnvironment(name, value);
  }
}
