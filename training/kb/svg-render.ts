/**
 * Renders an SVG the way the model sees images (docs/bundle-format.md, "Image preprocessing"): rasterised once at a
 * fixed working size, then for each output size flattened onto white and resized with `fit: 'contain'` and lanczos3
 * to an exact square RGB PNG. The unpadded RGBA raster itself feeds the colour measurement: the white letterbox of a
 * 3:2 flag never counts as "white", and at 256 px thin stripes are still whole pixels rather than blends.
 * @module
 */
import sharp from 'sharp';
import type { RgbaPixels } from './image-colours.js';

/** Sizes of one render job. */
export interface RenderSizes {
  /** Side of the model-input PNG (the bundle's image size). @default 64 */
  readonly modelSize?: number;
  /** Side of the display PNG, or 0 for none. @default 192 */
  readonly displaySize?: number;
  /** Whether to return the unpadded RGBA raster (longest side 256) for colour measurement. @default true */
  readonly withAnalysis?: boolean;
}

/** What {@link renderSvg} returns: PNG bytes and, when asked for, the raster to measure (`[height, width, 4]`). */
export interface RenderedSvg {
  readonly modelPng: Buffer;
  readonly displayPng?: Buffer;
  readonly analysis?: RgbaPixels;
}

/** Longest side of the intermediate raster: 4× the model size keeps thin flag details before downsampling. */
const rasterSide = 256;
const white = { r: 255, g: 255, b: 255, alpha: 1 };

async function rasterise(svg: Buffer): Promise<{ data: Buffer; width: number; height: number }> {
  const meta = await sharp(svg).metadata();
  const intrinsicSide = Math.max(meta.width ?? rasterSide, meta.height ?? rasterSide);
  // SVG renders at `density` dpi against 72 dpi user units, so this density gives a raster `rasterSide` long.
  const density = (72 * rasterSide) / intrinsicSide;
  const { data, info } = await sharp(svg, { density }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

async function encodeSquarePng(raster: { data: Buffer; width: number; height: number }, size: number): Promise<Buffer> {
  return sharp(raster.data, { raw: { width: raster.width, height: raster.height, channels: 4 } })
    .flatten({ background: white })
    .resize(size, size, { fit: 'contain', background: white, kernel: 'lanczos3' })
    .removeAlpha()
    .png({ compressionLevel: 9, adaptiveFiltering: false })
    .toBuffer();
}

/** Renders one SVG to the model PNG, the optional display PNG and the optional analysis pixels. */
export async function renderSvg(svg: Buffer, sizes: RenderSizes = {}): Promise<RenderedSvg> {
  const { modelSize = 64, displaySize = 192, withAnalysis = true } = sizes;
  const raster = await rasterise(svg);
  const modelPng = await encodeSquarePng(raster, modelSize);
  const displayPng = displaySize > 0 ? await encodeSquarePng(raster, displaySize) : undefined;
  return { modelPng, displayPng, analysis: withAnalysis ? raster : undefined };
}
