/**
 * Renders every image draft once (or takes it from the {@link RenderCache}), writes its PNGs and measures its
 * colours and coverage. Ids are content ids over the caption and the model PNG's hash, so they follow the pixels.
 * @module
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { computeContentId, hashSha256 } from './content-id.js';
import { measureColourShares, measureCoverage, type ColourShare } from './image-colours.js';
import type { ImageDraft } from './kb-drafts.js';
import type { RenderCache } from './render-cache.js';
import { extractSvgPalette } from './svg-palette.js';
import { renderSvg } from './svg-render.js';
import { mapWithConcurrency } from './task-pool.js';

/** Bumped whenever rendering or measuring changes, so the cache never serves results of the old code. */
const renderVersion = `kb-render/3 sharp ${sharp.versions.sharp} vips ${sharp.versions.vips}`;

/** Image size the knowledge base renders at: the bundle's `image.size`. */
export const modelImageSize = 64;
/** Side of the display copies. */
export const displayImageSize = 192;

/** One rendered draft: its id, where its PNGs are (relative to the output folder) and what was measured. */
export interface RenderedImage {
  readonly draft: ImageDraft;
  readonly id: string;
  readonly image: string;
  readonly display?: string;
  readonly shares: readonly ColourShare[];
  readonly coverage: number;
}

/** Where to write and how hard to work. */
export interface RenderImagesOptions {
  readonly outDir: string;
  readonly cache: RenderCache;
  /** @default 2 */
  readonly concurrency?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

function placeFiles(draft: ImageDraft, id: string): { image: string; display?: string } {
  if (draft.kind === 'icon') return { image: `pretrain-images/${id}.png` };
  return { image: `images/${id}.png`, display: `display/${id}.png` };
}

async function renderOne(draft: ImageDraft, options: RenderImagesOptions): Promise<RenderedImage> {
  const key = hashSha256([renderVersion, draft.kind, String(draft.isColourMeasured), hashSha256(draft.svg)].join('\n'));
  const idOf = (modelSha256: string): string =>
    computeContentId({
      modality: 'image',
      kind: draft.kind,
      entity: draft.entity,
      content: draft.caption,
      imageSha256: modelSha256,
    });
  const cached = options.cache.get(key);
  if (cached) {
    const id = idOf(cached.model_sha256);
    const files = placeFiles(draft, id);
    const isOnDisk = [files.image, files.display].every((f) => f === undefined || existsSync(join(options.outDir, f)));
    if (isOnDisk) return { draft, id, ...files, shares: cached.shares as ColourShare[], coverage: cached.coverage };
  }
  const rendered = await renderSvg(draft.svg, {
    modelSize: modelImageSize,
    displaySize: draft.kind === 'icon' ? 0 : displayImageSize,
    withAnalysis: true,
  });
  const analysis = rendered.analysis;
  if (!analysis) throw new Error(`no analysis raster for ${draft.entity}`);
  const shares = draft.isColourMeasured
    ? measureColourShares(analysis, await extractSvgPalette(draft.svg.toString('utf8')))
    : [];
  const coverage = measureCoverage(analysis);
  const modelSha256 = hashSha256(rendered.modelPng);
  const id = idOf(modelSha256);
  const files = placeFiles(draft, id);
  writeFileSync(join(options.outDir, files.image), rendered.modelPng);
  if (files.display && rendered.displayPng) writeFileSync(join(options.outDir, files.display), rendered.displayPng);
  const rounded = shares.map((s) => ({ name: s.name, share: Math.round(s.share * 1e4) / 1e4 }));
  const roundedCoverage = Math.round(coverage * 1e4) / 1e4;
  options.cache.set(key, { model_sha256: modelSha256, shares: rounded, coverage: roundedCoverage });
  return { draft, id, ...files, shares: rounded, coverage: roundedCoverage };
}

/** Renders all drafts with a small pool; results keep the drafts' order. */
export async function renderImageDrafts(
  drafts: readonly ImageDraft[],
  options: RenderImagesOptions,
): Promise<RenderedImage[]> {
  for (const folder of ['images', 'display', 'pretrain-images'])
    mkdirSync(join(options.outDir, folder), { recursive: true });
  let done = 0;
  return mapWithConcurrency(drafts, options.concurrency ?? 2, async (draft) => {
    const result = await renderOne(draft, options);
    done += 1;
    options.onProgress?.(done, drafts.length);
    return result;
  });
}
