import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../src/core/errors.js';
import { TextTokenizer, buildGeneratorPrompt, buildQformerInstruction } from '../../../src/core/model/index.js';
import type { PromptSpec } from '../../../src/core/model/index.js';

const WORDS = [
  '[PAD]',
  '[IMG]',
  '[CLS]',
  '[SEP]',
  '[UNK]',
  'question',
  ':',
  'image',
  'references',
  'none',
  '[',
  ']',
  '1',
  '2',
  'text',
  'what',
  'is',
  'it',
  '?',
  'a',
  'red',
  'box',
  'boxes',
  'are',
  '##s',
  '|',
];
const id = (word: string) => WORDS.indexOf(word);

/** A small BERT-style tokenizer.json: lowercase, split on punctuation, WordPiece, `[CLS] … [SEP]`. */
function bertTokenizerJson() {
  const special = (content: string) => ({
    id: id(content),
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: ['[PAD]', '[IMG]', '[CLS]', '[SEP]', '[UNK]'].map(special),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: true,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
      ],
      pair: [],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [id('[CLS]')], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [id('[SEP]')], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(WORDS.map((w, i) => [w, i])),
    },
  };
}

const spec: PromptSpec = {
  questionPrefix: 'question:',
  questionImage: 'image:',
  referencesHeader: 'references:',
  noReferences: 'none',
  referenceNumber: '[{n}]',
  imageReference: 'image:',
  textReference: 'text:',
  maxRefTokens: 2,
  maxReferences: 2,
  instructionJoin: ' | ',
};
const special = { imageTokenId: id('[IMG]'), eosId: id('[SEP]'), nQuery: 2, maxLength: 64 };
let tokenizer: TextTokenizer;

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'prompt-test-'));
  await writeFile(join(dir, 'tokenizer.json'), JSON.stringify(bertTokenizerJson()));
  tokenizer = await TextTokenizer.fromFile(join(dir, 'tokenizer.json'));
});

const words = (ids: readonly number[]) => ids.map((i) => WORDS[i]).join(' ');

describe('tokenizer decode', () => {
  it('gives empty text for no ids (a generation that stopped at its first token)', () => {
    expect(tokenizer.decode([])).toBe('');
  });
});

describe('generator prompt', () => {
  it('lays out question, question image, numbered references and EOS', () => {
    const prompt = buildGeneratorPrompt(tokenizer, spec, special, {
      question: 'What is it?',
      hasQuestionImage: true,
      references: [
        { kind: 'image', caption: 'a red box' },
        { kind: 'text', text: 'boxes are red' },
      ],
    });
    expect(words(prompt.inputIds)).toBe(
      'question : what is it ? image : [IMG] [IMG] references : [ 1 ] image : [IMG] [IMG] a red [ 2 ] text : boxes are [SEP]',
    );
    expect(prompt.imageSlots).toBe(2);
  });

  it('says none when there are no references', () => {
    const prompt = buildGeneratorPrompt(tokenizer, spec, special, {
      question: 'red?',
      hasQuestionImage: false,
      references: [],
    });
    expect(words(prompt.inputIds)).toBe('question : red ? references : none [SEP]');
    expect(prompt.imageSlots).toBe(0);
  });

  it('refuses more references than maxReferences, and prompts longer than maxLength', () => {
    const three = {
      question: 'a',
      hasQuestionImage: false,
      references: [1, 2, 3].map(() => ({ kind: 'text' as const, text: 'a' })),
    };
    expect(() => buildGeneratorPrompt(tokenizer, spec, special, three)).toThrow(AppError);
    const short = { ...special, maxLength: 5 };
    expect(() =>
      buildGeneratorPrompt(tokenizer, spec, short, { question: 'a', hasQuestionImage: false, references: [] }),
    ).toThrow(/more than the generator's 5/);
  });
});

describe('Q-Former instruction', () => {
  it('joins question and caption, leaving out a blank part', () => {
    expect(buildQformerInstruction(spec, 'what is it?', 'a red box')).toBe('what is it? | a red box');
    expect(buildQformerInstruction(spec, '', 'a red box')).toBe('a red box');
    expect(buildQformerInstruction(spec, 'what?', ' ')).toBe('what?');
  });

  it('is tokenised with special tokens and truncated keeping [SEP]', () => {
    const ids = tokenizer.encode('what is it | a red box', { maxLength: 5 });
    expect(words(ids)).toBe('[CLS] what is it [SEP]');
    expect(words(tokenizer.encode('red box'))).toBe('[CLS] red box [SEP]');
  });

  it('decodes without special tokens', () => {
    expect(tokenizer.decode([id('[CLS]'), id('red'), id('box'), id('##s'), id('[SEP]')])).toBe('red boxs');
  });
});
