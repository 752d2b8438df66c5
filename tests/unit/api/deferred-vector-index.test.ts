import { describe, expect, it } from 'vitest';
import { deferVectorIndex } from '../../../functions/api/deferred-vector-index.js';
import { AppError } from '../../../src/core/errors.js';
import { MemoryVectorIndex } from '../../support/fakes/memory-vector-index.js';

describe('an index built on first use', () => {
  it('builds nothing until a call needs it, then builds once', async () => {
    let builds = 0;
    const index = deferVectorIndex(async () => {
      builds += 1;
      return new MemoryVectorIndex();
    });
    expect(builds).toBe(0);
    await Promise.all([index.fetch('t', ['a']), index.query('t', new Float32Array(4), 1)]);
    await index.delete('t', ['a']);
    expect(builds).toBe(1);
  });

  it('retries the build after a failure (the model endpoint was still scaling)', async () => {
    let attempt = 0;
    const index = deferVectorIndex(async () => {
      attempt += 1;
      if (attempt === 1) throw new AppError('model_unavailable', 'scaling');
      return new MemoryVectorIndex();
    });
    await expect(index.fetch('t', ['a'])).rejects.toMatchObject({ code: 'model_unavailable' });
    await expect(index.fetch('t', ['a'])).resolves.toEqual([]);
  });
});
