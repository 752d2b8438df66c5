import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3BlobStore } from '../../../src/adapters/blob-store-s3.js';
import { describeBlobStoreContract } from '../../support/contracts/blob-store-contract.js';
import { startS3rver, type S3rverPeer } from '../../support/s3rver-peer.js';

let peer: S3rverPeer;
let store: S3BlobStore;

beforeAll(async () => {
  peer = await startS3rver();
  store = new S3BlobStore({ bucket: peer.bucket, clientConfig: peer.clientConfig });
});

afterAll(async () => {
  store.destroy();
  await peer.stop();
});

describeBlobStoreContract('S3 (@aws-sdk/client-s3 against s3rver)', () => store);

describe('S3BlobStore against s3rver', () => {
  it('stores the content type with the object', async () => {
    await store.put('tenant/images/flag.png', Uint8Array.from([137, 80, 78, 71]), 'image/png');
    const client = new S3Client({ ...peer.clientConfig });
    const head = await client.send(new HeadObjectCommand({ Bucket: peer.bucket, Key: 'tenant/images/flag.png' }));
    client.destroy();
    expect(head).toMatchObject({ ContentType: 'image/png', ContentLength: 4 });
  });

  it('reports a missing bucket as backend_unavailable, not not_found', async () => {
    const wrongBucket = new S3BlobStore({ bucket: 'no-such-bucket', clientConfig: peer.clientConfig });
    await expect(wrongBucket.get('tenant/x.bin')).rejects.toMatchObject({ code: 'backend_unavailable' });
    await expect(
      wrongBucket.put('tenant/x.bin', Uint8Array.from([1]), 'application/octet-stream'),
    ).rejects.toMatchObject({
      code: 'backend_unavailable',
    });
    wrongBucket.destroy();
  });

  it('reports an unreachable endpoint as backend_unavailable', async () => {
    const offline = new S3BlobStore({
      bucket: peer.bucket,
      clientConfig: { ...peer.clientConfig, endpoint: 'http://127.0.0.1:9', maxAttempts: 1 },
    });
    await expect(offline.get('tenant/x.bin')).rejects.toMatchObject({ code: 'backend_unavailable' });
    offline.destroy();
  });
});
