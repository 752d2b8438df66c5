/**
 * The S3 `BlobStore`, over `@aws-sdk/client-s3`.
 * @module
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { NotFoundError } from '../core/errors.js';
import type { BlobStore } from '../core/ports.js';
import { awsErrorName, translateAwsError } from './aws-error.js';
import { parseBlobKey } from './blob-key.js';

/** Options of `S3BlobStore`. */
export interface S3BlobStoreOptions {
  readonly bucket: string;
  /**
   * Client settings (region, endpoint, credentials, `forcePathStyle`). The checksum settings are always
   * `WHEN_REQUIRED`, whatever is passed here. @default {} (the SDK's own resolution of region and credentials)
   */
  readonly clientConfig?: S3ClientConfig;
}

/** Blobs as objects in one bucket; the key is the object key, and the content type is stored with the object. */
export class S3BlobStore implements BlobStore {
  private readonly client: S3Client;
  private readonly bucket: string;

  constructor(options: S3BlobStoreOptions) {
    this.bucket = options.bucket;
    this.client = new S3Client({
      ...options.clientConfig,
      // The default (WHEN_SUPPORTED) frames bodies as aws-chunked with a trailing checksum; S3-compatible stores such
      // as s3rver then store the framing with the bytes. See ../shared/notes/feasibility.md §3.5.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async put(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
    parseBlobKey(key);
    try {
      await this.client.send(
        new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: bytes, ContentType: contentType }),
      );
    } catch (error) {
      throw translateAwsError(error, `S3 put ${key}`);
    }
  }

  async get(key: string): Promise<Uint8Array> {
    parseBlobKey(key);
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!response.Body) throw new NotFoundError(`S3 object ${key} has no body`);
      return await response.Body.transformToByteArray();
    } catch (error) {
      if (awsErrorName(error) === 'NoSuchKey') throw new NotFoundError(`no blob at ${key}`, { cause: error });
      throw translateAwsError(error, `S3 get ${key}`);
    }
  }

  async delete(key: string): Promise<void> {
    parseBlobKey(key);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (error) {
      throw translateAwsError(error, `S3 delete ${key}`);
    }
  }

  /** Closes the client's sockets (tests, and shutdown of long-lived processes). */
  destroy(): void {
    this.client.destroy();
  }
}
