/**
 * Everything the question generators read, loaded once from a built knowledge base: entities and their item ids,
 * knowledge and attribute records, held-out entities, the entity split, and images too ambiguous to ask about.
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { findImageTwins } from './image-twins.js';
import { readJsonl } from './jsonl-file.js';
import {
  attributeRecordSchema,
  entityRecordSchema,
  knowledgeRecordSchema,
  pretrainRecordSchema,
  type AttributeRecord,
  type EntityRecord,
  type KnowledgeRecord,
} from './kb-records.js';
import type { Split } from './question-record.js';
import { hashToUnit, SeededRandom } from './seeded-random.js';

/** Fractions of entities in train and dev; the rest is test. */
export const splitFractions = { train: 0.7, dev: 0.1 } as const;

/** Smallest share of the model image a silhouette must cover to be asked about (tiny islands are dots). */
const minShapeCoverage = 0.02;

const heldOutSchema = z.object({ entity: z.string(), name: z.string(), reason: z.string() });

/** An image the knowledge base holds nothing about: `key` splits it like an entity, `image` is relative to the KB. */
export interface UnknownImage {
  readonly key: string;
  readonly image: string;
}

/** The loaded knowledge base plus the builder's seeded decisions. */
export interface QuestionContext {
  readonly kbDir: string;
  readonly seed: number;
  readonly entities: readonly EntityRecord[];
  readonly entityByKey: ReadonlyMap<string, EntityRecord>;
  readonly knowledgeById: ReadonlyMap<string, KnowledgeRecord>;
  readonly attributesById: ReadonlyMap<string, AttributeRecord>;
  /** Real emoji known to emojibase but absent from the knowledge base. */
  readonly heldOut: readonly z.infer<typeof heldOutSchema>[];
  /** Image ids that must not be shown in a "which one is this?" question. */
  readonly ambiguousImages: ReadonlySet<string>;
  /** Images of nothing in the knowledge base (the pre-training icons): questions about them must be abstained on. */
  readonly unknownImages: readonly UnknownImage[];
}

const splitMemo = new Map<string, Split>();

/** The split of an entity: a seeded hash of its key, so it never depends on which other entities exist. Memoised. */
export function assignSplit(seed: number, entityKey: string): Split {
  const memoKey = `split:${seed}:${entityKey}`;
  const known = splitMemo.get(memoKey);
  if (known) return known;
  const u = hashToUnit(memoKey);
  const split: Split =
    u < splitFractions.train ? 'train' : u < splitFractions.train + splitFractions.dev ? 'dev' : 'test';
  splitMemo.set(memoKey, split);
  return split;
}

/** Entities grouped by split, each group in the input order. */
export function groupBySplit(ctx: QuestionContext, entities: readonly EntityRecord[]): Map<Split, EntityRecord[]> {
  const groups = new Map<Split, EntityRecord[]>([
    ['train', []],
    ['dev', []],
    ['test', []],
  ]);
  for (const e of entities) groups.get(assignSplit(ctx.seed, e.entity))?.push(e);
  return groups;
}

/** A seeded generator for one decision, e.g. `random(ctx, 'negatives', qkey)`. */
export function randomFor(ctx: QuestionContext, ...key: readonly string[]): SeededRandom {
  return new SeededRandom([String(ctx.seed), ...key].join('\u0000'));
}

/** The id of an entity's item in a role (`flag`, `shape`, `emoji`, or a facet such as `capital`). */
export function findItemId(ctx: QuestionContext, entityKey: string, role: string): string | undefined {
  return ctx.entityByKey.get(entityKey)?.items[role];
}

/** The display name of an entity. */
export function nameEntity(ctx: QuestionContext, entityKey: string): string {
  return ctx.entityByKey.get(entityKey)?.name ?? entityKey;
}

/** Loads a knowledge base built by `build-kb.ts`. */
export async function loadQuestionContext(kbDir: string, seed: number): Promise<QuestionContext> {
  const entities = readJsonl(join(kbDir, 'entities.jsonl'), entityRecordSchema);
  const knowledge = readJsonl(join(kbDir, 'knowledge.jsonl'), knowledgeRecordSchema);
  const attributes = readJsonl(join(kbDir, 'attributes.jsonl'), attributeRecordSchema);
  const manifest = z
    .object({ held_out_entities: z.array(heldOutSchema) })
    .parse(JSON.parse(readFileSync(join(kbDir, 'manifest.json'), 'utf8')));
  const attributesById = new Map(attributes.map((a) => [a.id, a]));
  const pretrainPath = join(kbDir, 'pretrain.jsonl');
  const unknownImages = (existsSync(pretrainPath) ? readJsonl(pretrainPath, pretrainRecordSchema) : [])
    .filter((p) => p.source === 'icons')
    .map((p) => ({ key: `icon/${p.id}`, image: p.image }));
  const subgroupOf = new Map(entities.map((e) => [e.entity, e.facts.subgroup ?? '']));
  const images = knowledge.filter((k) => k.modality === 'image' && k.image !== undefined);
  const twins = await findImageTwins(
    kbDir,
    images.map((k) => ({
      id: k.id,
      group: k.kind === 'emoji' ? `emoji:${subgroupOf.get(k.entity) ?? ''}` : k.kind,
      image: k.image as string,
    })),
  );
  const tooSmall = images.filter(
    (k) => k.kind === 'shape' && (attributesById.get(k.id)?.coverage ?? 0) < minShapeCoverage,
  );
  return {
    kbDir,
    seed,
    entities,
    entityByKey: new Map(entities.map((e) => [e.entity, e])),
    knowledgeById: new Map(knowledge.map((k) => [k.id, k])),
    attributesById,
    heldOut: manifest.held_out_entities,
    ambiguousImages: new Set([...twins, ...tooSmall.map((k) => k.id)]),
    unknownImages,
  };
}
