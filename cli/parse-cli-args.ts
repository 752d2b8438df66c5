/**
 * The command line of `rablip`, parsed with `node:util` parseArgs into one command object:
 * - `rablip ask "question" [--image FILE] [--top-k N] [--json]`
 * - `rablip ingest DIR [--batch-items N] [--json]`
 * - `rablip help`
 * @module
 */
import { parseArgs } from 'node:util';
import { MAX_TOP_K, MAX_UPLOAD_ITEMS } from '../functions/api/api-schemas.js';

export const USAGE = `Usage:
  rablip ask "QUESTION" [--image FILE] [--top-k N] [--json]   ask the knowledge base
  rablip ingest DIR [--batch-items N] [--json]                upload every knowledge file under DIR
  rablip help

Environment:
  RABLIP_API_URL   the API, default http://localhost:8787
  RABLIP_API_KEY   your API key (npm start prints a dev key)

Knowledge files: .jsonl/.ndjson records, .json (WebQA), .txt/.md passages, and images (.png, .jpg, .webp)
with a caption file beside them (x.png + x.txt or x.caption.txt).`;

export type CliCommand =
  | {
      readonly command: 'ask';
      readonly question: string;
      readonly imagePath?: string;
      readonly topK?: number;
      readonly isJson: boolean;
    }
  | { readonly command: 'ingest'; readonly dir: string; readonly batchItems: number; readonly isJson: boolean }
  | { readonly command: 'help' };

/** A command line that cannot be run; the message says why, and the CLI prints it with the usage. */
export class CliUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliUsageError';
  }
}

/** Most records in one `POST /v1/knowledge` request, unless `--batch-items` says otherwise. */
export const DEFAULT_BATCH_ITEMS = 64;

function positiveInt(value: string | undefined, flag: string, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new CliUsageError(`${flag} must be an integer from 1 to ${max}`);
  return n;
}

/** Parses `argv` (without `node` and the script). Throws `CliUsageError` on anything it does not understand. */
export function parseCliArgs(argv: readonly string[]): CliCommand {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h')
    return { command: 'help' };
  let parsed;
  try {
    parsed = parseArgs({
      args: [...rest],
      allowPositionals: true,
      strict: true,
      options: {
        image: { type: 'string' },
        'top-k': { type: 'string' },
        'batch-items': { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    throw new CliUsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const isJson = values.json ?? false;
  switch (command) {
    case 'ask': {
      if (values['batch-items'] !== undefined) throw new CliUsageError('--batch-items belongs to ingest');
      const question = positionals.join(' ').trim();
      if (!question) throw new CliUsageError('ask needs a question');
      const topK = positiveInt(values['top-k'], '--top-k', MAX_TOP_K);
      return {
        command: 'ask',
        question,
        ...(values.image ? { imagePath: values.image } : {}),
        ...(topK ? { topK } : {}),
        isJson,
      };
    }
    case 'ingest': {
      if (values.image !== undefined || values['top-k'] !== undefined) {
        throw new CliUsageError('--image and --top-k belong to ask');
      }
      if (positionals.length !== 1) throw new CliUsageError('ingest needs exactly one directory');
      const batchItems = positiveInt(values['batch-items'], '--batch-items', MAX_UPLOAD_ITEMS) ?? DEFAULT_BATCH_ITEMS;
      return { command: 'ingest', dir: positionals[0] as string, batchItems, isJson };
    }
    default:
      throw new CliUsageError(`unknown command "${command}"`);
  }
}
