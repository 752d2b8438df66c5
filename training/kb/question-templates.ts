/**
 * Question phrasings, grouped in families. Every family has at least five training phrasings and one or two
 * held-out phrasings (marked `H:`) that only dev and test use, to measure robustness to unseen wording. Slots:
 * `{country}`, `{capital}`, `{city}`, `{other}`, `{colour}`, `{emoji}`, `{group}`, `{a}`, `{b}`.
 * Template ids are `<family>.<n>`, numbered from 1 in the order written here; append new phrasings at the end.
 * @module
 */
import { capitaliseSentence } from './country-prose-name.js';
import type { QuestionType } from './question-record.js';

/** One phrasing. */
export interface QuestionTemplate {
  readonly id: string;
  readonly text: string;
  readonly isHeldOut: boolean;
}

/** A family of phrasings that ask the same thing. */
export interface TemplateFamily {
  readonly family: string;
  readonly type: QuestionType;
  readonly templates: readonly QuestionTemplate[];
}

const raw: Record<string, { type: QuestionType; lines: readonly string[] }> = {
  capital: { type: 'text_fact', lines: [
    'What is the capital of {country}?', 'Which city is the capital of {country}?', 'Name the capital city of {country}.',
    "What is {country}'s capital?", 'What city is the capital of {country}?',
    'H:Which city serves as the seat of government of {country}?', 'H:{country} is governed from which capital city?',
  ] },
  capital_of: { type: 'text_fact', lines: [
    'Which country has {capital} as its capital?', '{capital} is the capital of which country?',
    'Of which country is {capital} the capital?', 'Name the country whose capital city is {capital}.',
    'What country is {capital} the capital of?',
    'H:The city of {capital} is the capital of what nation?', 'H:Which nation is governed from {capital}?',
  ] },
  currency: { type: 'text_fact', lines: [
    'What currency is used in {country}?', 'What is the currency of {country}?',
    'Which currency do people pay with in {country}?', 'What is the official currency of {country}?',
    'Name the currency of {country}.',
    'H:If you travel to {country}, which money will you need?', 'H:What money is legal tender in {country}?',
  ] },
  language: { type: 'text_fact', lines: [
    'What is an official language of {country}?', 'Which language is official in {country}?',
    'Name an official language of {country}.', 'What language is spoken officially in {country}?',
    'Which official language does {country} have?',
    'H:In which language does the government of {country} officially communicate?',
    'H:Tell me one of the official languages of {country}.',
  ] },
  location: { type: 'text_fact', lines: [
    'In which region of the world is {country} located?', 'Where in the world is {country}?',
    'Which part of the world is {country} in?', 'What subregion does {country} belong to?',
    'Where is {country} located?',
    'H:On a world map, in which area would you find {country}?', 'H:{country} lies in which part of the world?',
  ] },
  neighbour: { type: 'text_fact', lines: [
    'Which country borders {country}?', 'Name a neighbouring country of {country}.',
    'What is one country that shares a border with {country}?', 'Which nation is a neighbour of {country}?',
    'Name a country that borders {country}.',
    'H:Which country lies right across the border from {country}?',
    'H:{country} shares a land border with which country?',
  ] },
  emoji_group: { type: 'text_fact', lines: [
    'Which group does the {emoji} emoji belong to?', "What emoji category is '{emoji}' in?",
    "In which group of emoji is '{emoji}' listed?", 'The {emoji} emoji is part of which category?',
    "What is the emoji group of '{emoji}'?",
    'H:Under which heading would you find the {emoji} emoji on an emoji keyboard?',
    "H:Which emoji group contains '{emoji}'?",
  ] },
  emoji_subgroup: { type: 'text_fact', lines: [
    'Which subgroup does the {emoji} emoji belong to?', "What is the emoji subgroup of '{emoji}'?",
    "In which subgroup is the '{emoji}' emoji listed?", 'The {emoji} emoji is filed under which subgroup?',
    'Name the subgroup of the {emoji} emoji.',
    'H:Which subcategory does the {emoji} emoji sit in?',
  ] },
  flag_colours: { type: 'image_attribute', lines: [
    'Which colours appear on the flag of {country}?', 'What colours is the flag of {country}?',
    'Name the colours of the flag of {country}.', "What are the colours of {country}'s flag?",
    'Which colours does the national flag of {country} use?',
    'H:List the colours you can see on the flag of {country}.', 'H:The flag of {country} is made up of which colours?',
  ] },
  flag_main_colour: { type: 'image_attribute', lines: [
    'What is the main colour of the flag of {country}?', 'Which colour covers most of the flag of {country}?',
    "What is the dominant colour on {country}'s flag?", 'Which colour takes up the largest area of the flag of {country}?',
    'What colour is most of the flag of {country}?',
    'H:Looking at the flag of {country}, which colour do you see the most?',
  ] },
  emoji_colour: { type: 'image_attribute', lines: [
    'What is the main colour of the {emoji} emoji?', 'Which colour dominates the {emoji} emoji?',
    "What colour is the '{emoji}' emoji mostly?", 'What is the predominant colour of the {emoji} emoji?',
    'Mostly, what colour is the {emoji} emoji?',
    'H:If you had to describe the {emoji} emoji with one colour, which would it be?',
  ] },
  flag_country: { type: 'image_question', lines: [
    'Which country does this flag belong to?', 'Whose flag is this?', 'This is the flag of which country?',
    'Name the country this flag represents.', 'Which country uses this flag?',
    'H:What country is represented by the flag in this picture?', 'H:Identify the country that flies this flag.',
  ] },
  flag_capital: { type: 'image_question', lines: [
    'What is the capital of the country whose flag this is?', 'This flag belongs to a country. What is its capital?',
    'Name the capital city of the country with this flag.', 'Which city is the capital of the country that uses this flag?',
    'What is the capital of the country shown by this flag?',
    'H:The country flying this flag is governed from which city?',
  ] },
  shape_country: { type: 'image_question', lines: [
    'Which country has this shape?', 'This is the outline of which country?',
    'Name the country shown in this map outline.', 'Whose map outline is this?', "Which country's silhouette is this?",
    'H:Identify the country from its outline in the picture.', 'H:What country has borders shaped like this?',
  ] },
  shape_capital: { type: 'image_question', lines: [
    'What is the capital of the country with this outline?', 'Name the capital of the country shown in this map outline.',
    'This silhouette shows a country. What is its capital?', 'Which city is the capital of the country shaped like this?',
    'What is the capital city of the country in this outline?',
    'H:The country drawn here is governed from which city?',
  ] },
  emoji_name: { type: 'image_question', lines: [
    'Which emoji is this?', 'What is the name of this emoji?', 'Name this emoji.', 'What is this emoji called?',
    'Identify this emoji.',
    'H:What does this emoji depict? Give its name.', 'H:Which emoji is shown in the picture?',
  ] },
  emoji_image_group: { type: 'image_question', lines: [
    'Which group does this emoji belong to?', 'In which emoji category is this emoji listed?',
    'What is the emoji group of the emoji shown?', 'This emoji is part of which group?', 'Name the group of this emoji.',
    'H:Under which heading of an emoji keyboard would you find this emoji?',
  ] },
  larger: { type: 'comparison', lines: [
    'Which is larger, {a} or {b}?', 'Which country has the bigger area, {a} or {b}?', 'Is {a} or {b} larger by area?',
    'Between {a} and {b}, which country is bigger?', 'Which covers more land, {a} or {b}?',
    'H:Of {a} and {b}, which has the greater surface area?', 'H:Comparing {a} with {b}, which one is the larger country?',
  ] },
  smaller: { type: 'comparison', lines: [
    'Which is smaller, {a} or {b}?', 'Which country has the smaller area, {a} or {b}?', 'Is {a} or {b} smaller by area?',
    'Between {a} and {b}, which country is smaller?', 'Which covers less land, {a} or {b}?',
    'H:Of {a} and {b}, which has the lesser surface area?',
  ] },
  landlocked_which: { type: 'comparison', lines: [
    'Which of {a} and {b} is landlocked?', 'Which country is landlocked, {a} or {b}?',
    '{a} or {b}: which one has no coastline?', 'Between {a} and {b}, which country lacks access to the sea?',
    'Which is the landlocked country, {a} or {b}?',
    'H:Only one of {a} and {b} is landlocked. Which one?',
  ] },
  same_subregion: { type: 'comparison', lines: [
    'Are {a} and {b} in the same part of the world?', 'Do {a} and {b} lie in the same subregion?',
    'Is {a} in the same region of the world as {b}?', 'Are {a} and {b} located in the same subregion?',
    'Do {a} and {b} belong to the same part of the world?',
    'H:Would you find {a} and {b} in the same area of the world map?',
  ] },
  emoji_same_group: { type: 'comparison', lines: [
    'Are the {a} and {b} emoji in the same group?', "Do '{a}' and '{b}' belong to the same emoji group?",
    'Is the {a} emoji in the same category as the {b} emoji?', "Are '{a}' and '{b}' listed in the same emoji category?",
    'Do the {a} emoji and the {b} emoji share a group?',
    "H:Would you find '{a}' and '{b}' under the same emoji heading?",
  ] },
  landlocked: { type: 'yes_no', lines: [
    'Is {country} landlocked?', 'Is {country} a landlocked country?', 'Does {country} lack a coastline?',
    'Is {country} without access to the sea?', 'Is {country} completely surrounded by land?',
    'H:Would you call {country} a landlocked nation?',
  ] },
  coastline: { type: 'yes_no', lines: [
    'Does {country} have a coastline?', 'Does {country} border the sea?', 'Does {country} have access to the sea?',
    'Can you reach the sea directly from {country}?', 'Is {country} a coastal country?',
    'H:Does {country} touch the ocean?',
  ] },
  flag_has_colour: { type: 'yes_no', lines: [
    'Does the flag of {country} contain {colour}?', 'Is there any {colour} on the flag of {country}?',
    "Is {colour} one of the colours of {country}'s flag?", "Does {country}'s flag include the colour {colour}?",
    'Does the flag of {country} have {colour} in it?',
    'H:Would you see the colour {colour} on the flag of {country}?',
  ] },
  capital_check: { type: 'yes_no', lines: [
    'Is {city} the capital of {country}?', 'Is the capital of {country} {city}?', 'Is {city} the capital city of {country}?',
    'Does {country} have {city} as its capital?', 'Is {country} governed from {city}?',
    'H:Is it true that {city} is the capital of {country}?',
  ] },
  border_check: { type: 'yes_no', lines: [
    'Does {country} border {other}?', 'Do {country} and {other} share a border?', 'Is {other} a neighbour of {country}?',
    'Are {country} and {other} neighbouring countries?', 'Does {country} share a land border with {other}?',
    'H:Can you cross directly from {country} into {other} over land?',
  ] },
  emoji_group_check: { type: 'yes_no', lines: [
    'Is the {emoji} emoji in the {group} group?', "Does the '{emoji}' emoji belong to the {group} group?",
    "Is '{emoji}' listed under {group}?", 'Is the {emoji} emoji part of the {group} category?',
    'Does the {group} group contain the {emoji} emoji?',
    'H:Would you find the {emoji} emoji among the {group} emoji?',
  ] },
}; // prettier-ignore

/** Every family, keyed by family id. */
export const templateFamilies: ReadonlyMap<string, TemplateFamily> = new Map(
  Object.entries(raw).map(([family, { type, lines }]) => [
    family,
    {
      family,
      type,
      templates: lines.map((line, index) => ({
        id: `${family}.${index + 1}`,
        text: line.startsWith('H:') ? line.slice(2) : line,
        isHeldOut: line.startsWith('H:'),
      })),
    },
  ]),
);

/** The family with this id; throws on a typo. */
export function getTemplateFamily(family: string): TemplateFamily {
  const found = templateFamilies.get(family);
  if (!found) throw new Error(`unknown template family ${family}`);
  return found;
}

/**
 * Fills `{slot}`s and capitalises the sentence; throws when a slot has no value, so a template typo cannot reach the
 * data. Slot values are inserted as given: callers pass country names in prose form ("the Philippines").
 */
export function fillTemplate(text: string, slots: Readonly<Record<string, string>>): string {
  const filled = text.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = slots[name];
    if (value === undefined) throw new Error(`template slot {${name}} has no value in "${text}"`);
    return value;
  });
  return capitaliseSentence(filled);
}
