/**
 * Walks a knowledge folder and turns every file into the records `POST /v1/knowledge` takes, with the same parsers
 * the ingest pipeline uses (`src/core/knowledge/parse-document.ts`), so a folder uploaded by the CLI and a folder
 * dropped into `./knowledge` give the same items and ids. Image bytes become base64, since an upload cannot carry
 * file paths.
 * @module
 */
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { parseConfig } from '../src/core/config.js';
import { AppError } from '../src/core/errors.js';
import { parseDocument } from '../src/core/knowledge/parse-document.js';
import type { KnowledgeItem } from '../src/core/knowledge/knowledge-item.js';
import type { KnowledgeRecord } from '../web/api-client.js';

const KNOWLEDGE_FILE = /\.(?:jsonl|ndjson|json|txt|md|markdown|png|jpe?g|webp)$/i;

/** The API's default limits and passage length (`src/core/config.ts`), so the CLI splits and refuses as it does. */
const API_DEFAULTS = parseConfig({});

/** Limits the CLI applies before uploading; the API applies its own again. */
export interface CollectOptions {
  /** @default the API's `RABLIP_MAX_IMAGE_BYTES` default */
  readonly maxImageBytes?: number;
  /** @default the API's `RABLIP_MAX_IMAGE_PIXELS` default */
  readonly maxImagePixels?: number;
  /** Longest passage cut from a .txt/.md file. @default the API's `RABLIP_PASSAGE_MAX_CHARS` default */
  readonly passageMaxChars?: number;
}

export interface CollectedKnowledge {
  /** Distinct records, in file order (an image and its caption sidecar give one record). */
  readonly records: readonly KnowledgeRecord[];
  /** Files or lines left out, and why. */
  readonly rejected: readonly { readonly where: string; readonly reason: string }[];
  readonly fileCount: number;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && KNOWLEDGE_FILE.test(e.name) && !e.name.startsWith('.'))
    .map((e) => join(e.parentPath, e.name))
    .filter(
      (path) =>
        !relative(dir, path)
          .split(sep)
          .some((part) => part.startsWith('.') || part === 'node_modules'),
    )
    .sort();
}

function toRecord(item: KnowledgeItem): KnowledgeRecord {
  const common = {
    id: item.id,
    ...(item.title ? { title: item.title } : {}),
    ...(item.attributes ? { metadata: item.attributes } : {}),
  };
  return item.kind === 'image'
    ? { ...common, image: Buffer.from(item.image).toString('base64'), caption: item.caption }
    : { ...common, text: item.text };
}

/** Parses every knowledge file under `dir` into upload records. */
export async function collectKnowledge(dir: string, options: CollectOptions = {}): Promise<CollectedKnowledge> {
  const files = await listFiles(dir);
  const records = new Map<string, KnowledgeRecord>();
  const rejected: { where: string; reason: string }[] = [];
  for (const path of files) {
    const key = relative(dir, path).split(sep).join('/');
    const folder = dirname(path);
    const readSibling = (name: string): Promise<Uint8Array | undefined> =>
      readFile(join(folder, name)).then(
        (b) => new Uint8Array(b),
        () => undefined,
      );
    try {
      const parsed = await parseDocument(
        { key, bytes: new Uint8Array(await readFile(path)) },
        {
          readSibling,
          imageLimits: {
            maxBytes: options.maxImageBytes ?? API_DEFAULTS.limits.image.maxBytes,
            maxPixels: options.maxImagePixels ?? API_DEFAULTS.limits.image.maxPixels,
          },
          passageMaxChars: options.passageMaxChars ?? API_DEFAULTS.ingest.passageMaxChars,
        },
      );
      for (const item of parsed.items) if (!records.has(item.id)) records.set(item.id, toRecord(item));
      rejected.push(...parsed.rejected.map((r) => ({ where: `${key}: ${r.where}`, reason: r.reason })));
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      rejected.push({ where: key, reason: error.message });
    }
  }
  return { records: [...records.values()], rejected, fileCount: files.length };
}
