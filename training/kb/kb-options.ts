/**
 * Command-line options of `npm run kb:build` and `training/kb/build-questions.ts`, parsed once into a typed object.
 * @module
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';

const kbOptionsSchema = z
  .object({
    /** Output folder. @default 'build/kb' */
    out: z.string().min(1).default('build/kb'),
    /** First N entities per source (countries, emoji, icons), in key order. */
    limit: z.coerce.number().int().positive().optional(),
    /** Only these entity keys, comma-separated: `country/JPN,emoji/1F680,icon/github`. */
    select: z
      .string()
      .transform((s) =>
        s
          .split(',')
          .map((k) => k.trim())
          .filter((k) => k !== ''),
      )
      .optional(),
    /** Leave out the simple-icons pre-training pairs. @default false */
    skipIcons: z.boolean().default(false),
    /** Only build the knowledge base, not the questions. @default false */
    skipQuestions: z.boolean().default(false),
    /** Render operations in flight. @default 2 */
    concurrency: z.coerce.number().int().min(1).max(16).default(2),
    /** Seed of the question builder (splits, template and negative sampling). @default 1234 */
    seed: z.coerce.number().int().default(1234),
  })
  .strict();

/** Parsed options. */
export type KbOptions = z.infer<typeof kbOptionsSchema>;

/** Parses `argv` (without node and script); unknown flags and bad values throw. */
export function parseKbOptions(argv: readonly string[]): KbOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      out: { type: 'string' },
      limit: { type: 'string' },
      select: { type: 'string' },
      'skip-icons': { type: 'boolean' },
      'skip-questions': { type: 'boolean' },
      concurrency: { type: 'string' },
      seed: { type: 'string' },
    },
    strict: true,
  });
  return kbOptionsSchema.parse({
    out: values.out,
    limit: values.limit,
    select: values.select,
    skipIcons: values['skip-icons'],
    skipQuestions: values['skip-questions'],
    concurrency: values.concurrency,
    seed: values.seed,
  });
}
