/**
 * `BlobBucket`: the `BlobStore` of the deployment (knowledge images, cached ViT features, document manifests, item
 * attributes, all under `tenants/<tenant>/`). Derived data, rebuilt by re-ingesting, so it is not versioned.
 * @module
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgeOnGrantee, arnFindingToken } from './acknowledge-finding.js';
import { secureBucketProps } from './secure-bucket-props.js';

/** Every key the pipeline writes starts with this (`src/core/pipeline/blob-keys.ts`). */
export const BLOB_KEY_PREFIX = 'tenants/';

/** Options of `BlobBucket`. */
export interface BlobBucketProps {
  readonly accessLogs: s3.IBucket;
}

/** The blob bucket and the object-level grants of its users. */
export class BlobBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: BlobBucketProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...secureBucketProps({ versioned: false, accessLogs: { bucket: props.accessLogs, prefix: 'blobs/' } }),
    });
  }

  /** GetObject, PutObject and DeleteObject under `tenants/`; no listing, no bucket-level actions. */
  grantReadWrite(grantee: iam.IGrantable): void {
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
      resourceArns: [this.bucket.arnForObjects(`${BLOB_KEY_PREFIX}*`)],
    });
    acknowledgeOnGrantee(
      grantee,
      `AwsSolutions-IAM5[Resource::${arnFindingToken(this.bucket)}/${BLOB_KEY_PREFIX}*]`,
      'Object-level S3 actions need an object ARN pattern: the keys are per tenant and per item (tenants/<tenant>/...), so the grant is limited to the tenants/ prefix of this one bucket.',
    );
  }
}
