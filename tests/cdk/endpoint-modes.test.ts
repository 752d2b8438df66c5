/**
 * The endpoint modes selectable by context, each synthesised through the real app (cdk-nag attached) and linted.
 * Function bundling is skipped here (`aws:cdk:bundling-stacks`), since stack.test.ts covers it; the templates are
 * otherwise what `cdk synth -c endpointMode=...` produces.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lintTemplates, reportLint } from './cfn-lint.js';
import { removeTemporaryDirectories, synthStack, type SynthesizedStack } from './synth-stack.js';

const SKIP_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

let realtime: SynthesizedStack;
let scaleToZero: SynthesizedStack;
let serverless: SynthesizedStack;

beforeAll(() => {
  realtime = synthStack({
    ...SKIP_BUNDLING,
    endpointMode: 'realtime',
    instanceType: 'ml.g6.xlarge',
    maxInstanceCount: '4',
    targetInvocationsPerMinute: '200',
    apiRateLimit: '10',
    apiBurstLimit: '20',
    alarmEmail: 'ops@example.com',
  });
  scaleToZero = synthStack({ ...SKIP_BUNDLING, endpointMode: 'scale-to-zero' });
  serverless = synthStack({
    ...SKIP_BUNDLING,
    serverlessMemoryMb: '6144',
    serverlessMaxConcurrency: '10',
    stackName: 'RaBlipDemo',
  });
});
afterAll(removeTemporaryDirectories);

describe('realtime mode', () => {
  it("hosts the model on the context's GPU instance type, starting at the minimum count", () => {
    realtime.template.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      ProductionVariants: [
        Match.objectLike({
          VariantName: 'AllTraffic',
          ModelName: Match.anyValue(),
          InstanceType: 'ml.g6.xlarge',
          InitialInstanceCount: 1,
          ContainerStartupHealthCheckTimeoutInSeconds: 600,
        }),
      ],
    });
    realtime.template.hasResourceProperties('AWS::SageMaker::Model', {
      PrimaryContainer: Match.objectLike({ Environment: { RABLIP_EXECUTION_PROVIDERS: 'cuda,cpu' } }),
    });
  });

  it('scales the variant between min and max instances by target tracking on invocations per instance', () => {
    realtime.template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      ServiceNamespace: 'sagemaker',
      ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
      ResourceId: { 'Fn::Join': ['', ['endpoint/', Match.anyValue(), '/variant/AllTraffic']] },
      MinCapacity: 1,
      MaxCapacity: 4,
    });
    realtime.template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' },
        TargetValue: 200,
      }),
    });
  });

  it('applies the API throttling and the alarm email from context', () => {
    realtime.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 },
    });
    realtime.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
  });
});

describe('scale-to-zero mode', () => {
  it('puts the model on an inference component of a managed-scaling endpoint that may reach zero instances', () => {
    const variant = scaleToZero.template.findResources('AWS::SageMaker::EndpointConfig');
    const config = Object.values(variant)[0] as {
      Properties: { ProductionVariants: Record<string, unknown>[]; ExecutionRoleArn?: unknown };
    };
    expect(config.Properties.ExecutionRoleArn).toBeDefined();
    expect(config.Properties.ProductionVariants[0]).toMatchObject({
      InstanceType: 'ml.g5.xlarge',
      ManagedInstanceScaling: { Status: 'ENABLED', MinInstanceCount: 0, MaxInstanceCount: 2 },
      RoutingConfig: { RoutingStrategy: 'LEAST_OUTSTANDING_REQUESTS' },
    });
    expect(config.Properties.ProductionVariants[0]).not.toHaveProperty('ModelName');
    scaleToZero.template.hasResourceProperties('AWS::SageMaker::InferenceComponent', {
      InferenceComponentName: 'rablip-model-ic',
      VariantName: 'AllTraffic',
      Specification: Match.objectLike({
        ModelName: Match.anyValue(),
        ComputeResourceRequirements: { NumberOfAcceleratorDevicesRequired: 1, MinMemoryRequiredInMb: 4096 },
      }),
      RuntimeConfig: { CopyCount: 1 },
    });
  });

  it('scales copies down to zero by target tracking and back out of zero on NoCapacityInvocationFailures', () => {
    scaleToZero.template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      ScalableDimension: 'sagemaker:inference-component:DesiredCopyCount',
      ResourceId: 'inference-component/rablip-model-ic',
      MinCapacity: 0,
      MaxCapacity: 2,
    });
    scaleToZero.template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerInferenceComponentInvocationsPerCopy' },
      }),
    });
    scaleToZero.template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'StepScaling',
      StepScalingPolicyConfiguration: Match.objectLike({
        AdjustmentType: 'ChangeInCapacity',
        StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }],
      }),
    });
    scaleToZero.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'NoCapacityInvocationFailures',
      Dimensions: [{ Name: 'InferenceComponentName', Value: 'rablip-model-ic' }],
      AlarmActions: [Match.anyValue()],
    });
  });

  it('tells the functions which component to invoke and lets them invoke only it', () => {
    scaleToZero.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ RABLIP_SAGEMAKER_INFERENCE_COMPONENT: 'rablip-model-ic' }) },
    });
    scaleToZero.template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'sagemaker:InvokeEndpoint',
            Resource: [{ Ref: Match.anyValue() }, { 'Fn::GetAtt': [Match.anyValue(), 'InferenceComponentArn'] }],
          }),
        ]),
      },
    });
  });

  it("alarms on the component's errors", () => {
    scaleToZero.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Invocation5XXErrors',
      Dimensions: [{ Name: 'InferenceComponentName', Value: 'rablip-model-ic' }],
    });
  });
});

describe('serverless mode sizing', () => {
  it('takes memory, concurrency and the endpoint name from context', () => {
    serverless.template.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      ProductionVariants: [Match.objectLike({ ServerlessConfig: { MemorySizeInMB: 6144, MaxConcurrency: 10 } })],
    });
    serverless.template.hasResourceProperties('AWS::SageMaker::Endpoint', { EndpointName: 'rablipdemo-model' });
    expect(serverless.stack.stackName).toBe('RaBlipDemo');
  });
});

describe('every mode', () => {
  it('passes cfn-lint with no error (warnings are printed)', async () => {
    const templates = [realtime, scaleToZero, serverless].map((synth) => synth.templatePath);
    expect(reportLint(await lintTemplates(templates))).toEqual([]);
  });
});
