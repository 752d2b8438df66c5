/**
 * A content-hash cache of render results (`<out>/.cache/renders.json`), so a re-run skips every SVG whose bytes and
 * render settings are unchanged and whose PNGs are still on disk.
 * @module
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

const renderResultSchema = z.object({
  model_sha256: z.string(),
  shares: z.array(z.object({ name: z.string(), share: z.number() })),
  coverage: z.number(),
});

/** What one render produced, keyed in the cache by the hash of its inputs. */
export type CachedRender = z.infer<typeof renderResultSchema>;

/** The render cache: load once, look up and record during the build, save at the end. */
export class RenderCache {
  private readonly entries: Map<string, CachedRender>;
  private readonly used = new Set<string>();

  private constructor(
    private readonly path: string,
    entries: Map<string, CachedRender>,
  ) {
    this.entries = entries;
  }

  /** Opens the cache file; a missing or unreadable file starts an empty cache. */
  static open(path: string): RenderCache {
    if (!existsSync(path)) return new RenderCache(path, new Map());
    try {
      const parsed = z.record(z.string(), renderResultSchema).parse(JSON.parse(readFileSync(path, 'utf8')));
      return new RenderCache(path, new Map(Object.entries(parsed)));
    } catch {
      return new RenderCache(path, new Map());
    }
  }

  get(key: string): CachedRender | undefined {
    const entry = this.entries.get(key);
    if (entry) this.used.add(key);
    return entry;
  }

  set(key: string, value: CachedRender): void {
    this.entries.set(key, value);
    this.used.add(key);
  }

  /** Writes the entries used by this build (sorted, so the file is deterministic); stale entries are dropped. */
  save(): void {
    const kept = [...this.used].sort().map((key) => [key, this.entries.get(key)] as const);
    mkdirSync(dirname(this.path), { recursive: true });
    writeFileSync(this.path, JSON.stringify(Object.fromEntries(kept)));
  }
}
