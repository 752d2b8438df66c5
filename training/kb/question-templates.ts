/**
 * Question phrasings, grouped in families. Every family has at least five shared phrasings, one or two held-out
 * phrasings (marked `H:`) that only dev and test use, to measure robustness to unseen wording, and training-only
 * phrasings (marked `T:`) that widen the wording the generator learns from. Dev and test never draw `T:` phrasings,
 * so adding them leaves the benchmark's questions, and every number measured on them, unchanged. `T:` lines avoid
 * the distinctive words of their family's `H:` lines (docs/data.md). Slots:
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
  /** Only train questions use it. */
  readonly isTrainOnly: boolean;
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
    'T:Tell me the capital of {country}.', "T:{country}'s capital city is called what?", 'T:capital of {country}?',
    "T:Which city is {country}'s capital?", "T:I'd like to know the capital of {country}.",
    "T:What's the name of {country}'s capital?", 'T:What city does {country} have as its capital?',
    'T:Do you know which city is the capital of {country}?', 'T:The capital city of {country} is which city?',
  ] },
  capital_of: { type: 'text_fact', lines: [
    'Which country has {capital} as its capital?', '{capital} is the capital of which country?',
    'Of which country is {capital} the capital?', 'Name the country whose capital city is {capital}.',
    'What country is {capital} the capital of?',
    'H:The city of {capital} is the capital of what nation?', 'H:Which nation is governed from {capital}?',
    'T:{capital} is the capital city of what country?', "T:Which country's capital is {capital}?",
    'T:Tell me the country whose capital is {capital}.', 'T:{capital} serves as capital for which country?',
    'T:{capital} is the national capital of which country?', 'T:capital {capital}: which country?',
    'T:I know the capital is {capital}. Which country is that?', 'T:Name the country with {capital} as its capital.',
  ] },
  currency: { type: 'text_fact', lines: [
    'What currency is used in {country}?', 'What is the currency of {country}?',
    'Which currency do people pay with in {country}?', 'What is the official currency of {country}?',
    'Name the currency of {country}.',
    'H:If you travel to {country}, which money will you need?', 'H:What money is legal tender in {country}?',
    'T:Which currency would I pay with in {country}?', 'T:What do people in {country} use to pay for things?',
    'T:Tell me the currency of {country}.', 'T:currency of {country}?', 'T:Which currency is accepted in {country}?',
    'T:What kind of cash do you spend in {country}?', "T:What is {country}'s national currency called?",
    'T:In {country}, prices are given in which currency?',
  ] },
  language: { type: 'text_fact', lines: [
    'What is an official language of {country}?', 'Which language is official in {country}?',
    'Name an official language of {country}.', 'What language is spoken officially in {country}?',
    'Which official language does {country} have?',
    'H:In which language does the government of {country} officially communicate?',
    'H:Tell me one of the official languages of {country}.',
    'T:Which language is used officially in {country}?', 'T:What do people officially speak in {country}?',
    'T:official language of {country}?', 'T:Give one language with official status in {country}.',
    'T:What language has official status in {country}?', 'T:Which tongue is official in {country}?',
    'T:What language would official documents of {country} be written in?',
    'T:Name a language that {country} recognises officially.',
  ] },
  location: { type: 'text_fact', lines: [
    'In which region of the world is {country} located?', 'Where in the world is {country}?',
    'Which part of the world is {country} in?', 'What subregion does {country} belong to?',
    'Where is {country} located?',
    'H:On a world map, in which area would you find {country}?', 'H:{country} lies in which part of the world?',
    'T:What region of the globe is {country} in?', 'T:Which region is {country} part of?',
    'T:Tell me where {country} is.', 'T:where is {country}?', 'T:In what part of the globe does {country} sit?',
    'T:Which subregion of the world includes {country}?', 'T:Whereabouts on the globe is {country} found?',
    'T:{country} is situated in which region?',
  ] },
  neighbour: { type: 'text_fact', lines: [
    'Which country borders {country}?', 'Name a neighbouring country of {country}.',
    'What is one country that shares a border with {country}?', 'Which nation is a neighbour of {country}?',
    'Name a country that borders {country}.',
    'H:Which country lies right across the border from {country}?',
    'H:{country} shares a land border with which country?',
    'T:Tell me a country next to {country}.', 'T:Which country is next door to {country}?',
    'T:neighbour of {country}?', 'T:Name one country adjacent to {country}.',
    'T:What country touches the border of {country}?', 'T:Which of its neighbours borders {country}?',
    'T:Give a country on the frontier of {country}.',
    'T:Which country would you reach by crossing the border of {country}?',
  ] },
  emoji_group: { type: 'text_fact', lines: [
    'Which group does the {emoji} emoji belong to?', "What emoji category is '{emoji}' in?",
    "In which group of emoji is '{emoji}' listed?", 'The {emoji} emoji is part of which category?',
    "What is the emoji group of '{emoji}'?",
    'H:Under which heading would you find the {emoji} emoji on an emoji keyboard?',
    "H:Which emoji group contains '{emoji}'?",
    'T:Which emoji group is the {emoji} emoji in?', 'T:Tell me the category of the {emoji} emoji.',
    "T:group of the '{emoji}' emoji?", "T:Where in the emoji categories is '{emoji}' found?",
    'T:What broad category does the {emoji} emoji fall into?',
    'T:Which top-level emoji group holds the {emoji} emoji?', "T:What section of the emoji list has '{emoji}'?",
    "T:The '{emoji}' emoji is classified in which category?",
  ] },
  emoji_subgroup: { type: 'text_fact', lines: [
    'Which subgroup does the {emoji} emoji belong to?', "What is the emoji subgroup of '{emoji}'?",
    "In which subgroup is the '{emoji}' emoji listed?", 'The {emoji} emoji is filed under which subgroup?',
    'Name the subgroup of the {emoji} emoji.',
    'H:Which subcategory does the {emoji} emoji sit in?',
    'T:Which narrower group is the {emoji} emoji in?', 'T:Tell me the subgroup of the {emoji} emoji.',
    "T:subgroup of '{emoji}'?", 'T:What is the finer grouping of the {emoji} emoji, below its group?',
    'T:Within its group, where is the {emoji} emoji filed?', "T:What sub-group does '{emoji}' fall under?",
    'T:What is the more specific emoji group of the {emoji} emoji?',
    'T:Not the main group: which subgroup holds the {emoji} emoji?',
  ] },
  flag_colours: { type: 'image_attribute', lines: [
    'Which colours appear on the flag of {country}?', 'What colours is the flag of {country}?',
    'Name the colours of the flag of {country}.', "What are the colours of {country}'s flag?",
    'Which colours does the national flag of {country} use?',
    'H:List the colours you can see on the flag of {country}.', 'H:The flag of {country} is made up of which colours?',
    "T:What colours are on {country}'s flag?", 'T:Tell me the colours of the flag of {country}.',
    'T:colours of the {country} flag?', 'T:Which colours make up the flag of {country}?',
    'T:What colors does the flag of {country} have?', 'T:Describe the colours of the national flag of {country}.',
    'T:Which colours would you use to draw the flag of {country}?', 'T:Name every colour on the flag of {country}.',
  ] },
  flag_main_colour: { type: 'image_attribute', lines: [
    'What is the main colour of the flag of {country}?', 'Which colour covers most of the flag of {country}?',
    "What is the dominant colour on {country}'s flag?", 'Which colour takes up the largest area of the flag of {country}?',
    'What colour is most of the flag of {country}?',
    'H:Looking at the flag of {country}, which colour do you see the most?',
    "T:Which colour is most of {country}'s flag?", 'T:Tell me the main colour of the flag of {country}.',
    'T:main colour of the {country} flag?', 'T:What colour fills most of the flag of {country}?',
    'T:What is the most common colour on the flag of {country}?',
    'T:Which color covers the biggest part of the flag of {country}?',
    'T:The flag of {country} is mostly which colour?',
    'T:If you glance at the flag of {country}, what colour stands out most?',
  ] },
  emoji_colour: { type: 'image_attribute', lines: [
    'What is the main colour of the {emoji} emoji?', 'Which colour dominates the {emoji} emoji?',
    "What colour is the '{emoji}' emoji mostly?", 'What is the predominant colour of the {emoji} emoji?',
    'Mostly, what colour is the {emoji} emoji?',
    'H:If you had to describe the {emoji} emoji with one colour, which would it be?',
    'T:Which colour is the {emoji} emoji?', 'T:Tell me the main colour of the {emoji} emoji.',
    "T:colour of the '{emoji}' emoji?", 'T:What colour covers most of the {emoji} emoji?',
    'T:The {emoji} emoji is mostly which colour?', 'T:What color is the {emoji} emoji?',
    'T:Which colour do you see most in the {emoji} emoji?', "T:What is the chief colour of the '{emoji}' emoji?",
  ] },
  flag_country: { type: 'image_question', lines: [
    'Which country does this flag belong to?', 'Whose flag is this?', 'This is the flag of which country?',
    'Name the country this flag represents.', 'Which country uses this flag?',
    'H:What country is represented by the flag in this picture?', 'H:Identify the country that flies this flag.',
    'T:Tell me which country this flag is from.', 'T:This flag represents which nation?', 'T:whose flag?',
    'T:What nation does this flag stand for?', 'T:Which country owns this flag?',
    'T:Can you name the country of this flag?', "T:Which nation's flag is this one?",
    'T:Which country is this the national flag of?',
  ] },
  flag_capital: { type: 'image_question', lines: [
    'What is the capital of the country whose flag this is?', 'This flag belongs to a country. What is its capital?',
    'Name the capital city of the country with this flag.', 'Which city is the capital of the country that uses this flag?',
    'What is the capital of the country shown by this flag?',
    'H:The country flying this flag is governed from which city?',
    "T:This is a country's flag. Which city is its capital?", 'T:Tell me the capital of the country with this flag.',
    'T:capital of the country of this flag?', 'T:Where is the capital of the nation whose flag is shown?',
    'T:What is the capital city of the nation this flag represents?',
    "T:What city is the capital of this flag's country?", 'T:The nation with this flag has which capital?',
    'T:Find the capital of the country this flag stands for.',
  ] },
  shape_country: { type: 'image_question', lines: [
    'Which country has this shape?', 'This is the outline of which country?',
    'Name the country shown in this map outline.', 'Whose map outline is this?', "Which country's silhouette is this?",
    'H:Identify the country from its outline in the picture.', 'H:What country has borders shaped like this?',
    'T:Which country does this outline show?', 'T:Tell me which country has this shape.', 'T:whose outline?',
    'T:This map shape belongs to which nation?', 'T:Which nation is drawn in this silhouette?',
    'T:Can you name the country with this outline?', 'T:What country is this map of?',
    'T:Which country is outlined here?',
  ] },
  shape_capital: { type: 'image_question', lines: [
    'What is the capital of the country with this outline?', 'Name the capital of the country shown in this map outline.',
    'This silhouette shows a country. What is its capital?', 'Which city is the capital of the country shaped like this?',
    'What is the capital city of the country in this outline?',
    'H:The country drawn here is governed from which city?',
    'T:This outline shows a country. Which city is its capital?',
    'T:Tell me the capital of the country with this shape.', 'T:capital of the country in this outline?',
    'T:What is the capital of the nation in this silhouette?',
    'T:The country with this outline has which capital?', 'T:What city is the capital of the country pictured?',
    'T:Where is the capital of the country in this map shape?', 'T:Find the capital of the outlined country.',
  ] },
  emoji_name: { type: 'image_question', lines: [
    'Which emoji is this?', 'What is the name of this emoji?', 'Name this emoji.', 'What is this emoji called?',
    'Identify this emoji.',
    'H:What does this emoji depict? Give its name.', 'H:Which emoji is shown in the picture?',
    'T:Tell me the name of this emoji.', 'T:What emoji do we have here?', 'T:name of this emoji?',
    'T:What is this emoji?', 'T:Which emoji is this one?', 'T:Can you tell me what this emoji is called?',
    'T:What would you call this emoji?', 'T:Give the name of the emoji in the image.',
  ] },
  emoji_image_group: { type: 'image_question', lines: [
    'Which group does this emoji belong to?', 'In which emoji category is this emoji listed?',
    'What is the emoji group of the emoji shown?', 'This emoji is part of which group?', 'Name the group of this emoji.',
    'H:Under which heading of an emoji keyboard would you find this emoji?',
    'T:Tell me the group of this emoji.', 'T:Which category is this emoji in?', 'T:group of this emoji?',
    'T:What broad category does the pictured emoji fall into?', 'T:Which emoji group holds the emoji in this image?',
    'T:This emoji is classified in which category?', 'T:In which section of the emoji list is this emoji?',
    'T:What top-level emoji group is this emoji from?',
  ] },
  larger: { type: 'comparison', lines: [
    'Which is larger, {a} or {b}?', 'Which country has the bigger area, {a} or {b}?', 'Is {a} or {b} larger by area?',
    'Between {a} and {b}, which country is bigger?', 'Which covers more land, {a} or {b}?',
    'H:Of {a} and {b}, which has the greater surface area?', 'H:Comparing {a} with {b}, which one is the larger country?',
    'T:Tell me which is bigger: {a} or {b}.', 'T:Is {a} bigger than {b}, or the other way round?',
    'T:{a} or {b}: which is larger?', 'T:Which has more area, {a} or {b}?',
    'T:Which country is more extensive, {a} or {b}?', 'T:Which of {a} and {b} is the bigger country by area?',
    'T:Between {b} and {a}, which is larger?', 'T:Who has more territory, {a} or {b}?',
  ] },
  smaller: { type: 'comparison', lines: [
    'Which is smaller, {a} or {b}?', 'Which country has the smaller area, {a} or {b}?', 'Is {a} or {b} smaller by area?',
    'Between {a} and {b}, which country is smaller?', 'Which covers less land, {a} or {b}?',
    'H:Of {a} and {b}, which has the lesser surface area?',
    'T:Tell me which is smaller: {a} or {b}.', 'T:Is {a} smaller than {b}, or the other way round?',
    'T:{a} or {b}: which is smaller?', 'T:Which has less area, {a} or {b}?',
    'T:Which country is less extensive, {a} or {b}?', 'T:Which of {a} and {b} is the smaller country by area?',
    'T:Between {b} and {a}, which is smaller?', 'T:Who has less territory, {a} or {b}?',
  ] },
  landlocked_which: { type: 'comparison', lines: [
    'Which of {a} and {b} is landlocked?', 'Which country is landlocked, {a} or {b}?',
    '{a} or {b}: which one has no coastline?', 'Between {a} and {b}, which country lacks access to the sea?',
    'Which is the landlocked country, {a} or {b}?',
    'H:Only one of {a} and {b} is landlocked. Which one?',
    'T:Tell me which of {a} and {b} has no coast.', 'T:{a} or {b}: which one is landlocked?',
    'T:Which country has no sea coast, {a} or {b}?', 'T:Of {b} and {a}, which is surrounded by land?',
    'T:One of {a} and {b} has no coastline. Which?', 'T:Which of {a} and {b} cannot reach the sea directly?',
    'T:Which is without a coast, {a} or {b}?', 'T:Between {b} and {a}, which has no access to the sea at all?',
  ] },
  same_subregion: { type: 'comparison', lines: [
    'Are {a} and {b} in the same part of the world?', 'Do {a} and {b} lie in the same subregion?',
    'Is {a} in the same region of the world as {b}?', 'Are {a} and {b} located in the same subregion?',
    'Do {a} and {b} belong to the same part of the world?',
    'H:Would you find {a} and {b} in the same area of the world map?',
    'T:Are {a} and {b} in the same region?', 'T:Do {a} and {b} share a subregion?',
    'T:same part of the world: {a} and {b}?', 'T:Is {b} in the same subregion as {a}?',
    'T:Are {a} and {b} found in the same region of the globe?', 'T:Do {a} and {b} sit in the same part of the globe?',
    'T:Tell me whether {a} and {b} are in the same subregion.',
    'T:Would {a} and {b} be grouped in the same world region?',
  ] },
  emoji_same_group: { type: 'comparison', lines: [
    'Are the {a} and {b} emoji in the same group?', "Do '{a}' and '{b}' belong to the same emoji group?",
    'Is the {a} emoji in the same category as the {b} emoji?', "Are '{a}' and '{b}' listed in the same emoji category?",
    'Do the {a} emoji and the {b} emoji share a group?',
    "H:Would you find '{a}' and '{b}' under the same emoji heading?",
    "T:Are '{a}' and '{b}' in the same group?", 'T:Do the {a} and {b} emoji share a category?',
    'T:same emoji group: {a} and {b}?', 'T:Is the {b} emoji in the same group as the {a} emoji?',
    "T:Tell me whether '{a}' and '{b}' are in one emoji category.",
    'T:Are the {a} emoji and the {b} emoji classified together?',
    "T:Do '{a}' and '{b}' fall into the same emoji category?", 'T:Are the {a} and {b} emoji from the same group?',
  ] },
  landlocked: { type: 'yes_no', lines: [
    'Is {country} landlocked?', 'Is {country} a landlocked country?', 'Does {country} lack a coastline?',
    'Is {country} without access to the sea?', 'Is {country} completely surrounded by land?',
    'H:Would you call {country} a landlocked nation?',
    'T:Is {country} cut off from the sea?', 'T:Does {country} have no coast?', 'T:{country} landlocked?',
    'T:Is {country} entirely surrounded by other countries?', 'T:Tell me whether {country} is landlocked.',
    'T:Is {country} a country with no sea access?', 'T:Is it the case that {country} has no coastline?',
    'T:Is {country} an inland country?',
  ] },
  coastline: { type: 'yes_no', lines: [
    'Does {country} have a coastline?', 'Does {country} border the sea?', 'Does {country} have access to the sea?',
    'Can you reach the sea directly from {country}?', 'Is {country} a coastal country?',
    'H:Does {country} touch the ocean?',
    'T:Is {country} on the coast?', 'T:Does {country} have a sea coast?', 'T:{country} coastline?',
    'T:Does {country} lie on the sea?', 'T:Tell me whether {country} has a coastline.',
    'T:Is there a seashore in {country}?', 'T:Can ships reach {country} from the sea?',
    'T:Does {country} have any coast at all?',
  ] },
  flag_has_colour: { type: 'yes_no', lines: [
    'Does the flag of {country} contain {colour}?', 'Is there any {colour} on the flag of {country}?',
    "Is {colour} one of the colours of {country}'s flag?", "Does {country}'s flag include the colour {colour}?",
    'Does the flag of {country} have {colour} in it?',
    'H:Would you see the colour {colour} on the flag of {country}?',
    'T:Is {colour} on the flag of {country}?', "T:Does {country}'s flag use {colour}?",
    'T:{colour} in the {country} flag?', 'T:Tell me whether the flag of {country} has {colour}.',
    'T:Is the colour {colour} part of the flag of {country}?', 'T:Can you find {colour} on the flag of {country}?',
    "T:Does {colour} appear on {country}'s flag?", 'T:Is any part of the flag of {country} {colour}?',
  ] },
  capital_check: { type: 'yes_no', lines: [
    'Is {city} the capital of {country}?', 'Is the capital of {country} {city}?', 'Is {city} the capital city of {country}?',
    'Does {country} have {city} as its capital?', 'Is {country} governed from {city}?',
    'H:Is it true that {city} is the capital of {country}?',
    "T:Is {country}'s capital {city}?", "T:Is {city} {country}'s capital city?", 'T:{city} capital of {country}?',
    'T:Tell me whether {city} is the capital of {country}.', 'T:Does {country} have its capital in {city}?',
    'T:Is the capital city of {country} called {city}?', 'T:Is {city} the national capital of {country}?',
    'T:Would {city} be the capital of {country}?',
  ] },
  border_check: { type: 'yes_no', lines: [
    'Does {country} border {other}?', 'Do {country} and {other} share a border?', 'Is {other} a neighbour of {country}?',
    'Are {country} and {other} neighbouring countries?', 'Does {country} share a land border with {other}?',
    'H:Can you cross directly from {country} into {other} over land?',
    'T:Is {country} next to {other}?', 'T:Does {other} border {country}?', 'T:{country} borders {other}?',
    'T:Tell me whether {country} and {other} are neighbours.', 'T:Do {country} and {other} have a common border?',
    'T:Is {country} adjacent to {other}?', 'T:Are {country} and {other} next to each other?',
    'T:Does the border of {country} touch {other}?',
  ] },
  emoji_group_check: { type: 'yes_no', lines: [
    'Is the {emoji} emoji in the {group} group?', "Does the '{emoji}' emoji belong to the {group} group?",
    "Is '{emoji}' listed under {group}?", 'Is the {emoji} emoji part of the {group} category?',
    'Does the {group} group contain the {emoji} emoji?',
    'H:Would you find the {emoji} emoji among the {group} emoji?',
    "T:Is '{emoji}' in the {group} group?", 'T:Does the {emoji} emoji fall under {group}?',
    'T:{emoji} emoji in {group}?', 'T:Tell me whether the {emoji} emoji is in the {group} group.',
    'T:Is the {emoji} emoji classified as {group}?', 'T:Is the {group} category where the {emoji} emoji is?',
    'T:Does the {emoji} emoji come from the {group} group?', "T:Is the '{emoji}' emoji one of the {group} emoji?",
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
        text: /^[HT]:/.test(line) ? line.slice(2) : line,
        isHeldOut: line.startsWith('H:'),
        isTrainOnly: line.startsWith('T:'),
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
