/**
 * The production variant and the autoscaling of each endpoint mode. Kept apart from `ModelEndpoint` so that the
 * three modes read side by side.
 * @module
 */
import { Duration } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import type { Construct } from 'constructs';
import type { EndpointMode } from './deploy-config.js';

/** The one production variant of every mode. */
export const VARIANT_NAME = 'AllTraffic';

/** Sizes read from the deploy context. */
export interface EndpointSizing {
  readonly instanceType: string;
  readonly minInstanceCount: number;
  readonly maxInstanceCount: number;
  readonly targetInvocationsPerMinute: number;
  readonly serverlessMemoryMb: number;
  readonly serverlessMaxConcurrency: number;
}

/** Time a GPU container gets to download the bundle and to answer its first /ping. */
const STARTUP = { containerStartupHealthCheckTimeoutInSeconds: 600, modelDataDownloadTimeoutInSeconds: 1200 };

/** The production variant of a mode. `modelName` is unused by `scale-to-zero`, whose model sits on the component. */
export function endpointVariant(
  mode: EndpointMode,
  sizing: EndpointSizing,
  modelName: string,
): sagemaker.CfnEndpointConfig.ProductionVariantProperty {
  switch (mode) {
    case 'serverless':
      return {
        variantName: VARIANT_NAME,
        modelName,
        serverlessConfig: {
          memorySizeInMb: sizing.serverlessMemoryMb,
          maxConcurrency: sizing.serverlessMaxConcurrency,
        },
      };
    case 'realtime':
      return {
        variantName: VARIANT_NAME,
        modelName,
        instanceType: sizing.instanceType,
        initialInstanceCount: sizing.minInstanceCount,
        initialVariantWeight: 1,
        ...STARTUP,
      };
    case 'scale-to-zero':
      return {
        variantName: VARIANT_NAME,
        instanceType: sizing.instanceType,
        // The endpoint starts with one instance for the first copy; managed scaling releases it when no copy is left.
        initialInstanceCount: 1,
        managedInstanceScaling: {
          status: 'ENABLED',
          minInstanceCount: sizing.minInstanceCount,
          maxInstanceCount: sizing.maxInstanceCount,
        },
        routingConfig: { routingStrategy: 'LEAST_OUTSTANDING_REQUESTS' },
      };
  }
}

/** What `addEndpointScaling` scales. */
export interface EndpointScalingTarget {
  readonly mode: EndpointMode;
  readonly sizing: EndpointSizing;
  readonly endpoint: sagemaker.CfnEndpoint;
  readonly inferenceComponent: sagemaker.CfnInferenceComponent | undefined;
  /** The component's fixed name (CloudFormation returns only its ARN). */
  readonly inferenceComponentName: string;
}

/**
 * Autoscaling of the GPU modes (Serverless Inference scales by itself, up to its max concurrency).
 * `realtime`: target tracking on invocations per instance, between min and max instances.
 * `scale-to-zero`: target tracking on invocations per copy, down to `minInstanceCount` copies (normally 0). Target
 * tracking cannot leave zero, because with no copy there are no invocations to track: a step policy adds one copy
 * when the endpoint reports `NoCapacityInvocationFailures` (the AWS-documented way out of zero).
 */
export function addEndpointScaling(scope: Construct, target: EndpointScalingTarget): void {
  const { mode, sizing, endpoint, inferenceComponent, inferenceComponentName } = target;
  if (mode === 'serverless') return;
  if (mode === 'realtime') {
    const scalable = new appscaling.ScalableTarget(scope, 'Scaling', {
      serviceNamespace: appscaling.ServiceNamespace.SAGEMAKER,
      resourceId: `endpoint/${endpoint.attrEndpointName}/variant/${VARIANT_NAME}`,
      scalableDimension: 'sagemaker:variant:DesiredInstanceCount',
      minCapacity: sizing.minInstanceCount,
      maxCapacity: sizing.maxInstanceCount,
    });
    scalable.scaleToTrackMetric('InvocationsPerInstance', {
      predefinedMetric: appscaling.PredefinedMetric.SAGEMAKER_VARIANT_INVOCATIONS_PER_INSTANCE,
      targetValue: sizing.targetInvocationsPerMinute,
      scaleInCooldown: Duration.minutes(5),
      scaleOutCooldown: Duration.minutes(1),
    });
    return;
  }
  if (!inferenceComponent) throw new Error('scale-to-zero mode needs its inference component');
  const scalable = new appscaling.ScalableTarget(scope, 'Scaling', {
    serviceNamespace: appscaling.ServiceNamespace.SAGEMAKER,
    resourceId: `inference-component/${inferenceComponentName}`,
    scalableDimension: 'sagemaker:inference-component:DesiredCopyCount',
    minCapacity: sizing.minInstanceCount,
    maxCapacity: sizing.maxInstanceCount,
  });
  // The name is a literal, so the dependency on the component is explicit.
  scalable.node.addDependency(inferenceComponent);
  scalable.scaleToTrackMetric('InvocationsPerCopy', {
    predefinedMetric: appscaling.PredefinedMetric.SAGEMAKER_INFERENCE_COMPONENT_INVOCATIONS_PER_COPY,
    targetValue: sizing.targetInvocationsPerMinute,
    scaleInCooldown: Duration.minutes(15),
    scaleOutCooldown: Duration.minutes(1),
  });
  if (sizing.minInstanceCount > 0) return;
  const outOfZero = new appscaling.StepScalingAction(scope, 'ScaleOutFromZero', {
    scalingTarget: scalable,
    adjustmentType: appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
    metricAggregationType: appscaling.MetricAggregationType.MAXIMUM,
    cooldown: Duration.minutes(1),
  });
  outOfZero.addAdjustment({ lowerBound: 0, adjustment: 1 });
  new cloudwatch.Alarm(scope, 'NoCapacityAlarm', {
    alarmDescription: 'A request found no model copy: scale the inference component out from zero',
    metric: new cloudwatch.Metric({
      namespace: 'AWS/SageMaker',
      metricName: 'NoCapacityInvocationFailures',
      dimensionsMap: { InferenceComponentName: inferenceComponentName },
      statistic: cloudwatch.Stats.MAXIMUM,
      period: Duration.minutes(1),
    }),
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  }).addAlarmAction(new cloudwatchActions.ApplicationScalingAction(outOfZero));
}
