/**
 * WebQA-format JSON (an object of samples keyed by guid, or an array of samples). Every fact, positive or negative,
 * becomes knowledge: `txt_*Facts` as text items, `img_*Facts` as image items whose image file `<image_id>.png|jpg|
 * jpeg|webp` lies beside the JSON or in `images/`. A fact that is malformed or whose image is missing is reported.
 * @module
 */
import { z } from 'zod';
import { AppError } from '../errors.js';
import { contentId, isKnowledgeId } from './content-id.js';
import type { DocumentContext, SiblingReader } from './document-context.js';
import { inspectImage } from './inspect-image.js';
import type { KnowledgeItem, ParsedDocument, RejectedEntry } from './knowledge-item.js';
import { describeZodError, MAX_CAPTION_CHARS, MAX_TEXT_CHARS } from './knowledge-line.js';

const FactId = z.union([z.string().min(1), z.number()]).transform(String);

const TextFactSchema = z.object({
  title: z.string().trim().optional(),
  fact: z.string().trim().min(1).max(MAX_TEXT_CHARS),
  snippet_id: FactId.optional(),
});

const ImageFactSchema = z.object({
  image_id: FactId,
  title: z.string().trim().optional(),
  caption: z.string().trim().min(1).max(MAX_CAPTION_CHARS),
});

const FACT_LISTS = ['txt_posFacts', 'txt_negFacts', 'img_posFacts', 'img_negFacts'] as const;
const SampleSchema = z.object(Object.fromEntries(FACT_LISTS.map((key) => [key, z.array(z.unknown()).optional()])));
const IMAGE_EXTENSIONS = ['png', 'jpg', 'jpeg', 'webp'];

function samplesOf(document: unknown): unknown[] {
  if (Array.isArray(document)) return document;
  if (typeof document === 'object' && document !== null) return Object.values(document);
  return [];
}

async function findImage(imageId: string, readSibling: SiblingReader): Promise<Uint8Array | undefined> {
  for (const folder of ['', 'images/']) {
    for (const extension of IMAGE_EXTENSIONS) {
      const bytes = await readSibling(`${folder}${imageId}.${extension}`);
      if (bytes !== undefined) return bytes;
    }
  }
  return undefined;
}

function textItem(fact: unknown, source: string): KnowledgeItem | string {
  const parsed = TextFactSchema.safeParse(fact);
  if (!parsed.success) return describeZodError(parsed.error);
  const { title, fact: body, snippet_id: snippetId } = parsed.data;
  const text = title ? `${title}: ${body}` : body;
  const id = snippetId !== undefined && isKnowledgeId(snippetId) ? snippetId : contentId({ kind: 'text', text });
  return { kind: 'text', id, text, source, ...(title && { title }) };
}

async function imageItem(fact: unknown, source: string, context: DocumentContext): Promise<KnowledgeItem | string> {
  const parsed = ImageFactSchema.safeParse(fact);
  if (!parsed.success) return describeZodError(parsed.error);
  const { image_id: imageId, title, caption } = parsed.data;
  if (context.readSibling === undefined) return 'image facts need the image files beside the JSON';
  if (!/^[A-Za-z0-9._-]+$/.test(imageId)) return `image_id "${imageId}" is not a file name`;
  const image = await findImage(imageId, context.readSibling);
  if (image === undefined) return `image ${imageId} not found (looked for ${imageId}.png|jpg|jpeg|webp, images/…)`;
  try {
    const header = inspectImage(image, context.imageLimits);
    const id = isKnowledgeId(imageId) ? imageId : contentId({ kind: 'image', image, caption });
    return { kind: 'image', id, image, format: header.format, caption, source, ...(title && { title }) };
  } catch (error) {
    if (error instanceof AppError) return `image ${imageId}: ${error.message}`;
    throw error;
  }
}

/**
 * Parses a WebQA-format JSON document into knowledge items, deduplicated by id (WebQA repeats facts across samples).
 * @throws AppError `invalid_knowledge` when the file is not JSON or holds no WebQA samples.
 */
export async function parseWebqa(text: string, source: string, context: DocumentContext): Promise<ParsedDocument> {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new AppError('invalid_knowledge', `${source} is not JSON: ${(error as Error).message}`);
  }
  const samples = samplesOf(document).map((sample) => SampleSchema.safeParse(sample));
  if (samples.length === 0 || !samples.some((s) => s.success && FACT_LISTS.some((key) => s.data[key]))) {
    throw new AppError('invalid_knowledge', `${source} holds no WebQA samples (txt_posFacts, img_posFacts, …)`);
  }
  const items = new Map<string, KnowledgeItem>();
  const rejected: RejectedEntry[] = [];
  for (const [sampleIndex, sample] of samples.entries()) {
    if (!sample.success) {
      rejected.push({ where: `sample ${sampleIndex + 1}`, reason: describeZodError(sample.error) });
      continue;
    }
    for (const key of FACT_LISTS) {
      for (const [factIndex, fact] of (sample.data[key] ?? []).entries()) {
        const item = key.startsWith('img') ? await imageItem(fact, source, context) : textItem(fact, source);
        if (typeof item === 'string')
          rejected.push({ where: `sample ${sampleIndex + 1} ${key}[${factIndex}]`, reason: item });
        else if (!items.has(item.id)) items.set(item.id, item);
      }
    }
  }
  return { source, items: [...items.values()], rejected };
}
