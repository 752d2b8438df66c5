/**
 * Turns rendered images and text drafts into the records of `knowledge.jsonl`, `attributes.jsonl`,
 * `pretrain.jsonl` and `entities.jsonl`, in a fixed order: source, entity key, then flag, shape, emoji, then facts
 * in facet order.
 * @module
 */
import { computeContentId } from './content-id.js';
import { pickCountedColours } from './image-colours.js';
import type { EntityDraft, TextDraft } from './kb-drafts.js';
import {
  attributeRecordSchema,
  entityRecordSchema,
  factFacetSchema,
  knowledgeRecordSchema,
  pretrainRecordSchema,
  type AttributeRecord,
  type EntityRecord,
  type KnowledgeRecord,
  type PretrainRecord,
} from './kb-records.js';
import type { RenderedImage } from './render-images.js';

/** The four record sets of a knowledge base. */
export interface KbRecords {
  readonly knowledge: KnowledgeRecord[];
  readonly attributes: AttributeRecord[];
  readonly pretrain: PretrainRecord[];
  readonly entities: EntityRecord[];
}

const kindOrder = ['flag', 'shape', 'emoji', 'fact'];
const facetOrder: readonly string[] = factFacetSchema.options;

function compareKnowledge(x: KnowledgeRecord, y: KnowledgeRecord): number {
  return (
    x.source.localeCompare(y.source) ||
    x.entity.localeCompare(y.entity) ||
    kindOrder.indexOf(x.kind) - kindOrder.indexOf(y.kind) ||
    facetOrder.indexOf(x.facet ?? '') - facetOrder.indexOf(y.facet ?? '')
  );
}

function toImageRecord(r: RenderedImage): KnowledgeRecord {
  const { draft } = r;
  if (draft.source === 'icons' || draft.kind === 'icon') throw new Error('icons are not knowledge');
  return knowledgeRecordSchema.parse({
    id: r.id,
    entity: draft.entity,
    entity_name: draft.entityName,
    source: draft.source,
    modality: 'image',
    kind: draft.kind,
    image: r.image,
    display: r.display,
    caption: draft.caption,
  });
}

function toTextRecord(t: TextDraft): KnowledgeRecord {
  const id = computeContentId({ modality: 'text', kind: 'fact', entity: t.entity, content: t.text });
  return knowledgeRecordSchema.parse({
    id,
    entity: t.entity,
    entity_name: t.entityName,
    source: t.source,
    modality: 'text',
    kind: 'fact',
    facet: t.facet,
    title: t.title,
    text: t.text,
  });
}

/** Assembles and validates every record of the knowledge base. */
export function assembleRecords(
  images: readonly RenderedImage[],
  texts: readonly TextDraft[],
  entityDrafts: readonly EntityDraft[],
): KbRecords {
  const knowledgeImages = images.filter((r) => r.draft.kind !== 'icon');
  const knowledge = [...knowledgeImages.map(toImageRecord), ...texts.map(toTextRecord)].sort(compareKnowledge);
  const attributes = knowledgeImages
    .map((r) =>
      attributeRecordSchema.parse({
        id: r.id,
        entity: r.draft.entity,
        entity_name: r.draft.entityName,
        kind: r.draft.kind,
        colours: pickCountedColours(r.shares),
        shares: Object.fromEntries(r.shares.map((s) => [s.name, s.share])),
        coverage: r.coverage,
      }),
    )
    .sort((x, y) => x.entity.localeCompare(y.entity) || kindOrder.indexOf(x.kind) - kindOrder.indexOf(y.kind));
  const pretrain = images
    .map((r) =>
      pretrainRecordSchema.parse({
        id: r.id,
        source: r.draft.source,
        kind: r.draft.kind,
        image: r.image,
        caption: r.draft.caption,
      }),
    )
    .sort((x, y) => x.source.localeCompare(y.source) || x.image.localeCompare(y.image));
  const itemsByEntity = new Map<string, Record<string, string>>();
  for (const record of knowledge) {
    const items = itemsByEntity.get(record.entity) ?? {};
    items[record.facet ?? record.kind] = record.id;
    itemsByEntity.set(record.entity, items);
  }
  const entities = entityDrafts
    .map((e) => entityRecordSchema.parse({ ...e, items: itemsByEntity.get(e.entity) ?? {} }))
    .sort((x, y) => x.source.localeCompare(y.source) || x.entity.localeCompare(y.entity));
  return { knowledge, attributes, pretrain, entities };
}
