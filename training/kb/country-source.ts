/**
 * Countries from npm `world-countries`: per country a flag (the package's SVG), a silhouette (drawn from its
 * GeoJSON) and the fact passages of {@link writeCountryFacts}.
 * @module
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeCountryFacts, type CountryFacts } from './country-facts.js';
import { writeCountryInProse } from './country-prose-name.js';
import { drawGeoSilhouette, type GeoFeatureCollection } from './geo-silhouette.js';
import {
  selectEntityKeys,
  type EntityDraft,
  type EntitySelection,
  type ImageDraft,
  type SourceDrafts,
} from './kb-drafts.js';
import { resolveInstalledPackage } from './package-dir.js';

const countrySchema = z.object({
  cca3: z.string(),
  name: z.object({ common: z.string() }),
  capital: z.array(z.string()).default([]),
  region: z.string(),
  subregion: z.string().default(''),
  languages: z.record(z.string(), z.string()).default({}),
  currencies: z.record(z.string(), z.object({ name: z.string() })).default({}),
  borders: z.array(z.string()).default([]),
  area: z.number(),
  landlocked: z.boolean(),
});
type Country = z.infer<typeof countrySchema>;

function toFacts(country: Country, nameByCca3: ReadonlyMap<string, string>): CountryFacts {
  return {
    cca3: country.cca3,
    name: country.name.common,
    capitals: country.capital,
    region: country.region,
    subregion: country.subregion,
    languages: Object.values(country.languages),
    currencies: Object.entries(country.currencies).map(([code, cur]) => ({ code, name: cur.name })),
    borderNames: country.borders.map((code) => nameByCca3.get(code) ?? code),
    // The data marks an unknown area (Svalbard and Jan Mayen) as -1.
    areaKm2: country.area > 0 ? country.area : undefined,
    landlocked: country.landlocked,
  };
}

function toEntity(country: Country, facts: CountryFacts): EntityDraft {
  return {
    entity: `country/${country.cca3}`,
    name: facts.name,
    source: 'countries',
    facts: {
      capitals: [...facts.capitals],
      region: facts.region,
      subregion: facts.subregion === '' ? undefined : facts.subregion,
      languages: [...facts.languages],
      currencies: facts.currencies.map((cur) => cur.name),
      borders: country.borders.map((code) => `country/${code}`),
      area_km2: facts.areaKm2,
      landlocked: facts.landlocked,
    },
  };
}

/** Loads the selected countries with their images and passages. */
export function loadCountries(selection: EntitySelection): SourceDrafts {
  const pkg = resolveInstalledPackage('world-countries');
  const all = z.array(countrySchema).parse(JSON.parse(readFileSync(join(pkg.dir, 'countries.json'), 'utf8')));
  const nameByCca3 = new Map(all.map((c) => [c.cca3, c.name.common]));
  const byKey = new Map(all.map((c) => [`country/${c.cca3}`, c]));
  const keys = selectEntityKeys([...byKey.keys()].sort(), selection);
  const entities: EntityDraft[] = [];
  const images: ImageDraft[] = [];
  const texts = [];
  for (const key of keys) {
    const country = byKey.get(key) as Country;
    const facts = toFacts(country, nameByCca3);
    const code = country.cca3.toLowerCase();
    entities.push(toEntity(country, facts));
    const base = { entity: key, entityName: facts.name, source: 'countries' as const };
    images.push({
      ...base,
      kind: 'flag',
      caption: `Flag of ${writeCountryInProse(facts.name)}`,
      svg: readFileSync(join(pkg.dir, 'data', `${code}.svg`)),
      isColourMeasured: true,
    });
    const geo = JSON.parse(readFileSync(join(pkg.dir, 'data', `${code}.geo.json`), 'utf8')) as GeoFeatureCollection;
    const silhouette = drawGeoSilhouette(geo);
    if (silhouette !== undefined) {
      const caption = `Map outline of ${writeCountryInProse(facts.name)}`;
      images.push({ ...base, kind: 'shape', caption, svg: Buffer.from(silhouette), isColourMeasured: true });
    }
    texts.push(...writeCountryFacts(facts));
  }
  return { entities, images, texts };
}
