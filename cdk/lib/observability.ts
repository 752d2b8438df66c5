/**
 * `Observability`: alarms on what a tenant would notice (API 5xx, API p99 latency, model endpoint errors) and on
 * what loses knowledge silently (ingest dead-letter queue depth), an SNS topic they notify, and a small dashboard.
 * @module
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { Api } from './api.js';
import type { IngestPipeline } from './ingest-pipeline.js';
import type { ModelEndpoint } from './model-endpoint.js';

/** Options of `Observability`. */
export interface ObservabilityProps {
  readonly api: Api;
  readonly ingest: IngestPipeline;
  readonly model: ModelEndpoint;
  /** Subscribed to the alarm topic when given. */
  readonly alarmEmail?: string;
}

const FIVE_MINUTES = Duration.minutes(5);
/** An answer takes well under this; three 5-minute periods above it mean the model or Pinecone is struggling. */
const P99_LATENCY_THRESHOLD = Duration.seconds(10);

/** Alarms, their topic, and the dashboard. */
export class Observability extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: {
    readonly api5xx: cloudwatch.Alarm;
    readonly apiLatencyP99: cloudwatch.Alarm;
    readonly endpointErrors: cloudwatch.Alarm;
    readonly deadLetters: cloudwatch.Alarm;
  };
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    // A customer-managed key: CloudWatch can publish to an encrypted topic only if the key policy lets it.
    const key = new kms.Key(this, 'TopicKey', {
      description: 'Encrypts the RA-BLIP alarm topic',
      enableKeyRotation: true,
    });
    key.grant(new iam.ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new sns.Topic(this, 'AlarmTopic', { masterKey: key, enforceSSL: true });
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));

    const api5xx = props.api.httpApi.metricServerError({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM });
    const apiP99 = props.api.httpApi.metricLatency({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.p(99) });
    const endpointErrors = props.model.metric('Invocation5XXErrors', { statistic: cloudwatch.Stats.SUM });
    const deadLetters = props.ingest.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
      period: FIVE_MINUTES,
      statistic: cloudwatch.Stats.MAXIMUM,
    });
    const latencyMs = P99_LATENCY_THRESHOLD.toMilliseconds();
    this.alarms = {
      api5xx: this.alarm('Api5xx', api5xx, 5, 'The API answered 5 or more 5xx in 5 minutes'),
      apiLatencyP99: this.alarm('ApiLatencyP99', apiP99, latencyMs, `API p99 latency is at least ${latencyMs} ms`, 3),
      endpointErrors: this.alarm('EndpointErrors', endpointErrors, 1, 'The model endpoint returned 5xx errors'),
      deadLetters: this.alarm(
        'DeadLetters',
        deadLetters,
        1,
        'Knowledge documents failed ingestion and reached the DLQ',
      ),
    };

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(6),
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'API requests and 5xx',
            left: [props.api.httpApi.metricCount({ period: FIVE_MINUTES }), api5xx],
          }),
          new cloudwatch.GraphWidget({ title: 'API latency p99 (ms)', left: [apiP99] }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Model endpoint',
            left: [props.model.metric('Invocations', { statistic: cloudwatch.Stats.SUM }), endpointErrors],
            right: [props.model.metric('ModelLatency', { statistic: cloudwatch.Stats.p(99) })],
          }),
          new cloudwatch.GraphWidget({
            title: 'Ingest queue and DLQ depth',
            left: [props.ingest.queue.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES }), deadLetters],
          }),
        ],
        [new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: Object.values(this.alarms), width: 24 })],
      ],
    });
  }

  private alarm(
    id: string,
    metric: cloudwatch.IMetric,
    threshold: number,
    description: string,
    periods = 1,
  ): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      threshold,
      evaluationPeriods: periods,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // No traffic is not an outage: missing data (no requests, no messages) keeps the alarm OK.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    alarm.addAlarmAction(new cloudwatchActions.SnsAction(this.topic));
    return alarm;
  }
}
