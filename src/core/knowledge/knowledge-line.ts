/**
 * One knowledge record as written in a JSONL knowledge file or sent to `POST /v1/knowledge`:
 * `{id?, title?, text?, image?, caption?, metadata?}`, either a text passage or an image with its caption.
 * @module
 */
import { z } from 'zod';
import { AppError } from '../errors.js';
import { contentId, KNOWLEDGE_ID_PATTERN } from './content-id.js';
import type { DocumentContext } from './document-context.js';
import { inspectImage } from './inspect-image.js';
import type { KnowledgeItem } from './knowledge-item.js';
import { resolveImageReference } from './resolve-image-reference.js';

/** Longest text item; the model truncates references anyway, and Pinecone caps a record's metadata at 40 KB. */
export const MAX_TEXT_CHARS = 8_000;
export const MAX_CAPTION_CHARS = 2_000;
export const MAX_TITLE_CHARS = 300;

/** The shape of one knowledge record; unknown keys are dropped. */
export const KnowledgeLineSchema = z
  .object({
    id: z
      .string()
      .regex(KNOWLEDGE_ID_PATTERN, 'id must be 1-128 characters of letters, digits and . _ : @ - (no slash)')
      .optional(),
    title: z.string().trim().min(1).max(MAX_TITLE_CHARS).optional(),
    text: z.string().trim().min(1).max(MAX_TEXT_CHARS).optional(),
    image: z.string().min(1).optional(),
    caption: z.string().trim().min(1).max(MAX_CAPTION_CHARS).optional(),
    metadata: z.record(z.string().max(64), z.union([z.string().max(1_000), z.number(), z.boolean()])).optional(),
  })
  .refine((line) => (line.text === undefined) !== (line.image === undefined), {
    message: 'a record holds either "text" or "image" (with "caption"), not both and not neither',
  })
  .refine((line) => (line.image === undefined) === (line.caption === undefined), {
    message: '"caption" goes with "image", and an image needs a caption',
  });

export type KnowledgeLine = z.infer<typeof KnowledgeLineSchema>;

/** One-line summary of a zod failure, for rejected lines and 400 responses. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

/**
 * Turns a validated record into a knowledge item: resolves and checks the image, and picks the id
 * (the record's own, or the content hash).
 * @throws ImageReferenceError, InvalidImageError or AppError `payload_too_large` for a bad image.
 */
export async function buildKnowledgeItem(
  line: KnowledgeLine,
  source: string,
  context: Pick<DocumentContext, 'readSibling' | 'imageLimits'>,
): Promise<KnowledgeItem> {
  const common = {
    source,
    ...(line.title !== undefined && { title: line.title }),
    ...(line.metadata !== undefined && Object.keys(line.metadata).length > 0 && { attributes: line.metadata }),
  };
  if (line.text !== undefined) {
    return { kind: 'text', id: line.id ?? contentId({ kind: 'text', text: line.text }), text: line.text, ...common };
  }
  if (line.image === undefined || line.caption === undefined) {
    throw new AppError('invalid_knowledge', 'an image record needs "image" and "caption"');
  }
  const image = await resolveImageReference(line.image, context.readSibling);
  const header = inspectImage(image, context.imageLimits);
  const id = line.id ?? contentId({ kind: 'image', image, caption: line.caption });
  return { kind: 'image', id, image, format: header.format, caption: line.caption, ...common };
}
