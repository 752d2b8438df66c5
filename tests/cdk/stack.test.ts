/**
 * The deployed stack (default context: Serverless Inference), synthesised once through the real app with cdk-nag
 * attached: every resource of issue 5's Must list, least-privilege IAM, cdk-nag and cfn-lint.
 *
 * Over 400 lines on purpose: every assertion reads the one synthesis (esbuild bundling, model tarball, cdk-nag),
 * which takes tens of seconds on a shared machine; splitting the file would synthesise again per file.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NATIVE_MODULES } from '../../cdk/lib/service-function.js';
import { DYNAMODB_TABLE_KEYS, type DynamoDbTableKeys } from '../../src/adapters/dynamodb-table-keys.js';
import { lintTemplates, reportLint } from './cfn-lint.js';
import { collectAcknowledgements } from './acknowledgements.js';
import { removeTemporaryDirectories, synthStack, type SynthesizedStack } from './synth-stack.js';
import { resourcesOfType, logicalIdOf, policyStatements, type Statement } from './template-queries.js';

let synth: SynthesizedStack;
let template: Template;

beforeAll(() => {
  synth = synthStack();
  template = synth.template;
});
afterAll(removeTemporaryDirectories);

describe('knowledge bucket and storage', () => {
  it('encrypts every bucket, blocks public access and denies requests without TLS', () => {
    const buckets = resourcesOfType(template, 'AWS::S3::Bucket');
    expect(Object.keys(buckets)).toHaveLength(3);
    for (const bucket of Object.values(buckets)) {
      expect(bucket.Properties.BucketEncryption).toEqual({
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      });
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
    }
    for (const id of Object.keys(buckets)) {
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: id },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 's3:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    }
  });

  it('versions the knowledge bucket and logs its access to the access-log bucket', () => {
    const id = logicalIdOf(synth.stack, synth.stack.ingest.bucket);
    template.hasResource('AWS::S3::Bucket', {
      Properties: Match.objectLike({
        VersioningConfiguration: { Status: 'Enabled' },
        LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'knowledge/' }),
      }),
      DeletionPolicy: 'Retain',
    });
    expect(resourcesOfType(template, 'AWS::S3::Bucket')[id]?.Properties.VersioningConfiguration).toEqual({
      Status: 'Enabled',
    });
  });

  it('sends object-created and object-removed events of the knowledge bucket to the ingest queue', () => {
    const queueArn = { 'Fn::GetAtt': [logicalIdOf(synth.stack, synth.stack.ingest.queue), 'Arn'] };
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: { Ref: logicalIdOf(synth.stack, synth.stack.ingest.bucket) },
      NotificationConfiguration: {
        QueueConfigurations: [
          { Events: ['s3:ObjectCreated:*'], QueueArn: queueArn },
          { Events: ['s3:ObjectRemoved:*'], QueueArn: queueArn },
        ],
      },
    });
  });
});

describe('ingest queue', () => {
  it('drives the ingest function with partial-batch responses', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [logicalIdOf(synth.stack, synth.stack.ingest.queue), 'Arn'] },
      FunctionName: { Ref: logicalIdOf(synth.stack, synth.stack.ingest.handler.function) },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 5,
      ScalingConfig: { MaximumConcurrency: 4 },
    });
  });

  it('moves a message to the dead-letter queue after 5 receives', () => {
    const dlq = logicalIdOf(synth.stack, synth.stack.ingest.deadLetterQueue);
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] }, maxReceiveCount: 5 },
    });
  });

  it('keeps messages invisible for at least six times the function timeout', () => {
    const queue = resourcesOfType(template, 'AWS::SQS::Queue')[logicalIdOf(synth.stack, synth.stack.ingest.queue)];
    const fn = resourcesOfType(template, 'AWS::Lambda::Function')[
      logicalIdOf(synth.stack, synth.stack.ingest.handler.function)
    ];
    expect(fn?.Properties.Timeout).toBe(300);
    expect(queue?.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * (fn?.Properties.Timeout as number));
  });

  it('encrypts both queues and denies requests without TLS', () => {
    for (const queue of Object.values(resourcesOfType(template, 'AWS::SQS::Queue'))) {
      expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    }
    const policies = Object.values(resourcesOfType(template, 'AWS::SQS::QueuePolicy'));
    expect(policies).toHaveLength(2);
    for (const policy of policies) {
      expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
    }
  });
});

describe('functions and API', () => {
  it('runs both functions on Node 22, arm64, with their own log groups', () => {
    for (const target of [synth.stack.api.handler, synth.stack.ingest.handler]) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Role: { 'Fn::GetAtt': [logicalIdOf(synth.stack, target.role), 'Arn'] },
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        LoggingConfig: Match.objectLike({ LogGroup: { Ref: logicalIdOf(synth.stack, target.logGroup) } }),
      });
    }
  });

  it('serves the HTTP API from the API function, throttled, with access logs, and no Function URL', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: '$default' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      AccessLogSettings: Match.objectLike({ Format: Match.stringLikeRegexp('requestId') }),
    });
    const apiFunction = resourcesOfType(template, 'AWS::Lambda::Function')[
      logicalIdOf(synth.stack, synth.stack.api.handler.function)
    ];
    expect(apiFunction?.Properties.Timeout).toBeLessThan(30);
    template.resourceCountIs('AWS::Lambda::Url', 0);
  });

  it('bundles no native module or model runtime into either function, and each bundle loads on its own', async () => {
    for (const target of [synth.stack.api.handler.function, synth.stack.ingest.handler.function]) {
      const code = resourcesOfType(template, 'AWS::Lambda::Function')[logicalIdOf(synth.stack, target)]?.Properties
        .Code as { S3Key: string };
      const assetDir = join(synth.outdir, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
      expect(readdirSync(assetDir)).toEqual(['index.mjs']);
      const bundle = readFileSync(join(assetDir, 'index.mjs'), 'utf8');
      for (const name of NATIVE_MODULES) {
        expect(bundle).not.toMatch(new RegExp(`(from|require\\(|import\\()\\s*["']${name}["']`));
      }
      // Outside the repository (no node_modules to fall back on), the bundle evaluates its whole static import graph
      // and, at import (API) or first invocation (ingest), stops at the configuration check: nothing is missing.
      const failure = await loadBundle(join(assetDir, 'index.mjs'), { RABLIP_MODEL_BACKEND: 'sagemaker' });
      expect(failure).toMatch(/invalid configuration[\s\S]*RABLIP_SAGEMAKER_ENDPOINT/);
    }
  });

  it('passes the Pinecone secret as an ARN, never as a value', () => {
    const secret = logicalIdOf(synth.stack, synth.stack.node.findChild('Pinecone').node.findChild('ApiKey'));
    for (const fn of [synth.stack.api.handler.function, synth.stack.ingest.handler.function]) {
      const env = resourcesOfType(template, 'AWS::Lambda::Function')[logicalIdOf(synth.stack, fn)]?.Properties
        .Environment as {
        Variables: Record<string, unknown>;
      };
      expect(env.Variables.RABLIP_PINECONE_API_KEY_SECRET_ARN).toEqual({ Ref: secret });
      expect(env.Variables).not.toHaveProperty('RABLIP_PINECONE_API_KEY');
      expect(env.Variables.RABLIP_PINECONE_HOST).toEqual({ Ref: 'PineconeIndexHost' });
    }
    template.hasParameter('PineconeIndexHost', { Type: 'String', AllowedPattern: Match.stringLikeRegexp('^\\^https') });
  });
});

describe('tenant tables', () => {
  it("creates jobs, usage and API-key tables on demand with point-in-time recovery and the adapters' keys", () => {
    const tables = Object.values(resourcesOfType(template, 'AWS::DynamoDB::Table'));
    expect(tables).toHaveLength(3);
    for (const table of tables) {
      expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
      expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    }
    for (const keys of Object.values(DYNAMODB_TABLE_KEYS) as DynamoDbTableKeys[]) {
      const schema = [{ AttributeName: keys.partitionKey.name, KeyType: 'HASH' }];
      if (keys.sortKey) schema.push({ AttributeName: keys.sortKey.name, KeyType: 'RANGE' });
      template.hasResourceProperties('AWS::DynamoDB::Table', { KeySchema: schema });
    }
  });
});

describe('least-privilege IAM', () => {
  /**
   * The only statements allowed `Resource: "*"`: actions AWS offers no resource-level permission for. Each is
   * listed with the policy's owner and why.
   */
  const WILDCARD_ALLOWLIST: ReadonlyArray<{ owner: string; action: string; why: string }> = [
    {
      owner: 'ModelExecutionRole',
      action: 'ecr:GetAuthorizationToken',
      why: 'ECR tokens are account-wide; pulls are scoped to the asset repository',
    },
    {
      owner: 'ModelExecutionRole',
      action: 'cloudwatch:PutMetricData',
      why: 'no resource-level permissions; the statement carries a cloudwatch:namespace condition',
    },
  ];

  it('allows "*" resources only for the allowlisted actions', () => {
    const wildcard: { owner: string; action: string }[] = [];
    for (const { policyId, statement } of policyStatements(template)) {
      const resources = [statement.Resource].flat();
      if (!resources.includes('*')) continue;
      for (const action of [statement.Action].flat()) wildcard.push({ owner: policyId, action: String(action) });
    }
    expect(wildcard.length).toBeGreaterThan(0);
    for (const entry of wildcard) {
      expect(
        WILDCARD_ALLOWLIST.some((allowed) => entry.owner.startsWith(allowed.owner) && entry.action === allowed.action),
      ).toBe(true);
    }
    const putMetric = policyStatements(template).find(
      ({ statement }) => statement.Action === 'cloudwatch:PutMetricData',
    );
    expect(putMetric?.statement.Condition).toEqual({
      StringEquals: { 'cloudwatch:namespace': '/aws/sagemaker/Endpoints' },
    });
  });

  it('uses no wildcard action anywhere', () => {
    for (const { statement } of policyStatements(template)) {
      for (const action of [statement.Action].flat()) expect(String(action)).not.toContain('*');
    }
  });

  it('lets the API function touch only its own resources', () => {
    const text = JSON.stringify(statementsOf(template, logicalIdOf(synth.stack, synth.stack.api.handler.role)));
    expect(text).toContain(logicalIdOf(synth.stack, synth.stack.tables.apiKeys));
    expect(text).toContain(logicalIdOf(synth.stack, synth.stack.tables.usage));
    expect(text).toContain('sagemaker:InvokeEndpoint');
    expect(text).not.toContain(logicalIdOf(synth.stack, synth.stack.ingest.bucket));
    expect(text).not.toContain(logicalIdOf(synth.stack, synth.stack.ingest.queue));
    expect(text).not.toContain(logicalIdOf(synth.stack, synth.stack.ingest.handler.logGroup));
  });

  it('lets the ingest function touch only its own resources', () => {
    const text = JSON.stringify(statementsOf(template, logicalIdOf(synth.stack, synth.stack.ingest.handler.role)));
    expect(text).toContain(logicalIdOf(synth.stack, synth.stack.ingest.bucket));
    expect(text).toContain(logicalIdOf(synth.stack, synth.stack.ingest.queue));
    expect(text).not.toContain(logicalIdOf(synth.stack, synth.stack.tables.apiKeys));
    expect(text).not.toContain(logicalIdOf(synth.stack, synth.stack.tables.usage));
    expect(text).not.toContain(logicalIdOf(synth.stack, synth.stack.api.handler.logGroup));
  });

  it('grants the Pinecone secret to the two functions only', () => {
    const secret = logicalIdOf(synth.stack, synth.stack.node.findChild('Pinecone').node.findChild('ApiKey'));
    const readers = policyStatements(template)
      .filter(({ statement }) => JSON.stringify(statement).includes(`"Ref":"${secret}"`))
      .map(({ policyId }) => policyId);
    expect(readers.sort()).toEqual(
      [synth.stack.api.handler.role, synth.stack.ingest.handler.role]
        .map((role) => policyIdOfRole(template, logicalIdOf(synth.stack, role)))
        .sort(),
    );
  });

  it("attaches no AWS managed policy to the stack's own roles", () => {
    for (const role of [synth.stack.api.handler.role, synth.stack.ingest.handler.role, synth.stack.model.role]) {
      expect(
        resourcesOfType(template, 'AWS::IAM::Role')[logicalIdOf(synth.stack, role)]?.Properties.ManagedPolicyArns,
      ).toBeUndefined();
    }
  });
});

