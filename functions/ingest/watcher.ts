/**
 * The local stand-in for S3 -> SQS -> ingest Lambda: chokidar watches the knowledge folder and feeds each added,
 * changed or removed file to the same KnowledgeIngestor the Lambda uses, one file at a time.
 * @module
 */
import { relative, sep } from 'node:path';
import { watch } from 'chokidar';
import type { KnowledgeIngestor } from './knowledge-ingestor.js';
import { createFolderSource } from './folder-source.js';

/** Editor and download leftovers, and dotfiles: never knowledge. */
const IGNORED = /(^|[/\\])\.[^/\\]|~$|\.(swp|tmp|part|crdownload)$/i;

export interface KnowledgeWatcherOptions {
  readonly dir: string;
  readonly tenant: string;
  readonly ingestor: KnowledgeIngestor;
  /** Label prefix of the folder's documents. @default 'knowledge/' */
  readonly origin?: string;
}

export interface KnowledgeWatcher {
  /** Resolves once every file seen so far has been handled. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** Starts watching; resolves once the initial scan is queued (existing files are ingested in the background). */
export async function startKnowledgeWatcher(options: KnowledgeWatcherOptions): Promise<KnowledgeWatcher> {
  const { dir, tenant, ingestor } = options;
  const origin = options.origin ?? 'knowledge/';
  const source = createFolderSource(dir);
  let queue: Promise<void> = Promise.resolve();
  const enqueue = (work: () => Promise<unknown>): void => {
    // Failures are logged by the ingestor; the chain must outlive them.
    queue = queue.then(work).then(
      () => undefined,
      () => undefined,
    );
  };
  const keyOf = (path: string): string => relative(dir, path).split(sep).join('/');

  const watcher = watch(dir, {
    ignored: (path) => IGNORED.test(relative(dir, path)),
    ignoreInitial: false,
    awaitWriteFinish: { stabilityThreshold: 200, pollInterval: 50 },
  });
  const onFile = (path: string): void => enqueue(() => ingestor.ingest({ tenant, origin, key: keyOf(path), source }));
  watcher.on('add', onFile);
  watcher.on('change', onFile);
  watcher.on('unlink', (path) => enqueue(() => ingestor.forget({ tenant, origin, key: keyOf(path) })));
  await new Promise<void>((resolve, reject) => {
    watcher.once('ready', resolve);
    watcher.once('error', reject);
  });
  return {
    idle: () => queue,
    close: () => watcher.close(),
  };
}
