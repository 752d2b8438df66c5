/**
 * `IngestPipeline`: knowledge bucket (`<tenant>/<path>` keys) -> S3 event notifications -> SQS queue (dead-letter queue after
 * `maxReceiveCount` receives) -> ingest Lambda with partial-batch responses. S3 delivers events at least once and
 * unordered; the ingest pipeline is idempotent (the job id hashes tenant, source and bytes), so redelivery is harmless.
 * @module
 */
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeOnGrantee, arnFindingToken } from './acknowledge-finding.js';
import { secureBucketProps } from './secure-bucket-props.js';
import { ServiceFunction } from './service-function.js';

/** Options of `IngestPipeline`. */
export interface IngestPipelineProps {
  /** Entry of the ingest handler (SQS batch of S3 events, partial-batch responses). */
  readonly entry: string;
  readonly accessLogs: s3.IBucket;
  /** Environment of the function, merged with the knowledge bucket's name. */
  readonly environment: Readonly<Record<string, string>>;
  /** @default Duration.minutes(5) */
  readonly functionTimeout?: Duration;
  /** Receives before a message goes to the dead-letter queue. @default 5 */
  readonly maxReceiveCount?: number;
  /** Messages per invocation. @default 5 */
  readonly batchSize?: number;
  /** Concurrent invocations the queue may drive; keeps the model endpoint and Pinecone within their limits. @default 4 */
  readonly maxConcurrency?: number;
}

/** Construct id of the CDK singleton that applies bucket notifications (a custom resource), under the stack. */
const NOTIFICATIONS_HANDLER_ID = 'BucketNotificationsHandler050a0587b7544547bf325f094a3db834';

/**
 * The CDK's bucket-notifications custom resource is a fixed singleton whose role uses the AWS managed basic execution
 * policy (its `s3:PutBucketNotification` grant is scoped to the bucket). It runs only during deployments.
 */
function acknowledgeNotificationsHandler(scope: Construct): void {
  const handler = Stack.of(scope).node.tryFindChild(NOTIFICATIONS_HANDLER_ID);
  if (!handler) throw new Error('the CDK bucket-notifications handler was not found: did aws-cdk-lib rename it?');
  Validations.of(handler).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason:
      'CDK-owned custom resource that configures the bucket notification at deploy time; its role is fixed by aws-cdk-lib and only writes its own logs.',
  });
}

/** AWS's guidance for SQS event sources: visibility timeout at least six times the function timeout. */
export const VISIBILITY_TIMEOUT_FACTOR = 6;

/** The knowledge bucket, its queues and the ingest function. */
export class IngestPipeline extends Construct {
  readonly bucket: s3.Bucket;
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly handler: ServiceFunction;

  constructor(scope: Construct, id: string, props: IngestPipelineProps) {
    super(scope, id);
    const timeout = props.functionTimeout ?? Duration.minutes(5);
    this.bucket = new s3.Bucket(this, 'KnowledgeBucket', {
      ...secureBucketProps({ versioned: true, accessLogs: { bucket: props.accessLogs, prefix: 'knowledge/' } }),
    });
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      // SQS-managed keys: S3 can publish to them without a KMS key policy.
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(timeout.toSeconds() * VISIBILITY_TIMEOUT_FACTOR),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? 5 },
    });
    // Created objects are ingested; removed ones (deletes and delete markers) have their items forgotten.
    for (const event of [s3.EventType.OBJECT_CREATED, s3.EventType.OBJECT_REMOVED]) {
      this.bucket.addEventNotification(event, new s3n.SqsDestination(this.queue));
    }
    acknowledgeNotificationsHandler(this);

    this.handler = new ServiceFunction(this, 'Handler', {
      entry: props.entry,
      description: 'RA-BLIP ingest: S3 knowledge documents to vectors, blobs and job status',
      timeout,
      memorySizeMb: 1024,
      environment: { ...props.environment, RABLIP_KNOWLEDGE_BUCKET: this.bucket.bucketName },
    });
    this.handler.function.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: props.batchSize ?? 5,
        reportBatchItemFailures: true,
        maxConcurrency: props.maxConcurrency ?? 4,
      }),
    );
    this.grantReadKnowledge(this.handler.function);
  }

  /**
   * GetObject on the knowledge documents (and the sibling files a document names), and ListBucket on this bucket
   * only: without it S3 answers 403 instead of 404 for an absent sidecar (`x.caption.txt`), and ingestion would
   * retry optional files into the dead-letter queue. No writes.
   */
  grantReadKnowledge(grantee: iam.IGrantable): void {
    iam.Grant.addToPrincipal({ grantee, actions: ['s3:GetObject'], resourceArns: [this.bucket.arnForObjects('*')] });
    iam.Grant.addToPrincipal({ grantee, actions: ['s3:ListBucket'], resourceArns: [this.bucket.bucketArn] });
    acknowledgeOnGrantee(
      grantee,
      `AwsSolutions-IAM5[Resource::${arnFindingToken(this.bucket)}/*]`,
      'Knowledge documents are uploaded by tenants under keys the stack cannot know in advance; the grant is GetObject only, on this one bucket.',
    );
  }
}
