/**
 * `npm run kb:build [-- --out build/kb] [--limit N] [--select KEYS] [--skip-icons] [--skip-questions]`: builds the
 * knowledge base from npm packages (countries, emoji, icons), then the benchmark questions. Progress goes to stderr;
 * re-runs skip unchanged renders (content-hash cache) and rewrite identical files.
 * @module
 */
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { assembleRecords, type KbRecords } from './assemble-records.js';
import { buildQuestions } from './build-questions.js';
import { loadCountries } from './country-source.js';
import { writeDemoSubset } from './demo-subset.js';
import { loadEmoji } from './emoji-source.js';
import { loadIcons } from './icon-source.js';
import { writeJsonl } from './jsonl-file.js';
import type { EntitySelection } from './kb-drafts.js';
import { buildKbManifest } from './kb-manifest.js';
import { parseKbOptions, type KbOptions } from './kb-options.js';
import { RenderCache } from './render-cache.js';
import { renderImageDrafts } from './render-images.js';

/** What a build produced, for callers and the final log line. */
export interface KbBuildSummary {
  readonly outDir: string;
  readonly knowledge: number;
  readonly images: number;
  readonly pretrain: number;
  readonly demoItems: number;
  readonly elapsedMs: number;
}

/** Writes one progress line to stderr (the CLI's logger). */
function logToStderr(message: string): void {
  process.stderr.write(`[kb] ${message}\n`);
}

function removeUnreferencedFiles(outDir: string, records: KbRecords): number {
  const referenced = new Set(records.pretrain.map((p) => p.image));
  for (const k of records.knowledge) if (k.display) referenced.add(k.display);
  let removed = 0;
  for (const folder of ['images', 'display', 'pretrain-images']) {
    const dir = join(outDir, folder);
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir)) {
      if (referenced.has(`${folder}/${file}`)) continue;
      rmSync(join(dir, file));
      removed += 1;
    }
  }
  return removed;
}

/**
 * Builds the knowledge base into `options.out` (everything but the questions).
 * @param log receives progress lines. @default silent
 */
export async function buildKnowledgeBase(
  options: KbOptions,
  log: (message: string) => void = () => undefined,
): Promise<KbBuildSummary> {
  const started = Date.now();
  const outDir = resolve(options.out);
  mkdirSync(outDir, { recursive: true });
  // One libvips thread per operation: the pool supplies the parallelism.
  sharp.concurrency(1);
  sharp.cache(false);
  const selection: EntitySelection = { limit: options.limit, keys: options.select };
  const countries = loadCountries(selection);
  const emoji = loadEmoji(selection);
  const icons = options.skipIcons ? [] : loadIcons(selection);
  const drafts = [...countries.images, ...emoji.images, ...icons];
  log(`sources: ${countries.entities.length} countries, ${emoji.entities.length} emoji, ${icons.length} icons`);
  const cache = RenderCache.open(join(outDir, '.cache', 'renders.json'));
  let lastReport = 0;
  const rendered = await renderImageDrafts(drafts, {
    outDir,
    cache,
    concurrency: options.concurrency,
    onProgress: (done, total) => {
      if (done === total || Date.now() - lastReport > 2000) {
        lastReport = Date.now();
        log(`images ${done}/${total}`);
      }
    },
  });
  cache.save();
  const records = assembleRecords(
    rendered,
    [...countries.texts, ...emoji.texts],
    [...countries.entities, ...emoji.entities],
  );
  writeJsonl(join(outDir, 'knowledge.jsonl'), records.knowledge);
  writeJsonl(join(outDir, 'attributes.jsonl'), records.attributes);
  writeJsonl(join(outDir, 'pretrain.jsonl'), records.pretrain);
  writeJsonl(join(outDir, 'entities.jsonl'), records.entities);
  writeFileSync(join(outDir, 'manifest.json'), JSON.stringify(buildKbManifest(records, emoji.heldOut), null, 2) + '\n');
  const removed = removeUnreferencedFiles(outDir, records);
  const demo = writeDemoSubset(outDir, records);
  const summary: KbBuildSummary = {
    outDir,
    knowledge: records.knowledge.length,
    images: rendered.length,
    pretrain: records.pretrain.length,
    demoItems: demo.items,
    elapsedMs: Date.now() - started,
  };
  log(
    `knowledge ${summary.knowledge} items, ${summary.pretrain} pre-training pairs, demo ${demo.items} items ` +
      `(${demo.entities} entities), ${removed} stale files removed, ${summary.elapsedMs} ms`,
  );
  return summary;
}

async function main(argv: readonly string[]): Promise<void> {
  const options = parseKbOptions(argv);
  await buildKnowledgeBase(options, logToStderr);
  if (!options.skipQuestions) await buildQuestions({ kbDir: options.out, seed: options.seed, log: logToStderr });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`[kb] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}
