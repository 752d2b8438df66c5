/**
 * S3 event notifications as they arrive in an SQS message body. Keys come URL-encoded in the form style
 * (`red+flower.png` for "red flower.png") and are decoded here, once.
 * @module
 */
import { z } from 'zod';

/** One object an S3 notification names. */
export interface S3ObjectEvent {
  readonly bucket: string;
  /** The decoded object key. */
  readonly key: string;
  readonly size?: number;
  readonly isRemoval: boolean;
}

const S3RecordSchema = z.object({
  eventName: z.string(),
  s3: z.object({
    bucket: z.object({ name: z.string().min(1) }),
    object: z.object({ key: z.string().min(1), size: z.number().optional() }),
  }),
});

const NotificationSchema = z.union([
  z.object({ Records: z.array(S3RecordSchema) }),
  // Sent once when a notification is configured; carries no object.
  z.object({ Event: z.literal('s3:TestEvent') }),
]);

/** `decodeURIComponent` after turning the form encoding's `+` back into spaces. */
export function decodeS3Key(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

/**
 * The objects of an S3 notification (none for the test event).
 * @throws Error when the body is not an S3 notification; such a message ends in the dead-letter queue for a look.
 */
export function parseS3Notification(body: string): S3ObjectEvent[] {
  const parsed = NotificationSchema.parse(JSON.parse(body));
  if (!('Records' in parsed)) return [];
  return parsed.Records.map((record) => ({
    bucket: record.s3.bucket.name,
    key: decodeS3Key(record.s3.object.key),
    ...(record.s3.object.size !== undefined && { size: record.s3.object.size }),
    isRemoval: record.eventName.startsWith('ObjectRemoved'),
  }));
}
