/**
 * Content ids: the first 16 hex digits (64 bits) of a SHA-256 over what an item *is*, so the same content always gets
 * the same id and changed content gets a new one. Run-to-run stable; independent of build order and `--limit`.
 * @module
 */
import { createHash } from 'node:crypto';

/** Hex SHA-256 of bytes or UTF-8 text. */
export function hashSha256(content: Uint8Array | string): string {
  return createHash('sha256').update(content).digest('hex');
}

/** What a knowledge or pre-training item's id is computed from. */
export interface ContentIdInput {
  readonly modality: 'image' | 'text';
  readonly kind: string;
  readonly entity: string;
  /** The caption of an image item or the passage of a text item. */
  readonly content: string;
  /** Hex SHA-256 of the model-input PNG bytes, for image items. */
  readonly imageSha256?: string;
}

/**
 * Computes a knowledge id: `sha256(modality \n kind \n entity \n content \n imageSha256)[:16]`. The entity is part of
 * the hash because identical flags (Norway, Svalbard and Jan Mayen, Bouvet Island) are distinct items.
 */
export function computeContentId(input: ContentIdInput): string {
  const parts = [input.modality, input.kind, input.entity, input.content, input.imageSha256 ?? ''];
  return hashSha256(parts.join('\n')).slice(0, 16);
}
