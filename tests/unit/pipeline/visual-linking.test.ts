/**
 * Visual entity linking over the fake ports: visual keys written and removed with their image items, and the
 * two-hop retrieval (link the question image, then retrieve for "<caption>. <question>").
 */
import { describe, expect, it } from 'vitest';
import {
  answerQuestion,
  assembleKnowledge,
  linkedQueryText,
  removeKnowledge,
  retrieveKnowledge,
  uploadKnowledge,
  visualNamespace,
} from '../../../src/core/pipeline/index.js';
import type { VectorMatch } from '../../../src/core/ports.js';
import { computeVisualKeys } from '../../../src/core/model/visual-keys.js';
import { FAKE_DIMENSIONS } from '../../support/fakes/fake-model-client.js';
import { fakeServices, type FakeServices } from '../../support/fakes/fake-services.js';
import { solidPng } from '../../support/fakes/image-fixtures.js';
import { answerOptions, uploadOptions } from '../../support/fakes/pipeline-options.js';

const options = answerOptions;
const QUESTION = 'Which city governs the country flying this flag?';
const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

async function seeded(services: FakeServices, flag: Uint8Array): Promise<void> {
  await uploadKnowledge(
    services,
    'acme',
    [
      { id: 'flag-asm', image: base64(flag), caption: 'Flag of American Samoa' },
      { id: 'asm-capital', text: 'The capital of American Samoa is Pago Pago.' },
      { id: 'cheese', text: 'Freedonia exports cheese.' },
    ],
    uploadOptions,
  );
}

describe('visual keys at ingest', () => {
  it('stores one key per image item in the visual namespace, with the item’s metadata, from the item’s own model call', async () => {
    const services = fakeServices();
    const flag = await solidPng(8, 8);
    await seeded(services, flag);
    expect(services.index.size(visualNamespace('acme'))).toBe(1);
    const [key] = await services.index.fetch(visualNamespace('acme'), ['flag-asm']);
    const [item] = await services.index.fetch('acme', ['flag-asm']);
    const [expected] = await computeVisualKeys([flag], FAKE_DIMENSIONS);
    expect(Array.from(key?.values ?? [])).toEqual(Array.from(expected!));
    expect(key?.metadata).toEqual(item?.metadata);
    // The key comes with the item's own embedding: no extra model call.
    expect(services.model.calls.embedKnowledge.flat().filter((input) => input.kind === 'image')).toEqual([
      { kind: 'image', image: flag, caption: 'Flag of American Samoa' },
    ]);
  });

  it('is idempotent: the same upload again writes nothing and calls no model', async () => {
    const services = fakeServices();
    const flag = await solidPng(8, 8);
    await seeded(services, flag);
    const upserts = services.index.upserts.length;
    const embedCalls = services.model.calls.embedKnowledge.length;
    await seeded(services, flag);
    expect(services.index.upserts).toHaveLength(upserts);
    expect(services.model.calls.embedKnowledge).toHaveLength(embedCalls);
  });

  it('gives an image item stored without a key (before keys existed) its key on the next delivery', async () => {
    const services = fakeServices();
    const flag = await solidPng(8, 8);
    await seeded(services, flag);
    await services.index.delete(visualNamespace('acme'), ['flag-asm']);
    await uploadKnowledge(
      services,
      'acme',
      [{ id: 'flag-asm', image: base64(flag), caption: 'Flag of American Samoa' }],
      uploadOptions,
    );
    expect(services.index.size(visualNamespace('acme'))).toBe(1);
  });

  it('removes the key with its item, and when the id comes back as text', async () => {
    const services = fakeServices();
    const flag = await solidPng(8, 8);
    await seeded(services, flag);
    await removeKnowledge(services, 'acme', 'flag-asm');
    expect(services.index.size(visualNamespace('acme'))).toBe(0);

    await seeded(services, flag);
    await uploadKnowledge(services, 'acme', [{ id: 'flag-asm', text: 'No longer a picture.' }], uploadOptions);
    expect(services.index.size(visualNamespace('acme'))).toBe(0);
    expect(services.index.size('acme')).toBe(3);
  });
});

