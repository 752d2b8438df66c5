/**
 * Knowledge items as the parsers produce them, before embedding: the unit that gets one vector in the index.
 * @module
 */

/** Image formats accepted for knowledge images and question images. */
export type ImageFormat = 'png' | 'jpeg' | 'webp';

/** Flat, caller-supplied metadata of a knowledge item (the JSONL `metadata` field). */
export type ItemAttributes = Readonly<Record<string, string | number | boolean>>;

interface KnowledgeItemBase {
  /** Stable id: the caller's id when given, otherwise a content hash (see `contentId`). */
  readonly id: string;
  readonly title?: string;
  /** Where the item came from: the document key, or `upload:<job id>`. */
  readonly source: string;
  readonly attributes?: ItemAttributes;
}

/** An image with its caption. */
export interface ImageKnowledgeItem extends KnowledgeItemBase {
  readonly kind: 'image';
  readonly image: Uint8Array;
  readonly format: ImageFormat;
  readonly caption: string;
}

/** A passage of text. */
export interface TextKnowledgeItem extends KnowledgeItemBase {
  readonly kind: 'text';
  readonly text: string;
}

export type KnowledgeItem = ImageKnowledgeItem | TextKnowledgeItem;

/** A part of a document that was left out, and why (a JSONL line, a WebQA fact). */
export interface RejectedEntry {
  /** Where in the document, e.g. `line 7` or `fact d5bf…`. */
  readonly where: string;
  readonly reason: string;
}

/** What parsing one document gives: the items to ingest and the entries that were skipped. */
export interface ParsedDocument {
  /** The document the items came from; differs from the requested key when a caption sidecar names its image. */
  readonly source: string;
  readonly items: readonly KnowledgeItem[];
  readonly rejected: readonly RejectedEntry[];
}