describe('observability', () => {
  it('alarms on API 5xx, API p99 latency, endpoint errors and DLQ depth, notifying the encrypted topic', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/ApiGateway', MetricName: '5xx' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApiGateway',
      MetricName: 'Latency',
      ExtendedStatistic: 'p99',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SageMaker',
      MetricName: 'Invocation5XXErrors',
      Dimensions: Match.arrayWith([{ Name: 'EndpointName', Value: 'rablip-model' }]),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [logicalIdOf(synth.stack, synth.stack.ingest.deadLetterQueue), 'QueueName'] },
        },
      ],
      Threshold: 1,
    });
    const topic = logicalIdOf(synth.stack, synth.stack.observability.topic);
    for (const alarm of Object.values(synth.stack.observability.alarms)) {
      expect(
        resourcesOfType(template, 'AWS::CloudWatch::Alarm')[logicalIdOf(synth.stack, alarm)]?.Properties.AlarmActions,
      ).toEqual([{ Ref: topic }]);
    }
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });
});

describe('model endpoint (serverless mode)', () => {
  it('builds the model from the container image asset and the bundle tarball', () => {
    template.hasResourceProperties('AWS::SageMaker::Model', {
      PrimaryContainer: {
        Image: Match.objectLike({ 'Fn::Sub': Match.stringLikeRegexp('container-assets') }),
        ModelDataUrl: Match.objectLike({ 'Fn::Sub': Match.stringLikeRegexp('\\.gz$') }),
        Environment: { RABLIP_EXECUTION_PROVIDERS: 'cpu' },
      },
    });
    const assets = JSON.parse(readFileSync(join(synth.outdir, `${synth.stack.artifactId}.assets.json`), 'utf8')) as {
      dockerImages: Record<string, { source: { directory: string; dockerFile: string; platform: string } }>;
      files: Record<string, { source: { path: string; packaging: string } }>;
    };
    const [image] = Object.values(assets.dockerImages);
    expect(image?.source).toMatchObject({ dockerFile: 'model-container/Dockerfile', platform: 'linux/amd64' });
    const context = join(synth.outdir, image?.source.directory ?? '');
    expect(readdirSync(context).sort()).toEqual([
      '.npmrc',
      'model-container',
      'package-lock.json',
      'package.json',
      'src',
      'tsconfig.json',
    ]);
    const tarball = Object.values(assets.files).find((file) => file.source.path.endsWith('.tar.gz'));
    expect(tarball?.source.packaging).toBe('file');
    expect(existsSync(join(synth.outdir, tarball?.source.path ?? ''))).toBe(true);
  });

  it("configures Serverless Inference with the context's memory and concurrency, and no autoscaling", () => {
    template.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      ProductionVariants: [
        {
          VariantName: 'AllTraffic',
          ModelName: Match.anyValue(),
          ServerlessConfig: { MemorySizeInMB: 3072, MaxConcurrency: 5 },
        },
      ],
    });
    template.hasResourceProperties('AWS::SageMaker::Endpoint', { EndpointName: 'rablip-model' });
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 0);
    template.resourceCountIs('AWS::SageMaker::InferenceComponent', 0);
  });
});

