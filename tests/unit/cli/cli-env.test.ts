import { describe, expect, it } from 'vitest';
import { parseCliEnv } from '../../../cli/cli-env.js';

describe('rablip environment', () => {
  it('talks to the local stack unless RABLIP_API_URL says otherwise', () => {
    expect(parseCliEnv({ RABLIP_API_KEY: 'k' })).toEqual({ apiUrl: 'http://localhost:8787', apiKey: 'k' });
    expect(parseCliEnv({ RABLIP_API_KEY: 'k', RABLIP_API_URL: 'https://api.example.com/' }).apiUrl).toBe(
      'https://api.example.com/',
    );
  });

  it('refuses a missing key and a URL that is not http(s)', () => {
    expect(() => parseCliEnv({})).toThrow(/RABLIP_API_KEY/);
    expect(() => parseCliEnv({ RABLIP_API_KEY: 'k', RABLIP_API_URL: 'ftp://x' })).toThrow();
  });
});