describe('answering with a question image', () => {
  it('links the image to the stored item it shows, leads with it, and retrieves for its caption', async () => {
    const services = fakeServices();
    const flag = await solidPng(8, 8);
    await seeded(services, flag);
    const result = await answerQuestion(
      services,
      { tenant: 'acme', question: QUESTION, image: flag, topK: 3 },
      options,
    );
    expect(result.evidence[0]).toMatchObject({ id: 'flag-asm', modality: 'image', linked: true });
    expect(result.questionImage).toEqual({ linked: true });
    expect(result.evidence[0]?.score).toBeCloseTo(1, 6);
    expect(result.evidence.map((evidence) => evidence.id)).toContain('asm-capital');
    expect(result.evidence.filter((evidence) => evidence.linked)).toHaveLength(1);
    expect(services.model.calls.embedText.at(-1)).toEqual([`Flag of American Samoa. ${QUESTION}`]);
    const generated = services.model.calls.generate.at(-1);
    expect(generated?.references[0]?.id).toBe('flag-asm');
    // The generator reads the linked question too: it is trained on it, and it names the entity.
    expect(generated?.question).toBe(`Flag of American Samoa. ${QUESTION}`);
    expect(generated?.questionImageLinked).toBe(true);
  });

  it('keeps the fused image + question retrieval when the image matches no stored image', async () => {
    const services = fakeServices();
    await seeded(services, await solidPng(8, 8));
    const other = await solidPng(9, 9, { r: 10, g: 10, b: 200 });
    const result = await answerQuestion(
      services,
      { tenant: 'acme', question: QUESTION, image: other, topK: 1 },
      options,
    );
    // The fake fuses by the question's words: "flag" finds the flag, nothing names American Samoa.
    expect(result.evidence.map((evidence) => evidence.id)).toEqual(['flag-asm']);
    expect(result.evidence[0]?.linked).toBeUndefined();
    expect(result.questionImage).toEqual({ linked: false });
    // One model call reads the picture: the linking call, instructed by the question, also gives the fused vector.
    const pictureCalls = services.model.calls.embedKnowledge.filter((call) =>
      call.some((c) => c.kind === 'image' && c.image === other),
    );
    expect(pictureCalls).toEqual([[{ kind: 'image', image: other, caption: QUESTION }]]);
    expect(services.model.calls.embedText.at(-1)).toEqual([QUESTION]);
    expect(services.model.calls.generate.at(-1)?.question).toBe(QUESTION);
    // The generator is told, so that it can apply the bundle's unlinked-image abstention bias.
    expect(services.model.calls.generate.at(-1)?.questionImageLinked).toBe(false);
  });

  it('links nothing when the threshold is above 1', async () => {
    const services = fakeServices();
    const flag = await solidPng(8, 8);
    await seeded(services, flag);
    const result = await answerQuestion(
      services,
      { tenant: 'acme', question: QUESTION, image: flag, topK: 3 },
      { ...options, visualLinkThreshold: 1.5 },
    );
    expect(result.evidence.some((evidence) => evidence.linked)).toBe(false);
  });
});

describe('retrieving for a batch of questions', () => {
  it('keeps query order, caps at topK with the linked item first and once, and returns question-image features', async () => {
    const services = fakeServices();
    const flag = await solidPng(8, 8);
    await seeded(services, flag);
    const { results } = await retrieveKnowledge(
      services,
      'acme',
      [
        { question: 'What does Freedonia export?' },
        { question: 'Flag of American Samoa capital?', image: flag },
        { question: 'What is this?', image: await solidPng(5, 5, { r: 10, g: 10, b: 200 }) },
      ],
      { topK: 2, visualLinkThreshold: 0.985 },
    );
    expect(results[0]).toMatchObject({ matches: [{ id: 'cheese' }, expect.anything()] });
    expect(results[0]?.linkedId).toBeUndefined();
    expect(results[0]?.question).toBe('What does Freedonia export?');
    expect(results[1]?.linkedId).toBe('flag-asm');
    expect(results[1]?.question).toBe('Flag of American Samoa. Flag of American Samoa capital?');
    expect(results[1]?.matches.map((match) => match.id)).toEqual(['flag-asm', 'asm-capital']);
    expect(results[1]?.questionImageFeatures?.dims).toEqual([4, 3]);
    expect(results[2]?.linkedId).toBeUndefined();
    expect(results.every((result) => result.matches.length <= 2)).toBe(true);
  });

  it('queries an unlinked image question with the normalised sum of its fused and its text embedding', async () => {
    const services = fakeServices();
    await seeded(services, await solidPng(8, 8));
    const image = await solidPng(5, 5, { r: 10, g: 10, b: 200 });
    const question = 'What does Freedonia export?';
    const { results } = await retrieveKnowledge(services, 'acme', [{ question, image }], {
      topK: 3,
      visualLinkThreshold: 0.985,
    });
    const [fused] = await services.model.embedKnowledge([{ kind: 'image', image, caption: question }]);
    const [text] = await services.model.embedText([question]);
    const sum = fused!.embedding.map((value, i) => value + text![i]!);
    const norm = Math.hypot(...sum);
    const vector = results[0]!.vector;
    expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
    vector.forEach((value, i) => expect(value).toBeCloseTo(sum[i]! / norm, 5));
    // The question's words count, whatever the picture: the fact it asks about is retrieved.
    expect(results[0]?.matches.map((match) => match.id)).toContain('cheese');
    expect(results[0]?.linkedId).toBeUndefined();
  });

  it('names the linked entity before the question', () => {
    expect(linkedQueryText('Flag of Peru.', 'Capital?')).toBe('Flag of Peru. Capital?');
    expect(linkedQueryText('  Emoji: fog ', 'Name?')).toBe('Emoji: fog. Name?');
    expect(linkedQueryText('', 'Name?')).toBe('Name?');
  });

  it('puts the lead match first in the prompt whatever its score', () => {
    const match = (id: string, score: number): VectorMatch => ({
      id,
      score,
      metadata: { modality: 'text', content: id, source: 's', modelVersion: 'm@1' },
    });
    const budget = options.budget;
    const matches = [match('a', 0.9), match('b', 0.5), match('c', 0.7)];
    expect(assembleKnowledge(matches, budget, 400, { leadId: 'b' }).selected.map((m) => m.id)).toEqual(['b', 'a', 'c']);
    expect(assembleKnowledge(matches, budget, 400).selected.map((m) => m.id)).toEqual(['a', 'c', 'b']);
  });
});
