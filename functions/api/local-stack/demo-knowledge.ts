/**
 * The demo knowledge base, ingested on first start (later starts find its job done and skip it). When the built
 * knowledge base is missing, `npm run kb:build` makes it. Progress goes to stderr as a bar.
 * @module
 */
import { spawn } from 'node:child_process';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { SingleBar } from 'cli-progress';
import type { IngestJob } from '../../../src/core/ports.js';
import {
  ingestStoredDocument,
  type DocumentIngestOptions,
  type IngestServices,
} from '../../../src/core/pipeline/index.js';
import { createFolderSource } from '../../ingest/folder-source.js';

/** The file of the built demo knowledge base (H4's `npm run kb:build`). */
export const DEMO_KB_FILE = 'knowledge.jsonl';

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Runs `npm run kb:build`, its output on our stderr so that stdout stays the stack's own. */
function buildKnowledgeBase(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', 'kb:build'], { stdio: ['ignore', process.stderr, process.stderr] });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`npm run kb:build exited with ${code}`))));
  });
}

/** Makes sure the demo knowledge base exists, building it when it does not. */
export async function ensureDemoKnowledgeBase(demoKbDir: string): Promise<void> {
  if (await exists(join(demoKbDir, DEMO_KB_FILE))) return;
  process.stderr.write(`No demo knowledge base at ${demoKbDir}; building it with npm run kb:build …\n`);
  await buildKnowledgeBase();
  if (!(await exists(join(demoKbDir, DEMO_KB_FILE)))) {
    throw new Error(`npm run kb:build did not write ${join(demoKbDir, DEMO_KB_FILE)}`);
  }
}

/** Ingests the demo knowledge base for `tenant`, with a progress bar while the model embeds it. */
export async function ingestDemoKnowledge(
  services: IngestServices,
  request: { readonly tenant: string; readonly demoKbDir: string },
  options: DocumentIngestOptions,
): Promise<IngestJob> {
  const bar = new SingleBar({
    stream: process.stderr,
    format: 'demo knowledge base |{bar}| {value}/{total} items',
    hideCursor: true,
    // Without a terminal (CI, a test's pipe), print the bar as a line every 2 s instead of redrawing it.
    noTTYOutput: true,
    notTTYSchedule: 2_000,
  });
  let isStarted = false;
  try {
    return await ingestStoredDocument(
      services,
      { tenant: request.tenant, origin: 'demo/', key: DEMO_KB_FILE, source: createFolderSource(request.demoKbDir) },
      {
        ...options,
        onProgress: ({ done, total }) => {
          if (!isStarted) bar.start(total, 0);
          isStarted = true;
          bar.update(done);
        },
      },
    );
  } finally {
    if (isStarted) bar.stop();
  }
}
