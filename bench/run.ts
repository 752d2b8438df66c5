/**
 * `npm run bench [-- --json] [-- --section model]`: runs the bench sections and prints one JSON object (`--json`) or
 * a readable summary. Each section is a module in `bench/sections/` exporting `run()`; a section may also export
 * `missingPrerequisite()`, returning why it cannot run here, and is then reported as skipped with that reason.
 * Progress goes to stderr, so stdout holds only the result.
 * @module
 */
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

/** What a section module exports. */
interface BenchSection {
  run(): Promise<Record<string, unknown>>;
  missingPrerequisite?(): Promise<string | undefined>;
}

/** The sections, in the order they run and print. Add a section here. */
const SECTIONS: readonly { readonly name: string; readonly module: string }[] = [
  { name: 'model', module: 'model' },
  { name: 'serving', module: 'serving' },
  { name: 'lambdaSize', module: 'lambda-size' },
];

interface Args {
  readonly isJson: boolean;
  readonly only: readonly string[];
}

function parseArgs(argv: readonly string[]): Args {
  const only: string[] = [];
  let isJson = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--json') isJson = true;
    else if (arg === '--section') only.push(argv[++i] ?? '');
    else throw new Error(`unknown argument ${arg} (use --json and --section NAME)`);
  }
  const unknown = only.filter((name) => !SECTIONS.some((s) => s.name === name));
  if (unknown.length > 0)
    throw new Error(`unknown section ${unknown.join(', ')} (${SECTIONS.map((s) => s.name).join(', ')})`);
  return { isJson, only };
}

async function runSection(module: string): Promise<Record<string, unknown>> {
  if (!existsSync(fileURLToPath(new URL(`./sections/${module}.ts`, import.meta.url)))) {
    return { skipped: `bench/sections/${module}.ts is not written yet` };
  }
  const section = (await import(`./sections/${module}.js`)) as BenchSection;
  const missing = await section.missingPrerequisite?.();
  if (missing !== undefined) return { skipped: missing };
  try {
    return await section.run();
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

function printSummary(value: unknown, indent = ''): void {
  if (value === null || typeof value !== 'object') return;
  for (const [key, entry] of Object.entries(value)) {
    if (entry !== null && typeof entry === 'object' && !Array.isArray(entry)) {
      process.stdout.write(`${indent}${key}:\n`);
      printSummary(entry, `${indent}  `);
    } else {
      process.stdout.write(`${indent}${key}: ${JSON.stringify(entry)}\n`);
    }
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const result: Record<string, unknown> = {
    generatedAt: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      node: process.version,
      loadAverage1m: loadavg()[0],
    },
  };
  for (const { name, module } of SECTIONS) {
    if (args.only.length > 0 && !args.only.includes(name)) continue;
    process.stderr.write(`bench: ${name}…\n`);
    result[name] = await runSection(module);
  }
  if (args.isJson) process.stdout.write(`${JSON.stringify(result)}\n`);
  else printSummary(result);
}

await main();
