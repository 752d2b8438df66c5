/**
 * Content-addressed knowledge ids: the same content always gets the same id, so ingesting an object twice
 * overwrites instead of duplicating.
 * @module
 */
import { createHash } from 'node:crypto';

/**
 * Ids the caller may choose: URL- and key-safe (no slash), at most 128 characters.
 * Pinecone allows 512; the blob keys and the `/v1/knowledge/{id}` route want less.
 */
export const KNOWLEDGE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;

/** Hex characters of SHA-256 kept in an id: 128 bits, collision-free for any realistic knowledge base. */
const ID_HEX_CHARS = 32;

/** The content that determines an item's id. */
export type IdentifiedContent =
  | { readonly kind: 'image'; readonly image: Uint8Array; readonly caption: string }
  | { readonly kind: 'text'; readonly text: string };

/** Whitespace and Unicode normalisation, so that a re-wrapped passage keeps its id. */
export function normaliseText(text: string): string {
  return text.normalize('NFC').replace(/\s+/g, ' ').trim();
}

/**
 * The content id of an item: `img-<hash of caption and image bytes>` or `txt-<hash of the normalised text>`.
 * @example contentId({ kind: 'text', text: 'Paris is the capital of France.' }) // 'txt-3f0c…'
 */
export function contentId(content: IdentifiedContent): string {
  const hash = createHash('sha256');
  if (content.kind === 'image') {
    hash.update('image\0').update(normaliseText(content.caption)).update('\0').update(content.image);
    return `img-${hash.digest('hex').slice(0, ID_HEX_CHARS)}`;
  }
  hash.update('text\0').update(normaliseText(content.text));
  return `txt-${hash.digest('hex').slice(0, ID_HEX_CHARS)}`;
}

/** True when `id` may be used as a knowledge id. */
export function isKnowledgeId(id: string): boolean {
  return KNOWLEDGE_ID_PATTERN.test(id);
}
