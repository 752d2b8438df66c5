/**
 * The demo knowledge base (`<out>/demo/`): 40 well-known countries and 100 emoji (the first emoji by code point of
 * each group, in turn), with their knowledge items and images. It is what the local stack ingests on first start:
 * about 540 items embed in seconds, where the full knowledge base takes minutes on two cores.
 * @module
 */
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { KbRecords } from './assemble-records.js';
import { writeJsonl } from './jsonl-file.js';
import type { KnowledgeRecord } from './kb-records.js';

/** Countries of the demo, by ISO 3166-1 alpha-3 code. */
export const demoCountryCodes: readonly string[] = [
  'ARG', 'AUS', 'AUT', 'BEL', 'BOL', 'BRA', 'CAN', 'CHE', 'CHL', 'CHN',
  'COL', 'DEU', 'EGY', 'ESP', 'FIN', 'FRA', 'GBR', 'GRC', 'IND', 'IRL',
  'ITA', 'JPN', 'KEN', 'KOR', 'MAR', 'MEX', 'NGA', 'NLD', 'NOR', 'NZL',
  'PER', 'POL', 'PRT', 'RUS', 'SWE', 'THA', 'TUR', 'USA', 'VNM', 'ZAF',
]; // prettier-ignore

/** Number of emoji in the demo. */
export const demoEmojiCount = 100;

function pickDemoEmoji(records: KbRecords): Set<string> {
  const byGroup = new Map<string, string[]>();
  for (const e of records.entities) {
    if (e.source !== 'emoji') continue;
    const group = e.facts.group ?? '';
    byGroup.set(group, [...(byGroup.get(group) ?? []), e.entity]);
  }
  const queues = [...byGroup.keys()].sort().map((g) => [...(byGroup.get(g) ?? [])].sort());
  const picked = new Set<string>();
  // Round-robin over groups so every group is represented.
  for (let round = 0; picked.size < demoEmojiCount && queues.some((q) => q.length > round); round += 1) {
    for (const queue of queues) {
      const next = queue[round];
      if (next !== undefined && picked.size < demoEmojiCount) picked.add(next);
    }
  }
  return picked;
}

/** Writes `<out>/demo/knowledge.jsonl` with its images; returns the number of items. */
export function writeDemoSubset(outDir: string, records: KbRecords): { items: number; entities: number } {
  const chosen = new Set([...demoCountryCodes.map((c) => `country/${c}`), ...pickDemoEmoji(records)]);
  const items: KnowledgeRecord[] = records.knowledge.filter((k) => chosen.has(k.entity));
  const demoDir = join(outDir, 'demo');
  rmSync(demoDir, { recursive: true, force: true });
  mkdirSync(join(demoDir, 'images'), { recursive: true });
  mkdirSync(join(demoDir, 'display'), { recursive: true });
  for (const item of items) {
    for (const file of [item.image, item.display]) if (file) copyFileSync(join(outDir, file), join(demoDir, file));
  }
  writeJsonl(join(demoDir, 'knowledge.jsonl'), items);
  return { items: items.length, entities: new Set(items.map((k) => k.entity)).size };
}
