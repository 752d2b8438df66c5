/**
 * `rablip ask`: send a question (and an optional image file) to `POST /v1/answer` and print the answer, the
 * evidence with its relevance marks, and the timings.
 * @module
 */
import { readFile } from 'node:fs/promises';
import type { AnswerResponse, ApiClient } from '../web/api-client.js';
import { formatTimings } from '../web/format-timings.js';

export interface AskCommandOptions {
  readonly question: string;
  readonly imagePath?: string;
  readonly topK?: number;
}

/** Runs the ask command against `api`. */
export async function runAsk(api: ApiClient, options: AskCommandOptions): Promise<AnswerResponse> {
  const image = options.imagePath ? (await readFile(options.imagePath)).toString('base64') : undefined;
  return api.ask(options.question, image, options.topK);
}

/** The human-readable rendering of an answer. */
export function formatAnswer(result: AnswerResponse): string {
  const lines = [result.abstained ? 'No answer: the model abstained (nothing retrieved was relevant).' : result.answer];
  if (result.evidence.length > 0) lines.push('', 'evidence:');
  for (const e of result.evidence) {
    const mark = e.relevant ? '✓ relevant' : '✗         ';
    const content = (e.caption ?? e.text ?? '').replace(/\s+/g, ' ');
    const shown = content.length > 90 ? `${content.slice(0, 89)}…` : content;
    lines.push(`  ${mark}  ${e.score.toFixed(3)}  [${e.modality}] ${e.id}  ${shown}`);
  }
  const timings = formatTimings(result.timings);
  if (timings) lines.push('', timings);
  return lines.join('\n');
}
