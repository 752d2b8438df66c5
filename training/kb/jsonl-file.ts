/**
 * JSON Lines files: one compact JSON value per line, `\n` line ends, a final newline.
 * @module
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { z } from 'zod';

/** Writes records as JSON Lines. */
export function writeJsonl(path: string, records: readonly unknown[]): void {
  writeFileSync(path, records.map((r) => JSON.stringify(r)).join('\n') + (records.length > 0 ? '\n' : ''));
}

/** Reads a JSON Lines file and validates every line; the error names the file and line. */
export function readJsonl<T extends z.ZodType>(path: string, schema: T): z.infer<T>[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  return lines.flatMap((line, index) => {
    if (line.trim() === '') return [];
    const parsed = schema.safeParse(JSON.parse(line));
    if (!parsed.success) throw new Error(`${path}:${index + 1}: ${parsed.error.message}`);
    return [parsed.data];
  });
}
