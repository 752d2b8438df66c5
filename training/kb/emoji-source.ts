/**
 * Emoji from npm `emojibase-data` (English labels, groups, subgroups, tags) joined by hexcode with the Twemoji SVGs
 * of `@twemoji/svg`. Left out on purpose: regional indicators and skin-tone/hair components (not standalone emoji),
 * and country and subdivision flags, which would duplicate the countries' own flag items and make gold sources
 * ambiguous. Emoji without a Twemoji image (the newest ones) are reported as held out of the knowledge base.
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import {
  selectEntityKeys,
  type EntityDraft,
  type EntitySelection,
  type ImageDraft,
  type SourceDrafts,
  type TextDraft,
} from './kb-drafts.js';
import { resolveInstalledPackage } from './package-dir.js';

const emojiSchema = z.object({
  label: z.string(),
  hexcode: z.string(),
  group: z.number().optional(),
  subgroup: z.number().optional(),
  tags: z.array(z.string()).default([]),
});
type Emoji = z.infer<typeof emojiSchema>;

const messagesSchema = z.object({
  groups: z.array(z.object({ key: z.string(), message: z.string(), order: z.number() })),
  subgroups: z.array(z.object({ key: z.string(), message: z.string(), order: z.number() })),
});

const excludedGroups = new Set(['component']);
const excludedSubgroups = new Set(['country-flag', 'subdivision-flag']);

/** An emoji known to emojibase that the knowledge base leaves out, and why. */
export interface HeldOutEntity {
  readonly entity: string;
  readonly name: string;
  readonly reason: string;
}

/** The emoji drafts plus the emoji held out of the knowledge base. */
export interface EmojiDrafts extends SourceDrafts {
  readonly heldOut: readonly HeldOutEntity[];
}

function findTwemojiFile(dir: string, hexcode: string): string | undefined {
  const lower = hexcode.toLowerCase();
  // Twemoji names files by code points without the FE0F variation selector, except where it is part of the name.
  const candidates = [lower, lower.replace(/-fe0f/g, ''), lower.replace(/-fe0f$/, '')];
  return candidates.map((c) => join(dir, `${c}.svg`)).find((path) => existsSync(path));
}

function describeEmoji(label: string, group: string, subgroup: string, tags: readonly string[]): string {
  const tagText = tags.length > 0 ? ` Its tags are ${tags.join(', ')}.` : '';
  return `The ${label} emoji belongs to the ${group} group, in the ${subgroup} subgroup.${tagText}`;
}

/** Loads the selected emoji with their images and category passages. */
export function loadEmoji(selection: EntitySelection): EmojiDrafts {
  const data = resolveInstalledPackage('emojibase-data');
  const twemoji = resolveInstalledPackage('@twemoji/svg');
  const all = z.array(emojiSchema).parse(JSON.parse(readFileSync(join(data.dir, 'en', 'data.json'), 'utf8')));
  const messages = messagesSchema.parse(JSON.parse(readFileSync(join(data.dir, 'en', 'messages.json'), 'utf8')));
  const groupByOrder = new Map(messages.groups.map((g) => [g.order, g]));
  const subgroupByOrder = new Map(messages.subgroups.map((g) => [g.order, g]));
  const byKey = new Map<string, { emoji: Emoji; group: string; subgroup: string }>();
  const heldOut: HeldOutEntity[] = [];
  for (const emoji of all) {
    const group = groupByOrder.get(emoji.group ?? -1);
    const subgroup = subgroupByOrder.get(emoji.subgroup ?? -1);
    if (!group || !subgroup || excludedGroups.has(group.key) || excludedSubgroups.has(subgroup.key)) continue;
    const key = `emoji/${emoji.hexcode}`;
    if (findTwemojiFile(twemoji.dir, emoji.hexcode) === undefined) {
      heldOut.push({ entity: key, name: emoji.label, reason: 'no Twemoji image' });
      continue;
    }
    byKey.set(key, { emoji, group: group.message, subgroup: subgroup.key.replace(/-/g, ' ') });
  }
  const entities: EntityDraft[] = [];
  const images: ImageDraft[] = [];
  const texts: TextDraft[] = [];
  for (const key of selectEntityKeys([...byKey.keys()].sort(), selection)) {
    const { emoji, group, subgroup } = byKey.get(key) as { emoji: Emoji; group: string; subgroup: string };
    const base = { entity: key, entityName: emoji.label, source: 'emoji' as const };
    entities.push({ entity: key, name: emoji.label, source: 'emoji', facts: { group, subgroup, tags: emoji.tags } });
    const svg = readFileSync(findTwemojiFile(twemoji.dir, emoji.hexcode) as string);
    images.push({ ...base, kind: 'emoji', caption: `Emoji: ${emoji.label}`, svg, isColourMeasured: true });
    const text = describeEmoji(emoji.label, group, subgroup, emoji.tags);
    texts.push({ ...base, facet: 'category', title: `${emoji.label} emoji`, text });
  }
  heldOut.sort((x, y) => x.entity.localeCompare(y.entity));
  return { entities, images, texts, heldOut };
}
