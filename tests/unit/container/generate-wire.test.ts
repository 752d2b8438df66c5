/**
 * The container's `generate` request on the wire: what the SageMaker adapter sends is what the container reads.
 */
import { describe, expect, it } from 'vitest';
import { fromGenerateRequest, invocationRequestSchema, toGenerateRequest } from '../../../model-container/wire.js';
import type { GenerateRequest } from '../../../src/core/ports.js';

function roundTrip(request: GenerateRequest): GenerateRequest {
  const parsed = invocationRequestSchema.parse(JSON.parse(JSON.stringify(toGenerateRequest(request))));
  if (parsed.operation !== 'generate') throw new Error(`expected a generate request, got ${parsed.operation}`);
  return fromGenerateRequest(parsed);
}

describe('the generate request on the wire', () => {
  const text = { id: 't', kind: 'text', text: 'Lima is the capital of Peru.', score: 0.8 } as const;

  it('carries whether the question image linked, so the container picks the abstention bias', () => {
    const image = new Uint8Array([137, 80, 78, 71]);
    for (const questionImageLinked of [true, false]) {
      const back = roundTrip({
        question: 'Whose flag?',
        questionImage: image,
        questionImageLinked,
        references: [text],
      });
      expect(back.questionImageLinked).toBe(questionImageLinked);
      expect(back.questionImage).toEqual(image);
    }
  });

  it('carries the question image as its ViT features instead of its bytes when the caller has them', () => {
    const features = { dims: [2, 3] as const, data: new Float32Array([0.5, -1, 2, 0, 1e-3, 7]) };
    const wire = toGenerateRequest({
      question: 'Whose flag?',
      questionImage: new Uint8Array([137, 80, 78, 71]),
      questionImageFeatures: features,
      questionImageLinked: false,
      references: [text],
    });
    expect(wire).not.toHaveProperty('questionImage');
    const back = roundTrip({ question: 'Whose flag?', questionImageFeatures: features, references: [text] });
    expect(back.questionImageFeatures?.dims).toEqual([2, 3]);
    expect(Array.from(back.questionImageFeatures!.data)).toEqual(Array.from(features.data));
    expect(back).not.toHaveProperty('questionImage');
  });

  it('refuses question-image features that are not [n_patch, d_vit]', () => {
    const wire = {
      ...toGenerateRequest({ question: 'q', references: [] }),
      questionImageFeatures: { dims: [4], data: Buffer.from(new Float32Array(4).buffer).toString('base64') },
    };
    expect(invocationRequestSchema.safeParse(wire).success).toBe(false);
  });

  it('leaves the flag out when the caller did not link', () => {
    const back = roundTrip({ question: 'Capital of Peru?', references: [text] });
    expect(back).not.toHaveProperty('questionImageLinked');
    expect(back.references).toEqual([text]);
  });

  it('refuses a flag that is not a boolean', () => {
    const wire = { ...toGenerateRequest({ question: 'q', references: [] }), questionImageLinked: 'no' };
    expect(invocationRequestSchema.safeParse(wire).success).toBe(false);
  });
});
