/**
 * Runs cfn-lint (PyPI, installed into `.venv` from training/requirements.txt) on synthesised templates. Asynchronous,
 * so that the test worker stays responsive while Python starts.
 * @module
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../cdk/lib/rablip-stack.js';

/** One cfn-lint match, as its JSON formatter writes it. */
export interface CfnLintMatch {
  readonly Filename: string;
  readonly Level: 'Error' | 'Warning' | 'Informational';
  readonly Message: string;
  readonly Rule: { readonly Id: string };
}

/** The cfn-lint executable of the project's virtual environment. */
export const CFN_LINT = join(REPO_ROOT, '.venv', 'bin', 'cfn-lint');

/** Lints templates in one cfn-lint run and returns every match. Rejects if cfn-lint is missing or crashes. */
export function lintTemplates(templatePaths: readonly string[]): Promise<CfnLintMatch[]> {
  if (!existsSync(CFN_LINT)) {
    return Promise.reject(
      new Error(`${CFN_LINT} not found: run scripts/python-env.sh (installs training/requirements.txt)`),
    );
  }
  return new Promise((resolve, reject) => {
    execFile(
      CFN_LINT,
      ['--format', 'json', '--', ...templatePaths],
      { maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        // The exit status is a bit mask (2 errors, 4 warnings, 8 informational); 1 means cfn-lint itself failed.
        const status = error && typeof error.code === 'number' ? error.code : 0;
        if ((error && typeof error.code !== 'number') || status === 1 || status > 14) {
          reject(new Error(`cfn-lint failed (status ${String(error?.code)}): ${stderr}`));
          return;
        }
        resolve(JSON.parse(stdout || '[]') as CfnLintMatch[]);
      },
    );
  });
}

/** Prints the warnings (allowed) and returns the errors (expected none). */
export function reportLint(matches: readonly CfnLintMatch[]): CfnLintMatch[] {
  const warnings = matches.filter((match) => match.Level !== 'Error');
  if (warnings.length > 0) console.log(warnings.map((w) => `cfn-lint ${w.Rule.Id} ${w.Message}`).join('\n'));
  return matches.filter((match) => match.Level === 'Error');
}
