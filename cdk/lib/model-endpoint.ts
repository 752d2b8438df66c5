/**
 * `ModelEndpoint`: the model container image, the bundle tarball, the SageMaker model, and the endpoint in one of
 * three modes (`EndpointMode`): Serverless Inference (CPU), real-time GPU with target tracking, or a GPU inference
 * component that scales to zero copies. The mode-specific endpoint configurations live in `endpoint-variants.ts`.
 * @module
 */
import { ArnFormat, Duration, IgnoreMode, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import type { EndpointMode } from './deploy-config.js';
import { addEndpointScaling, endpointVariant, VARIANT_NAME, type EndpointSizing } from './endpoint-variants.js';
import type { ModelBundleAsset } from './model-bundle-asset.js';

/** Options of `ModelEndpoint`. */
export interface ModelEndpointProps {
  readonly mode: EndpointMode;
  readonly sizing: EndpointSizing;
  readonly bundle: ModelBundleAsset;
  /** Docker build context of the model container (hashed at synth, built at deploy). */
  readonly imageDirectory: string;
  /** Dockerfile, relative to `imageDirectory`. */
  readonly imageFile: string;
  /** `.dockerignore` patterns: what of `imageDirectory` stays out of the build context and the hash. */
  readonly imageExclude: readonly string[];
}

/** The SageMaker side of the deployment. The functions reach it only through `grantInvoke` and `invocationTarget`. */
export class ModelEndpoint extends Construct {
  readonly mode: EndpointMode;
  readonly endpoint: sagemaker.CfnEndpoint;
  /** Set in `scale-to-zero` mode: invocations must name it (`InferenceComponentName`). */
  readonly inferenceComponent?: sagemaker.CfnInferenceComponent;
  readonly role: iam.Role;
  /** Fixed names, so that the role's log permissions can name the log groups before the endpoint exists. */
  readonly endpointName: string;
  readonly inferenceComponentName: string;

  constructor(scope: Construct, id: string, props: ModelEndpointProps) {
    super(scope, id);
    this.mode = props.mode;
    const stack = Stack.of(this);
    this.endpointName = `${stack.stackName.toLowerCase()}-model`;
    this.inferenceComponentName = `${this.endpointName}-ic`;

    const image = new ecrAssets.DockerImageAsset(this, 'Image', {
      directory: props.imageDirectory,
      file: props.imageFile,
      exclude: [...props.imageExclude],
      ignoreMode: IgnoreMode.DOCKER,
      // SageMaker GPU instances and Serverless Inference run x86_64 containers.
      platform: ecrAssets.Platform.LINUX_AMD64,
    });

    this.role = new iam.Role(this, 'ExecutionRole', {
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
      description: 'SageMaker execution role of the RA-BLIP model: pull its image, read its bundle, write its logs',
    });
    image.repository.grantPull(this.role);
    props.bundle.grantRead(this.role);
    this.grantEndpointLogs(stack);

    const model = new sagemaker.CfnModel(this, 'Model', {
      executionRoleArn: this.role.roleArn,
      primaryContainer: {
        image: image.imageUri,
        modelDataUrl: props.bundle.asset.s3ObjectUrl,
        environment: {
          // Serverless Inference has no GPU; the GPU modes fall back to CPU if CUDA is missing.
          RABLIP_EXECUTION_PROVIDERS: props.mode === 'serverless' ? 'cpu' : 'cuda,cpu',
        },
      },
    });
    // CreateModel and CreateEndpoint use the role at once: its policy must exist first (the role itself is already
    // a dependency through the ARN).
    const rolePolicy = this.role.node.findChild('DefaultPolicy');
    model.node.addDependency(rolePolicy);

    const config = new sagemaker.CfnEndpointConfig(this, 'Config', {
      productionVariants: [endpointVariant(props.mode, props.sizing, model.attrModelName)],
      // Inference-component endpoints name the role on the config; the model-based ones take it from the model.
      ...(props.mode === 'scale-to-zero' && { executionRoleArn: this.role.roleArn }),
    });
    this.endpoint = new sagemaker.CfnEndpoint(this, 'Endpoint', {
      endpointName: this.endpointName,
      endpointConfigName: config.attrEndpointConfigName,
    });
    this.endpoint.node.addDependency(rolePolicy);

    if (props.mode === 'scale-to-zero') {
      this.inferenceComponent = new sagemaker.CfnInferenceComponent(this, 'InferenceComponent', {
        inferenceComponentName: this.inferenceComponentName,
        endpointName: this.endpoint.attrEndpointName,
        variantName: VARIANT_NAME,
        specification: {
          modelName: model.attrModelName,
          // One GPU per copy; 4 GiB of host memory covers the Node process and ONNX Runtime's host buffers.
          computeResourceRequirements: { numberOfAcceleratorDevicesRequired: 1, minMemoryRequiredInMb: 4096 },
          startupParameters: {
            containerStartupHealthCheckTimeoutInSeconds: 600,
            modelDataDownloadTimeoutInSeconds: 1200,
          },
        },
        // Starts with one copy so that the deployment proves the container healthy; scaling may then go to zero.
        runtimeConfig: { copyCount: 1 },
      });
    }
    addEndpointScaling(this, {
      mode: props.mode,
      sizing: props.sizing,
      endpoint: this.endpoint,
      inferenceComponent: this.inferenceComponent,
      inferenceComponentName: this.inferenceComponentName,
    });
  }

  private grantEndpointLogs(stack: Stack): void {
    const logGroup =
      this.mode === 'scale-to-zero'
        ? `/aws/sagemaker/InferenceComponents/${this.inferenceComponentName}`
        : `/aws/sagemaker/Endpoints/${this.endpointName}`;
    const logGroupArn = stack.formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: logGroup,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        resources: [logGroupArn, `${logGroupArn}:*`],
      }),
    );
    // PutMetricData has no resource-level permissions; the condition pins it to SageMaker's endpoint namespace.
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': '/aws/sagemaker/Endpoints' } },
      }),
    );
    Validations.of(this.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:${logGroup}:*]`,
      reason:
        'SageMaker names the log streams of its instances at run time; the grant is limited to the one log group of this endpoint.',
    });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Two actions have no resource-level permissions: ecr:GetAuthorizationToken (needed to pull the image; the pull actions themselves are scoped to the asset repository) and cloudwatch:PutMetricData (condition-scoped to the /aws/sagemaker/Endpoints namespace).',
    });
  }

  /** `sagemaker:InvokeEndpoint` on this endpoint (and its inference component), nothing else. */
  grantInvoke(grantee: iam.IGrantable): void {
    const resources = [this.endpoint.ref];
    if (this.inferenceComponent) resources.push(this.inferenceComponent.attrInferenceComponentArn);
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['sagemaker:InvokeEndpoint'], resources }),
    );
  }

  /** The environment a model client needs: the endpoint name, and the inference component name when there is one. */
  invocationTarget(): { readonly endpointName: string; readonly inferenceComponentName?: string } {
    return {
      endpointName: this.endpoint.attrEndpointName,
      ...(this.inferenceComponent && { inferenceComponentName: this.inferenceComponentName }),
    };
  }

  /** A SageMaker invocation metric of this endpoint (per variant, or per inference component). */
  metric(metricName: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    const dimensionsMap: Record<string, string> = this.inferenceComponent
      ? { InferenceComponentName: this.inferenceComponentName }
      : { EndpointName: this.endpointName, VariantName: VARIANT_NAME };
    return new cloudwatch.Metric({
      namespace: 'AWS/SageMaker',
      metricName,
      dimensionsMap,
      period: Duration.minutes(5),
      ...props,
    });
  }
}
