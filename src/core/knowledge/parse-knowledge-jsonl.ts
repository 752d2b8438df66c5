/**
 * JSONL knowledge files: one record per line. A malformed line is skipped and reported; the rest is ingested.
 * @module
 */
import { AppError } from '../errors.js';
import type { DocumentContext } from './document-context.js';
import type { KnowledgeItem, ParsedDocument, RejectedEntry } from './knowledge-item.js';
import { buildKnowledgeItem, describeZodError, KnowledgeLineSchema } from './knowledge-line.js';
import { ImageReferenceError } from './resolve-image-reference.js';

/** The reason a line was rejected, or undefined when the error is not about the line (I/O, a bug): rethrow those. */
function lineFailure(error: unknown): string | undefined {
  if (error instanceof ImageReferenceError) return error.message;
  if (error instanceof AppError) return error.message;
  return undefined;
}

function parseJson(line: string): { value: unknown } | { error: string } {
  try {
    return { value: JSON.parse(line) as unknown };
  } catch (error) {
    return { error: `not JSON (${(error as Error).message})` };
  }
}

/**
 * Parses a JSONL knowledge file. Blank lines are ignored; a line that is not JSON, fails the record schema, repeats
 * an earlier id or has a bad image goes to `rejected` with its line number.
 */
export async function parseKnowledgeJsonl(
  text: string,
  source: string,
  context: DocumentContext,
): Promise<ParsedDocument> {
  const items: KnowledgeItem[] = [];
  const rejected: RejectedEntry[] = [];
  const lineOfId = new Map<string, number>();
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const lineNumber = index + 1;
    const where = `line ${lineNumber}`;
    if (raw.trim() === '') continue;
    const json = parseJson(raw);
    if ('error' in json) {
      rejected.push({ where, reason: json.error });
      continue;
    }
    const parsed = KnowledgeLineSchema.safeParse(json.value);
    if (!parsed.success) {
      rejected.push({ where, reason: describeZodError(parsed.error) });
      continue;
    }
    try {
      const item = await buildKnowledgeItem(parsed.data, source, context);
      const firstLine = lineOfId.get(item.id);
      if (firstLine !== undefined) {
        rejected.push({ where, reason: `same id "${item.id}" as line ${firstLine}` });
        continue;
      }
      lineOfId.set(item.id, lineNumber);
      items.push(item);
    } catch (error) {
      const reason = lineFailure(error);
      if (reason === undefined) throw error;
      rejected.push({ where, reason });
    }
  }
  return { source, items, rejected };
}