describe('checks', () => {
  it('passes cdk-nag (AwsSolutions) with no unacknowledged finding, each acknowledgement with a reason', () => {
    const report = JSON.parse(readFileSync(join(synth.outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: { violations: unknown[] }[];
    };
    expect(report.pluginReports.flatMap((plugin) => plugin.violations)).toEqual([]);
    const acknowledgements = collectAcknowledgements(synth.app);
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const { id, reason } of acknowledgements) {
      expect(id).toMatch(/^AwsSolutions-/);
      expect(reason.length).toBeGreaterThan(40);
    }
    console.log(acknowledgements.map(({ path, id, reason }) => `${path}: ${id}\n    ${reason}`).join('\n'));
  });

  it('passes cfn-lint with no error (warnings are printed)', async () => {
    expect(reportLint(await lintTemplates([synth.templatePath]))).toEqual([]);
  });
});

/**
 * Imports a bundle in a fresh Node process with only `env` set and invokes its handler with an empty SQS batch;
 * resolves with what the process printed to stderr.
 */
function loadBundle(file: string, env: Record<string, string>): Promise<string> {
  const script = `const m = await import(${JSON.stringify(pathToFileURL(file).href)}); await m.handler({ Records: [] }, {});`;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', script],
      { cwd: tmpdir(), env: { PATH: process.env.PATH ?? '', ...env } },
      (_error, _stdout, stderr) => resolve(stderr),
    );
  });
}

function statementsOf(template: Template, roleId: string): Statement[] {
  const policyId = policyIdOfRole(template, roleId);
  return policyStatements(template)
    .filter((entry) => entry.policyId === policyId)
    .map((entry) => entry.statement);
}

function policyIdOfRole(template: Template, roleId: string): string {
  const [id] = Object.entries(resourcesOfType(template, 'AWS::IAM::Policy')).find(([, policy]) =>
    JSON.stringify(policy.Properties.Roles).includes(`"Ref":"${roleId}"`),
  ) ?? [''];
  if (!id) throw new Error(`no policy attached to ${roleId}`);
  return id;
}
