/**
 * The runtime's `qformerQuestion` override, which the no-question-instruction ablation uses: on the tiny bundle that
 * pytest exports, it changes what the Q-Former reads and nothing else.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelRuntime, type RuntimeGenerateRequest } from '../../../src/core/model/index.js';
import { parityBundleDir, readFixture } from '../../parity/parity-fixture.js';

readFixture('ra-blip-tiny'); // fails with "run pytest first" when the bundle is absent
let runtime: ModelRuntime;
let request: RuntimeGenerateRequest;

beforeAll(async () => {
  runtime = await ModelRuntime.load(parityBundleDir('ra-blip-tiny'), { intraOpNumThreads: 1 });
  const png = await sharp({ create: { width: 16, height: 16, channels: 3, background: { r: 10, g: 120, b: 200 } } })
    .png()
    .toBuffer();
  const features = await runtime.encodeImage(png);
  request = {
    question: 'which colour is the flag?',
    questionImageFeatures: features,
    references: [{ id: 'kb-1', kind: 'image', features, caption: 'a blue flag' }],
    options: { maxNewTokens: 4 },
  };
});

afterAll(async () => {
  await runtime?.release();
});

describe('the Q-Former question override', () => {
  it('reads the images without the question when it is empty', async () => {
    const [instructed, blank] = await runtime.queryImageSlots([request, { ...request, qformerQuestion: '' }]);
    expect(instructed!.length).toBe(blank!.length);
    expect(Array.from(blank!)).not.toEqual(Array.from(instructed!));
  });

  it('changes nothing when it repeats the question', async () => {
    const [instructed, same] = await runtime.queryImageSlots([
      request,
      { ...request, qformerQuestion: request.question },
    ]);
    expect(Array.from(same!)).toEqual(Array.from(instructed!));
  });

  it('leaves the generator prompt as it is', () => {
    expect(runtime.buildPrompt({ ...request, qformerQuestion: '' }).inputIds).toEqual(
      runtime.buildPrompt(request).inputIds,
    );
  });
});
