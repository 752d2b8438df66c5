/**
 * cdk-nag is really attached by `createApp`: a resource that breaks an AwsSolutions rule fails synthesis. (The other
 * CDK tests show the real stack synthesises cleanly; this shows that "cleanly" means something.)
 */
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../cdk/lib/create-app.js';
import { removeTemporaryDirectories, temporaryDirectory, writeFixtureBundle } from './synth-stack.js';

afterAll(removeTemporaryDirectories);

describe('the cdk-nag plugin of createApp', () => {
  it('fails synthesis on an unacknowledged AwsSolutions finding', () => {
    const { app, stack } = createApp({
      outdir: temporaryDirectory('rablip-nag-'),
      context: { 'aws:cdk:bundling-stacks': [], bundleDir: writeFixtureBundle() },
    });
    // No dead-letter queue and no TLS-only policy: AwsSolutions-SQS3 and AwsSolutions-SQS4.
    new sqs.Queue(stack, 'UnguardedQueue');
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS3[\s\S]*UnguardedQueue|UnguardedQueue[\s\S]*AwsSolutions-SQS3/);
  });
});
