/**
 * Picks the parser for a document by its file name:
 * - `.jsonl`/`.ndjson`: knowledge records;
 * - `.json`: WebQA format;
 * - `.png`/`.jpg`/`.jpeg`/`.webp`: one image, captioned by the sidecar `x.caption.txt` or `x.txt`;
 * - `.txt`/`.md`/`.markdown`: passages, unless the file is the caption sidecar of an image beside it, in which case
 *   that image is (re)ingested, so image and caption may arrive in either order.
 * @module
 */
import { AppError } from '../errors.js';
import { contentId } from './content-id.js';
import type { DocumentContext, SiblingReader } from './document-context.js';
import { inspectImage } from './inspect-image.js';
import type { KnowledgeItem, ParsedDocument } from './knowledge-item.js';
import { parseKnowledgeJsonl } from './parse-knowledge-jsonl.js';
import { parseWebqa } from './parse-webqa.js';
import { splitPassages } from './split-passages.js';

/** A document to parse: its key (a path relative to the knowledge root) and its bytes. */
export interface DocumentInput {
  readonly key: string;
  readonly bytes: Uint8Array;
}

const IMAGE_EXTENSIONS = ['png', 'jpg', 'jpeg', 'webp'];

interface KeyParts {
  readonly folder: string;
  readonly stem: string;
  readonly extension: string;
}

function splitKey(key: string): KeyParts {
  const slash = key.lastIndexOf('/');
  const name = key.slice(slash + 1);
  const dot = name.lastIndexOf('.');
  return {
    folder: key.slice(0, slash + 1),
    stem: dot > 0 ? name.slice(0, dot) : name,
    extension: dot > 0 ? name.slice(dot + 1).toLowerCase() : '',
  };
}

function decodeUtf8(bytes: Uint8Array, key: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new AppError('invalid_knowledge', `${key} is not UTF-8 text`);
  }
}

function requireReader(context: DocumentContext): SiblingReader {
  if (context.readSibling === undefined) throw new Error('parseDocument needs a sibling reader');
  return context.readSibling;
}

async function parseImageDocument(key: string, bytes: Uint8Array, context: DocumentContext): Promise<ParsedDocument> {
  const { stem } = splitKey(key);
  const readSibling = requireReader(context);
  const captionBytes = (await readSibling(`${stem}.caption.txt`)) ?? (await readSibling(`${stem}.txt`));
  if (captionBytes === undefined) {
    throw new AppError('invalid_knowledge', `${key} has no caption: put ${stem}.txt or ${stem}.caption.txt beside it`);
  }
  const caption = decodeUtf8(captionBytes, `${stem}.txt`).trim();
  if (caption === '') throw new AppError('invalid_knowledge', `the caption of ${key} is empty`);
  const header = inspectImage(bytes, context.imageLimits);
  const item: KnowledgeItem = {
    kind: 'image',
    id: contentId({ kind: 'image', image: bytes, caption }),
    image: bytes,
    format: header.format,
    caption,
    title: stem,
    source: key,
  };
  return { source: key, items: [item], rejected: [] };
}

/** The image a caption sidecar belongs to, if it is one. */
async function findCaptionedImage(key: string, context: DocumentContext): Promise<DocumentInput | undefined> {
  const { folder, stem } = splitKey(key);
  const imageStem = stem.endsWith('.caption') ? stem.slice(0, -'.caption'.length) : stem;
  for (const extension of IMAGE_EXTENSIONS) {
    const bytes = await requireReader(context)(`${imageStem}.${extension}`);
    if (bytes !== undefined) return { key: `${folder}${imageStem}.${extension}`, bytes };
  }
  return undefined;
}

async function parseTextDocument(document: DocumentInput, context: DocumentContext): Promise<ParsedDocument> {
  const { key } = document;
  const image = await findCaptionedImage(key, context);
  if (image !== undefined) return parseImageDocument(image.key, image.bytes, context);
  if (key.endsWith('.caption.txt')) {
    return { source: key, items: [], rejected: [{ where: key, reason: 'caption sidecar without its image (yet)' }] };
  }
  const { stem, extension } = splitKey(key);
  const passages = splitPassages(decodeUtf8(document.bytes, key), {
    maxChars: context.passageMaxChars,
    defaultTitle: stem,
    isMarkdown: extension !== 'txt',
  });
  const items = new Map<string, KnowledgeItem>();
  for (const { title, text } of passages) {
    const id = contentId({ kind: 'text', text });
    if (!items.has(id)) items.set(id, { kind: 'text', id, text, title, source: key });
  }
  return { source: key, items: [...items.values()], rejected: [] };
}

/**
 * Parses one knowledge document into items.
 * @throws AppError `invalid_knowledge` for an unsupported file type, or a document that is unusable as a whole.
 */
export async function parseDocument(document: DocumentInput, context: DocumentContext): Promise<ParsedDocument> {
  const { key, bytes } = document;
  const { extension } = splitKey(key);
  switch (extension) {
    case 'jsonl':
    case 'ndjson':
      return parseKnowledgeJsonl(decodeUtf8(bytes, key), key, context);
    case 'json':
      return parseWebqa(decodeUtf8(bytes, key), key, context);
    case 'txt':
    case 'md':
    case 'markdown':
      return parseTextDocument(document, context);
    default:
      if (IMAGE_EXTENSIONS.includes(extension)) return parseImageDocument(key, bytes, context);
      throw new AppError(
        'invalid_knowledge',
        `${key}: unsupported file type; use .jsonl, .json (WebQA), .txt, .md, or an image with a caption file`,
      );
  }
}
