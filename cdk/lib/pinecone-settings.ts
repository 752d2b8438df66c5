/**
 * `PineconeSettings`: the Pinecone API key in Secrets Manager and the index host as a CloudFormation parameter.
 * Functions receive the secret's ARN, never its value, and read it at cold start with the role this construct grants.
 * @module
 */
import { CfnParameter, Validations } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/** The Pinecone key and index host. Namespaces are one per tenant (the pipeline names them after the tenant). */
export class PineconeSettings extends Construct {
  readonly apiKey: secretsmanager.Secret;
  readonly indexHost: CfnParameter;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.apiKey = new secretsmanager.Secret(this, 'ApiKey', {
      description:
        'Pinecone API key of the RA-BLIP index. Created with a random placeholder: put the real key with ' +
        '`aws secretsmanager put-secret-value` (docs/deploy.md).',
      generateSecretString: { passwordLength: 32, excludePunctuation: true },
    });
    Validations.of(this.apiKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'A third-party key issued by Pinecone: Secrets Manager cannot rotate it without a Pinecone admin API rotation function. It is rotated by hand in the Pinecone console and put with put-secret-value (docs/deploy.md).',
    });
    // A parameter, not context: the index is created outside the stack (its dimension comes from the bundle) and
    // its host is only known after that.
    this.indexHost = new CfnParameter(scope, 'PineconeIndexHost', {
      type: 'String',
      description: 'Data-plane URL of the Pinecone index, e.g. https://ra-blip-abc123.svc.aped-4627-b74a.pinecone.io',
      allowedPattern: '^https://[A-Za-z0-9.-]+(:[0-9]+)?/?$',
      constraintDescription: 'an https:// URL of the index host',
    });
  }

  /** GetSecretValue (and DescribeSecret) on the Pinecone key only. */
  grantReadApiKey(grantee: iam.IGrantable): void {
    this.apiKey.grantRead(grantee);
  }
}
