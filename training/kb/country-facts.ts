/**
 * The text passages of one country, written as short natural sentences that carry the entity's name, so every
 * passage is retrievable on its own and its answer can be copied from it ("The capital of Peru is Lima.").
 * @module
 */
import { capitaliseSentence, writeCountryInProse } from './country-prose-name.js';
import { joinEnglishList } from './english-list.js';
import type { TextDraft } from './kb-drafts.js';
import type { FactFacet } from './kb-records.js';

/** The fields of a `world-countries` record that the passages read. */
export interface CountryFacts {
  readonly cca3: string;
  readonly name: string;
  readonly capitals: readonly string[];
  readonly region: string;
  readonly subregion: string;
  readonly languages: readonly string[];
  readonly currencies: readonly { readonly code: string; readonly name: string }[];
  /** Names of the bordering countries. */
  readonly borderNames: readonly string[];
  /** Area in km², or undefined when the data has none. */
  readonly areaKm2: number | undefined;
  readonly landlocked: boolean;
}

const areaFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function describeCapital(c: CountryFacts): string | undefined {
  if (c.capitals.length === 0) return undefined;
  if (c.capitals.length === 1) return `The capital of ${c.name} is ${c.capitals[0]}.`;
  return `${c.name} has ${c.capitals.length} capitals: ${joinEnglishList(c.capitals)}.`;
}

function describeLocation(c: CountryFacts): string {
  if (c.subregion === '') return `${c.name} lies in the ${c.region} region.`;
  // Subregion names are bare ("South America", "Caribbean"); the Caribbean alone takes an article in prose.
  const place = c.subregion === 'Caribbean' ? 'the Caribbean' : c.subregion;
  return `${c.name} is located in ${place}, in the ${c.region} region.`;
}

function describeLanguages(c: CountryFacts): string | undefined {
  if (c.languages.length === 0) return undefined;
  if (c.languages.length === 1) return `The official language of ${c.name} is ${c.languages[0]}.`;
  return `The official languages of ${c.name} are ${joinEnglishList(c.languages)}.`;
}

function describeCurrencies(c: CountryFacts): string | undefined {
  const named = c.currencies.map((cur) => `the ${cur.name} (${cur.code})`);
  if (named.length === 0) return undefined;
  if (named.length === 1) return `The currency of ${c.name} is ${named[0]}.`;
  return `${c.name} uses ${named.length} currencies: ${joinEnglishList(named)}.`;
}

function describeBorders(c: CountryFacts): string {
  if (c.borderNames.length === 0) return `${c.name} has no land borders with other countries.`;
  return `${c.name} shares land borders with ${joinEnglishList(c.borderNames)}.`;
}

function describeArea(c: CountryFacts): string | undefined {
  if (c.areaKm2 === undefined) return undefined;
  return `${c.name} has an area of ${areaFormat.format(c.areaKm2)} square kilometres.`;
}

function describeLandlocked(c: CountryFacts): string {
  return c.landlocked
    ? `${c.name} is landlocked: it has no coastline on the open sea.`
    : `${c.name} is not landlocked: it has a coastline on the sea.`;
}

const writers: readonly { facet: FactFacet; write: (c: CountryFacts) => string | undefined }[] = [
  { facet: 'capital', write: describeCapital },
  { facet: 'location', write: describeLocation },
  { facet: 'languages', write: describeLanguages },
  { facet: 'currencies', write: describeCurrencies },
  { facet: 'borders', write: describeBorders },
  { facet: 'area', write: describeArea },
  { facet: 'landlocked', write: describeLandlocked },
];

/** Writes the text passages of one country; a facet the data lacks yields no passage. */
export function writeCountryFacts(c: CountryFacts): TextDraft[] {
  const entity = `country/${c.cca3}`;
  // Sentences use the prose form of every country name ("the Philippines"); entity_name and title stay bare.
  // A name ending in a full stop ("Washington D.C.") must not end its sentence with two.
  const prose: CountryFacts = {
    ...c,
    name: writeCountryInProse(c.name),
    borderNames: c.borderNames.map(writeCountryInProse),
  };
  return writers.flatMap(({ facet, write }) => {
    const text = write(prose);
    if (text === undefined) return [];
    return [
      {
        entity,
        entityName: c.name,
        source: 'countries' as const,
        facet,
        title: c.name,
        text: capitaliseSentence(text.replace(/\.\.$/, '.')),
      },
    ];
  });
}
