/**
 * `rablip`: the command-line client of the RA-BLIP API. Parses the command line and the environment, runs one
 * command, prints its result (human-readable, or JSON with `--json`) and exits 0 on success, 1 on failure, 2 on a
 * usage error.
 * @module
 */
import { z } from 'zod';
import { ApiClient, ApiError } from '../web/api-client.js';
import { formatAnswer, runAsk } from './ask-command.js';
import { parseCliEnv } from './cli-env.js';
import { formatIngestSummary, runIngest } from './ingest-command.js';
import { CliUsageError, USAGE, parseCliArgs, type CliCommand } from './parse-cli-args.js';

async function run(command: Exclude<CliCommand, { command: 'help' }>): Promise<number> {
  const env = parseCliEnv(process.env);
  const api = new ApiClient(env.apiUrl, () => env.apiKey);
  if (command.command === 'ask') {
    const result = await runAsk(api, command);
    process.stdout.write(`${command.isJson ? JSON.stringify(result, null, 2) : formatAnswer(result)}\n`);
    return 0;
  }
  const summary = await runIngest(api, {
    dir: command.dir,
    batchItems: command.batchItems,
    showProgress: !command.isJson && process.stderr.isTTY === true,
  });
  process.stdout.write(`${command.isJson ? JSON.stringify(summary, null, 2) : formatIngestSummary(summary)}\n`);
  return summary.isOk ? 0 : 1;
}

function describe(error: unknown): string {
  if (error instanceof ApiError) return `API error ${error.status} ${error.code}: ${error.message}`;
  if (error instanceof z.ZodError) return error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n');
  if (error instanceof TypeError && /fetch failed/.test(error.message)) {
    return `cannot reach the API (${error.cause instanceof Error ? error.cause.message : 'connection failed'})`;
  }
  return error instanceof Error ? error.message : String(error);
}

async function main(argv: readonly string[]): Promise<number> {
  let command: CliCommand;
  try {
    command = parseCliArgs(argv);
  } catch (error) {
    if (!(error instanceof CliUsageError)) throw error;
    process.stderr.write(`rablip: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (command.command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    return await run(command);
  } catch (error) {
    process.stderr.write(`rablip: ${describe(error)}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
