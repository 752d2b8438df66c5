/**
 * Brand icons from npm `simple-icons`: image-caption pre-training pairs, never knowledge items. A share of them come
 * with unanswerable image questions (an image of nothing in the knowledge base; `questions-unanswerable.ts`).
 * Each monochrome icon is painted in its brand colour so that pre-training also sees colour.
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { parseHexColour, toOkLab } from './colour-space.js';
import { selectEntityKeys, type EntitySelection, type ImageDraft } from './kb-drafts.js';
import { resolveInstalledPackage } from './package-dir.js';

const iconSchema = z.object({ title: z.string(), slug: z.string(), hex: z.string().regex(/^[0-9A-Fa-f]{6}$/) });

/** The brand colour, or black when the brand colour is too light to show on the white background. */
function choosePaint(hex: string): string {
  const rgb = parseHexColour(hex);
  return rgb && toOkLab(rgb).l < 0.9 ? `#${hex.toLowerCase()}` : '#000000';
}

/** Loads the selected icons as pre-training image drafts (`entity` is `icon/<slug>`). */
export function loadIcons(selection: EntitySelection): ImageDraft[] {
  const pkg = resolveInstalledPackage('simple-icons');
  const icons = z.array(iconSchema).parse(JSON.parse(readFileSync(join(pkg.dir, 'data', 'simple-icons.json'), 'utf8')));
  const bySlug = new Map(icons.map((icon) => [`icon/${icon.slug}`, icon]));
  return selectEntityKeys([...bySlug.keys()].sort(), selection).flatMap((key) => {
    const icon = bySlug.get(key) as z.infer<typeof iconSchema>;
    const path = join(pkg.dir, 'icons', `${icon.slug}.svg`);
    if (!existsSync(path)) return [];
    const svg = readFileSync(path, 'utf8').replace('<svg ', `<svg fill="${choosePaint(icon.hex)}" `);
    return [
      {
        entity: key,
        entityName: icon.title,
        source: 'icons' as const,
        kind: 'icon' as const,
        caption: `Logo of ${icon.title}`,
        svg: Buffer.from(svg),
        isColourMeasured: false,
      },
    ];
  });
}
