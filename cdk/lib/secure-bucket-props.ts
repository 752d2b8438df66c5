/**
 * The settings every bucket of the stack shares: S3-managed encryption, all public access blocked, TLS-only access
 * (a bucket policy denying `aws:SecureTransport = false`), owner-enforced object ownership, retained on stack deletion.
 * @module
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';

/** Options of `secureBucketProps`. */
export interface SecureBucketOptions {
  /** Keep object versions (knowledge documents: a bad upload can be rolled back). */
  readonly versioned: boolean;
  /** Where S3 server access logs go; absent only for the access-log bucket itself. */
  readonly accessLogs?: { readonly bucket: s3.IBucket; readonly prefix: string };
}

/**
 * Bucket props with the shared security settings. S3-managed keys (SSE-S3) rather than KMS: the readers are the
 * stack's own roles, and SSE-S3 needs no key policy for S3 event notifications or per-request KMS charges.
 */
export function secureBucketProps(options: SecureBucketOptions): s3.BucketProps {
  return {
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    versioned: options.versioned,
    removalPolicy: RemovalPolicy.RETAIN,
    ...(options.accessLogs && {
      serverAccessLogsBucket: options.accessLogs.bucket,
      serverAccessLogsPrefix: options.accessLogs.prefix,
    }),
    ...(options.versioned && {
      // Old versions are kept for rollback for 30 days, then expire, so deleted knowledge does not cost forever.
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30) }],
    }),
  };
}
