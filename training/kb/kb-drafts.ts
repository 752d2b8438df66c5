/**
 * What the sources hand to the builder before ids exist: image drafts (an SVG to render plus its caption), text
 * drafts (a passage) and entity drafts (structured facts for the question builder).
 * @module
 */
import type { EntityRecord, FactFacet, KbSource } from './kb-records.js';

/** An image to render. `kind: 'icon'` drafts are never knowledge items (pre-training, and unknown-image questions). */
export interface ImageDraft {
  readonly entity: string;
  readonly entityName: string;
  readonly source: KbSource | 'icons';
  readonly kind: 'flag' | 'shape' | 'emoji' | 'icon';
  readonly caption: string;
  readonly svg: Buffer;
  /** Whether to measure colour attributes (knowledge images; icons are never knowledge). */
  readonly isColourMeasured: boolean;
}

/** A text passage of one entity. */
export interface TextDraft {
  readonly entity: string;
  readonly entityName: string;
  readonly source: KbSource;
  readonly facet: FactFacet;
  readonly title: string;
  readonly text: string;
}

/** An entity's facts; its `items` are filled in once ids are known. */
export type EntityDraft = Omit<EntityRecord, 'items'>;

/** Everything one source contributes. */
export interface SourceDrafts {
  readonly entities: readonly EntityDraft[];
  readonly images: readonly ImageDraft[];
  readonly texts: readonly TextDraft[];
}

/** Which entities of a source to build. */
export interface EntitySelection {
  /** Keep only the first `limit` entities of each source, in key order. */
  readonly limit?: number;
  /** Keep only these entity keys (`country/JPN`, `emoji/1F680`); a source none of whose keys is named builds nothing. */
  readonly keys?: readonly string[];
}

/** Applies an {@link EntitySelection} to one source's entity keys (already sorted). */
export function selectEntityKeys(sortedKeys: readonly string[], selection: EntitySelection): string[] {
  const named = new Set(selection.keys ?? []);
  const chosen = selection.keys ? sortedKeys.filter((key) => named.has(key)) : [...sortedKeys];
  return selection.limit === undefined ? chosen : chosen.slice(0, selection.limit);
}
