/**
 * The CLI's environment, parsed once at start: where the API is and which key to send.
 * @module
 */
import { z } from 'zod';

const cliEnvSchema = z.object({
  /** @default http://localhost:8787 (the local stack of `npm start`) */
  RABLIP_API_URL: z.url({ protocol: /^https?$/ }).default('http://localhost:8787'),
  RABLIP_API_KEY: z.string().trim().min(1, 'set RABLIP_API_KEY to your API key (npm start prints a dev key)'),
});

export interface CliEnv {
  readonly apiUrl: string;
  readonly apiKey: string;
}

/** Parses the environment; throws a `ZodError` naming each bad variable. */
export function parseCliEnv(env: NodeJS.ProcessEnv): CliEnv {
  const e = cliEnvSchema.parse({
    RABLIP_API_URL: env['RABLIP_API_URL'] || undefined,
    RABLIP_API_KEY: env['RABLIP_API_KEY'] ?? '',
  });
  return { apiUrl: e.RABLIP_API_URL, apiKey: e.RABLIP_API_KEY };
}
