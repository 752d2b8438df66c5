/**
 * The record shapes of the built knowledge base (`build/kb/`), as zod schemas: the training code, the evaluation and
 * the local stack read these files, so each line is validated against its schema before it is written. JSON keys are
 * snake_case because Python reads the same files.
 * @module
 */
import { z } from 'zod';

/** Where an entity comes from. */
export const kbSourceSchema = z.enum(['countries', 'emoji']);
export type KbSource = z.infer<typeof kbSourceSchema>;

/** Which fact a text item states. `category` is the emoji's group, subgroup and tags. */
export const factFacetSchema = z.enum([
  'capital',
  'location',
  'languages',
  'currencies',
  'borders',
  'area',
  'landlocked',
  'category',
]);
export type FactFacet = z.infer<typeof factFacetSchema>;

const contentIdSchema = z.string().regex(/^[0-9a-f]{16}$/);

/** One line of `knowledge.jsonl`: an image with its caption, or a text passage. */
export const knowledgeRecordSchema = z
  .object({
    id: contentIdSchema,
    /** Stable entity key: `country/PER`, `emoji/1F680`. */
    entity: z.string().min(1),
    entity_name: z.string().min(1),
    source: kbSourceSchema,
    modality: z.enum(['image', 'text']),
    kind: z.enum(['flag', 'shape', 'emoji', 'fact']),
    facet: factFacetSchema.optional(),
    /** Model-input PNG (image size × image size, RGB), relative to the knowledge file. */
    image: z.string().optional(),
    /** 192 px PNG for people, relative to the knowledge file. */
    display: z.string().optional(),
    caption: z.string().optional(),
    title: z.string().optional(),
    text: z.string().optional(),
  })
  .strict()
  .refine((r) => (r.modality === 'image' ? !!r.image && !!r.caption : !!r.text && !!r.facet), {
    message: 'an image item needs image and caption; a text item needs text and facet',
  });
export type KnowledgeRecord = z.infer<typeof knowledgeRecordSchema>;

/** One line of `attributes.jsonl`: what only the pixels of an image item show. Never part of any caption or text. */
export const attributeRecordSchema = z
  .object({
    id: contentIdSchema,
    entity: z.string(),
    entity_name: z.string(),
    kind: z.enum(['flag', 'shape', 'emoji']),
    /** Colour names that count (see docs/data.md), largest share first. */
    colours: z.array(z.string()),
    /** Share (0–1) of the image's opaque area per colour name, every measured colour, rounded to 4 decimals. */
    shares: z.record(z.string(), z.number()),
    /** Fraction (0–1) of the square model image that the picture (not the white padding) covers. */
    coverage: z.number(),
  })
  .strict();
export type AttributeRecord = z.infer<typeof attributeRecordSchema>;

/** One line of `pretrain.jsonl`: an image-caption pair for image-text pre-training (knowledge images and icons). */
export const pretrainRecordSchema = z
  .object({
    id: contentIdSchema,
    source: z.enum(['countries', 'emoji', 'icons']),
    kind: z.enum(['flag', 'shape', 'emoji', 'icon']),
    image: z.string(),
    caption: z.string(),
  })
  .strict();
export type PretrainRecord = z.infer<typeof pretrainRecordSchema>;

/** Facts of one entity, as the question builder needs them (`entities.jsonl`). `items` maps a role to a knowledge id. */
export const entityRecordSchema = z
  .object({
    entity: z.string(),
    name: z.string(),
    source: kbSourceSchema,
    items: z.record(z.string(), contentIdSchema),
    facts: z
      .object({
        capitals: z.array(z.string()).optional(),
        region: z.string().optional(),
        subregion: z.string().optional(),
        languages: z.array(z.string()).optional(),
        currencies: z.array(z.string()).optional(),
        borders: z.array(z.string()).optional(),
        area_km2: z.number().optional(),
        landlocked: z.boolean().optional(),
        group: z.string().optional(),
        subgroup: z.string().optional(),
        tags: z.array(z.string()).optional(),
      })
      .strict(),
  })
  .strict();
export type EntityRecord = z.infer<typeof entityRecordSchema>;
