/**
 * Splits a plain-text or Markdown document into passages of bounded length, each titled by its Markdown section
 * (or the file name). Paragraphs are packed together; an over-long paragraph is cut at sentence ends, and an
 * over-long sentence at word boundaries.
 * @module
 */

/** One passage cut from a document. */
export interface Passage {
  readonly title: string;
  readonly text: string;
}

export interface SplitOptions {
  readonly maxChars: number;
  /** Title of passages before the first heading (the file name without extension). */
  readonly defaultTitle: string;
  /** Read `#` headings as section titles and strip inline Markdown. */
  readonly isMarkdown: boolean;
}

interface Section {
  readonly title: string;
  readonly paragraphs: string[];
}

function stripInlineMarkdown(line: string): string {
  return line
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/(\*\*|__|`)/g, '')
    .replace(/^\s*(?:[-*+]|>)\s+/, '');
}

function collectSections(text: string, options: SplitOptions): Section[] {
  const sections: Section[] = [{ title: options.defaultTitle, paragraphs: [] }];
  let paragraph: string[] = [];
  const flush = (): void => {
    const joined = paragraph.join(' ').replace(/\s+/g, ' ').trim();
    if (joined !== '') sections.at(-1)?.paragraphs.push(joined);
    paragraph = [];
  };
  for (const raw of text.split(/\r?\n/)) {
    const heading = options.isMarkdown ? /^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$/.exec(raw) : null;
    if (heading?.[1] !== undefined) {
      flush();
      sections.push({ title: stripInlineMarkdown(heading[1]), paragraphs: [] });
    } else if (raw.trim() === '' || (options.isMarkdown && /^\s*(```|~~~|---+\s*$)/.test(raw))) {
      flush();
    } else {
      paragraph.push(options.isMarkdown ? stripInlineMarkdown(raw) : raw);
    }
  }
  flush();
  return sections.filter((section) => section.paragraphs.length > 0);
}

/** Cuts one unit (a sentence) that is longer than `maxChars` at word boundaries, or mid-word as a last resort. */
function cutWords(unit: string, maxChars: number): string[] {
  const pieces: string[] = [];
  let current = '';
  for (const word of unit.split(' ')) {
    for (let start = 0; start < word.length; start += maxChars) {
      const chunk = word.slice(start, start + maxChars);
      if (current !== '' && current.length + 1 + chunk.length > maxChars) {
        pieces.push(current);
        current = chunk;
      } else {
        current = current === '' ? chunk : `${current} ${chunk}`;
      }
    }
  }
  if (current !== '') pieces.push(current);
  return pieces;
}

/** Packs units (paragraphs or sentences) greedily into pieces of at most `maxChars`. */
function pack(units: readonly string[], maxChars: number, separator: string): string[] {
  const pieces: string[] = [];
  let current = '';
  for (const unit of units) {
    if (current !== '' && current.length + separator.length + unit.length <= maxChars) {
      current = `${current}${separator}${unit}`;
      continue;
    }
    if (current !== '') pieces.push(current);
    current = unit;
  }
  if (current !== '') pieces.push(current);
  return pieces;
}

function splitLongParagraph(paragraph: string, maxChars: number): string[] {
  const sentences = paragraph.split(/(?<=[.!?])\s+/).flatMap((sentence) => cutWords(sentence, maxChars));
  return pack(sentences, maxChars, ' ');
}

/**
 * The passages of a document, in reading order.
 * @example splitPassages('# Lakes\nLake Zorb is deep.', { maxChars: 400, defaultTitle: 'notes', isMarkdown: true })
 *   // [{ title: 'Lakes', text: 'Lake Zorb is deep.' }]
 */
export function splitPassages(text: string, options: SplitOptions): Passage[] {
  const passages: Passage[] = [];
  for (const section of collectSections(text, options)) {
    const units = section.paragraphs.flatMap((paragraph) =>
      paragraph.length > options.maxChars ? splitLongParagraph(paragraph, options.maxChars) : [paragraph],
    );
    for (const piece of pack(units, options.maxChars, '\n\n')) passages.push({ title: section.title, text: piece });
  }
  return passages;
}
