import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../../src/core/config.js';

describe('parsing the configuration from the environment', () => {
  it('gives the local stack its defaults when nothing is set, ignoring variables that are not ours', () => {
    const config = parseConfig({ PATH: '/usr/bin', HOME: '/root', AWS_LAMBDA_FUNCTION_NAME: 'api' });
    expect(config.local).toMatchObject({ port: 8787, dataDir: './data', knowledgeDir: './knowledge', tenant: 'dev' });
    expect(config.local.apiKey).toBeUndefined();
    expect(config.model).toMatchObject({ backend: 'in-process', bundleDir: 'models/ra-blip-mini', timeoutMs: 25_000 });
    expect(config.index.backend).toBe('embedded');
    expect(config.limits.image).toEqual({ maxBytes: 3_145_728, maxPixels: 16_777_216 });
    expect(config.answer.budget).toEqual({ maxReferences: 5, maxPromptTokens: 480, maxRefTokens: 64, imageTokens: 16 });
  });

  it('reads numbers from strings and treats empty values as unset', () => {
    const config = parseConfig({ RABLIP_PORT: '9000', RABLIP_API_KEY: '', RABLIP_MAX_NEW_TOKENS: '12' });
    expect(config.local.port).toBe(9000);
    expect(config.local.apiKey).toBeUndefined();
    expect(config.answer.generation.maxNewTokens).toBe(12);
  });

  it('fails on an unknown RABLIP_ setting, so a typo never silently falls back to a default', () => {
    expect(() => parseConfig({ RABLIP_PROT: '9000' })).toThrow(ConfigError);
    expect(() => parseConfig({ RABLIP_PROT: '9000' })).toThrow(/unknown setting\(s\): RABLIP_PROT/);
  });

  it('fails on bad values, naming each one', () => {
    const attempt = () => parseConfig({ RABLIP_PORT: 'http', RABLIP_MODEL_BACKEND: 'gpu', RABLIP_API_KEY: 'short' });
    expect(attempt).toThrow(/RABLIP_PORT/);
    expect(attempt).toThrow(/RABLIP_MODEL_BACKEND/);
    expect(attempt).toThrow(/RABLIP_API_KEY: at least 16 characters/);
  });

  it('requires the settings of each chosen backend', () => {
    expect(() => parseConfig({ RABLIP_INDEX_BACKEND: 'pinecone' })).toThrow(
      /missing: RABLIP_PINECONE_HOST, RABLIP_PINECONE_API_KEY/,
    );
    const pinecone = parseConfig({
      RABLIP_INDEX_BACKEND: 'pinecone',
      RABLIP_PINECONE_HOST: 'https://idx.svc.pinecone.io',
      RABLIP_PINECONE_API_KEY_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123:secret:pc',
    });
    expect(pinecone.index.pineconeApiKeySecretArn).toMatch(/^arn:/);
    expect(() => parseConfig({ RABLIP_MODEL_BACKEND: 'sagemaker' })).toThrow(/RABLIP_SAGEMAKER_ENDPOINT, AWS_REGION/);
    const sagemaker = { RABLIP_MODEL_BACKEND: 'sagemaker', RABLIP_SAGEMAKER_ENDPOINT: 'ep', AWS_REGION: 'eu-west-1' };
    expect(parseConfig(sagemaker).aws.region).toBe('eu-west-1');
    expect(() => parseConfig({ RABLIP_STATE_BACKEND: 'dynamodb', RABLIP_JOBS_TABLE: 'jobs' })).toThrow(
      /missing: RABLIP_USAGE_TABLE, RABLIP_API_KEYS_TABLE/,
    );
    const aws = parseConfig({
      RABLIP_MODEL_BACKEND: 'http',
      RABLIP_MODEL_URL: 'http://127.0.0.1:8080',
      RABLIP_BLOB_BACKEND: 's3',
      RABLIP_BLOB_BUCKET: 'blobs',
    });
    expect(aws.model.url).toBe('http://127.0.0.1:8080');
    expect(aws.blobs).toMatchObject({ backend: 's3', bucket: 'blobs' });
  });
});
