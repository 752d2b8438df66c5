// Stands in for the native modules (onnxruntime-node, sharp, better-sqlite3, usearch) in the Lambda bundles.
// The functions use the AWS backends (SageMaker, Pinecone, DynamoDB, S3); the embedded backends that need these
// modules are only imported when configured, so this file is only evaluated if a function is misconfigured with
// one of them. It is CommonJS so that any named import from it bundles.
'use strict';
throw new Error(
  'native modules (onnxruntime-node, sharp, better-sqlite3, usearch) are not bundled into the Lambda functions: ' +
    'use RABLIP_MODEL_BACKEND=sagemaker, RABLIP_INDEX_BACKEND=pinecone, RABLIP_STATE_BACKEND=dynamodb and RABLIP_BLOB_BACKEND=s3',
);
