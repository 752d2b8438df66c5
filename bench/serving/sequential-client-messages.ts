/**
 * The IPC messages between the serving bench (parent) and its sequential client (`sequential-client.ts`), checked
 * with zod where they arrive.
 * @module
 */
import { z } from 'zod';
import { AnswerSampleSchema } from './measure-answers.js';

/** Parent -> client: what to ask (the options of `measureSequentialAnswers`). */
export const MeasureRequestSchema = z.object({
  type: z.literal('measure'),
  options: z.object({
    url: z.string(),
    apiKey: z.string(),
    questions: z.array(z.object({ question: z.string(), expected: z.string() })).min(1),
    count: z.number().int().min(1),
    warmup: z.number().int().min(0),
    runName: z.string(),
  }),
});
export type MeasureRequest = z.infer<typeof MeasureRequestSchema>;

/** Client -> parent. */
export const ClientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('samples'), samples: z.array(AnswerSampleSchema) }),
  z.object({ type: z.literal('failed'), message: z.string() }),
]);
export type ClientMessage = z.infer<typeof ClientMessageSchema>;
