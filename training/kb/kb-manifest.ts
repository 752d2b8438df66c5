/**
 * `manifest.json` of a built knowledge base: counts, the versions and licences of every source, the rules that made
 * ids, images and colour attributes, and the entities held out of the knowledge base. No timestamps, so an unchanged
 * build writes a byte-identical manifest.
 * @module
 */
import sharp from 'sharp';
import type { KbRecords } from './assemble-records.js';
import type { HeldOutEntity } from './emoji-source.js';
import { resolveInstalledPackage } from './package-dir.js';
import { displayImageSize, modelImageSize } from './render-images.js';

/** One data source as the manifest lists it. */
export interface SourceEntry {
  readonly package: string;
  readonly version: string;
  readonly package_licence: string;
  readonly content_licence: string;
  readonly attribution?: string;
  readonly used_for: string;
}

function describeSources(hasIcons: boolean): SourceEntry[] {
  const entry = (name: string, rest: Omit<SourceEntry, 'package' | 'version' | 'package_licence'>): SourceEntry => {
    const pkg = resolveInstalledPackage(name);
    return { package: name, version: pkg.version, package_licence: pkg.licence, ...rest };
  };
  const sources = [
    entry('world-countries', {
      content_licence:
        'ODbL-1.0 for the country data; flags are not covered by the ODbL (national emblems, generally public domain)',
      attribution: 'Country data from mledoze/countries (world-countries), ODbL 1.0',
      used_for: 'country facts, flag SVGs, GeoJSON outlines',
    }),
    entry('emojibase-data', {
      content_licence: 'MIT (data derived from Unicode CLDR)',
      used_for: 'emoji labels, groups, subgroups, tags',
    }),
    entry('@twemoji/svg', {
      content_licence: 'CC-BY-4.0 (Twemoji graphics)',
      attribution: 'Twemoji by Twitter, Inc and other contributors, CC-BY 4.0',
      used_for: 'emoji images',
    }),
  ];
  if (hasIcons) {
    sources.push(
      entry('simple-icons', {
        content_licence: 'CC0-1.0 (brand marks remain trademarks of their owners)',
        used_for: 'image-caption pairs for pre-training; images of nothing known in unanswerable questions',
      }),
    );
  }
  return sources;
}

function countBy<T>(items: readonly T[], keyOf: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[keyOf(item)] = (counts[keyOf(item)] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

/** Builds the manifest object of a knowledge base. */
export function buildKbManifest(records: KbRecords, heldOut: readonly HeldOutEntity[]): Record<string, unknown> {
  const hasIcons = records.pretrain.some((r) => r.source === 'icons');
  return {
    format: 'ra-blip-kb/1',
    image: {
      size: modelImageSize,
      display_size: displayImageSize,
      fit: 'contain',
      background: '#ffffff',
      kernel: 'lanczos3',
      channels: 3,
    },
    renderer: { sharp: sharp.versions.sharp, vips: sharp.versions.vips, rsvg: sharp.versions.rsvg ?? 'unknown' },
    id_rule: 'sha256(modality \\n kind \\n entity \\n caption-or-text \\n sha256(model PNG) or empty)[:16], hex',
    colour_rule: {
      space: 'OKLab',
      names: 'nearest reference shade of red, orange, yellow, green, blue, purple, pink, brown, black, white, grey',
      pixel_assignment: 'each opaque pixel of a 256 px unpadded render to the nearest SVG palette colour within 0.08',
      counted: 'share >= 0.02, topped up to 2 colours with shares >= 0.005',
    },
    counts: {
      entities: countBy(records.entities, (e) => e.source),
      knowledge: records.knowledge.length,
      knowledge_by_source_kind: countBy(records.knowledge, (k) => `${k.source}/${k.kind}`),
      knowledge_by_modality: countBy(records.knowledge, (k) => k.modality),
      knowledge_by_facet: countBy(
        records.knowledge.filter((k) => k.facet !== undefined),
        (k) => `${k.source}/${k.facet}`,
      ),
      attributes: records.attributes.length,
      pretrain: countBy(records.pretrain, (p) => p.source),
    },
    sources: describeSources(hasIcons),
    held_out_entities: heldOut,
  };
}
