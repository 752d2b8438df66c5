/**
 * `Api`: an API Gateway HTTP API whose `$default` route sends every request to the API function (the Hono app does
 * its own routing, API-key auth, validation and limits). The `$default` stage is throttled and writes JSON access logs.
 *
 * No Function URL: a `RESPONSE_STREAM` URL only pays off with a streaming answer route, and the app has none.
 * @module
 */
import { CfnOutput, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ServiceFunction } from './service-function.js';

/** Options of `Api`. */
export interface ApiProps {
  /** Entry of the Lambda handler (`handle(app)` of the Hono app). */
  readonly entry: string;
  readonly environment: Readonly<Record<string, string>>;
  /** Steady-state requests per second of the stage. */
  readonly rateLimit: number;
  /** Burst size of the stage. */
  readonly burstLimit: number;
}

/** HTTP API integrations stop at 30 s, so the function gets a little less to answer with its own error. */
export const API_FUNCTION_TIMEOUT = Duration.seconds(29);

/** The HTTP API and its function. */
export class Api extends Construct {
  readonly httpApi: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  readonly handler: ServiceFunction;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    this.handler = new ServiceFunction(this, 'Handler', {
      entry: props.entry,
      description: 'RA-BLIP HTTP API (Hono): answers, knowledge, jobs, usage',
      timeout: API_FUNCTION_TIMEOUT,
      // More memory is more CPU: 1 vCPU at 1,769 MB. JSON and base64 work is light; the model runs elsewhere.
      memorySizeMb: 1024,
      environment: props.environment,
    });
    this.httpApi = new apigwv2.HttpApi(this, 'HttpApi', {
      description: 'RA-BLIP as a service',
      defaultIntegration: new HttpLambdaIntegration('Handler', this.handler.function),
      createDefaultStage: false,
    });
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit, burstLimit: props.burstLimit },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            method: '$context.httpMethod',
            path: '$context.path',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            integrationLatencyMs: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            responseLength: '$context.responseLength',
          }),
        ),
      },
    });
    Validations.of(this.httpApi).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'Every route is authenticated inside the function: the Hono app checks the bearer API key against SHA-256 hashes in the API-key table and maps it to a tenant. A Lambda authorizer would add a second invocation per request for the same lookup.',
    });
    new CfnOutput(this, 'Url', { value: this.httpApi.apiEndpoint, description: 'Base URL of the HTTP API' });
  }
}
