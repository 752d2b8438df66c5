import { describe, expect, it } from 'vitest';
import { generateSequences, resolveGenerationConfig } from '../../../src/core/model/index.js';
import { EOS, FAKE_DIMS, fakeConfig, fakeEncoder, scriptedStep } from './scripted-step.js';
import type { Script, StepLog } from './scripted-step.js';

const log = Math.log;

/**
 * Greedy takes 1 (0.6), 3 (0.35), 6 (0.9); beams find 2 (0.4), 3 (0.9), EOS. The continuations of `1,3` and `2,3`
 * differ, so a beam that continues the wrong cache row gets another answer.
 */
const gardenPath: Script = (_request, history) => {
  const key = history.join(',');
  if (key === '') return { 1: log(0.6), 2: log(0.4) };
  if (key === '1') return { 3: log(0.35), 4: log(0.35), 5: log(0.3) };
  if (key === '2') return { 3: log(0.9), 4: log(0.1) };
  if (key === '1,3') return { 6: log(0.9), [EOS]: log(0.1) };
  return { [EOS]: 0 };
};

async function decode(script: Script, configs = [fakeConfig()], stepLog?: StepLog) {
  return generateSequences(scriptedStep(script, stepLog), FAKE_DIMS, fakeEncoder(configs.length), configs);
}

describe('greedy decoding', () => {
  it('takes the arg-max token each step and stops at EOS, which it leaves out', async () => {
    const [out] = await decode(gardenPath);
    expect(out!.tokens).toEqual([1, 3, 6]);
    expect(out!.steps).toBe(4);
  });

  it('stops at maxNewTokens when EOS never comes', async () => {
    const [out] = await decode(() => ({ 4: 0 }), [fakeConfig({ maxNewTokens: 5 })]);
    expect(out!.tokens).toEqual([4, 4, 4, 4, 4]);
  });

  it('masks EOS until minNewTokens tokens exist', async () => {
    const eager: Script = () => ({ [EOS]: log(0.6), 4: log(0.4) });
    const [free] = await decode(eager);
    const [held] = await decode(eager, [fakeConfig({ minNewTokens: 3 })]);
    expect(free!.tokens).toEqual([]);
    expect(held!.tokens).toEqual([4, 4, 4]);
    expect(held!.steps).toBe(4);
  });

  it('breaks ties towards the lower token id', async () => {
    const [out] = await decode(() => ({ 5: 0, 2: 0, 6: 0 }), [fakeConfig({ maxNewTokens: 2 })]);
    expect(out!.tokens).toEqual([2, 2]);
  });
});

describe('beam search', () => {
  it('finds the better sequence greedy misses, continuing the right cache rows', async () => {
    const [out] = await decode(gardenPath, [fakeConfig({ numBeams: 2 })]);
    expect(out!.tokens).toEqual([2, 3]);
    // sum of log-probs over the length counting EOS
    expect(out!.score).toBeCloseTo((log(0.4) + log(0.9)) / 3, 5);
  });

  it('lets lengthPenalty pick between a short and a long hypothesis', async () => {
    const script: Script = (_r, history) => {
      const key = history.join(',');
      if (key === '') return { 1: log(0.55), 2: log(0.45) };
      if (key === '2') return { 3: 0 };
      return { [EOS]: 0 };
    };
    const [neutral] = await decode(script, [fakeConfig({ numBeams: 2, lengthPenalty: 0 })]);
    const [long] = await decode(script, [fakeConfig({ numBeams: 2, lengthPenalty: 1 })]);
    expect(neutral!.tokens).toEqual([1]);
    expect(long!.tokens).toEqual([2, 3]);
  });

  it('closes the open beams at maxNewTokens and returns the best', async () => {
    const [out] = await decode(() => ({ 4: log(0.7), 5: log(0.3) }), [fakeConfig({ numBeams: 3, maxNewTokens: 3 })]);
    expect(out!.tokens).toEqual([4, 4, 4]);
  });
});

describe('batched decoding', () => {
  it('decodes rows together and drops each row when it stops', async () => {
    const script: Script = (request, history) => {
      const length = request === 0 ? 2 : 5;
      return history.length < length ? { [3 + request]: 0 } : { [EOS]: 0 };
    };
    const stepLog: StepLog = { rows: [] };
    const out = await decode(script, [fakeConfig(), fakeConfig()], stepLog);
    expect(out.map((o) => o.tokens)).toEqual([
      [3, 3],
      [4, 4, 4, 4, 4],
    ]);
    expect(stepLog.rows).toEqual([2, 2, 2, 1, 1, 1]);
  });

  it('gives each request of a mixed batch what it gets alone', async () => {
    const script: Script = (request, history) => (request === 0 ? { 6: 0 } : gardenPath(request, history));
    const configs = [fakeConfig({ maxNewTokens: 4 }), fakeConfig({ numBeams: 2 }), fakeConfig()];
    const stepLog: StepLog = { rows: [] };
    const together = await decode(script, configs, stepLog);
    expect(together.map((o) => o.tokens)).toEqual([
      [6, 6, 6, 6],
      [2, 3],
      [1, 3, 6],
    ]);
    expect(stepLog.rows[0]).toBe(4);
  });
});

describe('generation options', () => {
  const tokens = { eosTokenId: 2, decoderStartTokenId: 1 };

  it('fills defaults and the bundle tokens', () => {
    expect(resolveGenerationConfig(undefined, tokens)).toEqual({
      maxNewTokens: 32,
      minNewTokens: 0,
      numBeams: 1,
      wholeWords: true,
      noRepeatNgramSize: 3,
      answerGrammar: true,
      lengthPenalty: 1,
      ...tokens,
    });
  });

  it('refuses unknown keys and values out of range', () => {
    expect(() => resolveGenerationConfig({ maxNewTokens: 0 }, tokens)).toThrow(/maxNewTokens/);
    expect(() => resolveGenerationConfig({ minNewTokens: 9, maxNewTokens: 4 }, tokens)).toThrow(/minNewTokens/);
    expect(() => resolveGenerationConfig({ topP: 0.9 } as never, tokens)).toThrow(/invalid generation options/);
  });
});
