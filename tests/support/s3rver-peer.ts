/**
 * s3rver, a local S3, on 127.0.0.1 with an OS-chosen port, for integration tests of the real `@aws-sdk/client-s3`.
 * @module
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import S3rver from 's3rver';

export interface S3rverPeer {
  /** Client settings that reach this server (endpoint, path-style, the credentials s3rver accepts). */
  readonly clientConfig: S3ClientConfig;
  readonly bucket: string;
  stop(): Promise<void>;
}

/** Starts s3rver over a fresh temporary directory, with `bucket` created. */
export async function startS3rver(bucket = 'rablip-test'): Promise<S3rverPeer> {
  const directory = await mkdtemp(join(tmpdir(), 's3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  const { port } = await server.run();
  return {
    bucket,
    clientConfig: {
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${port}`,
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    },
    async stop() {
      // Keep-alive sockets from the SDK would hold close() open.
      server.httpServer?.closeAllConnections();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
