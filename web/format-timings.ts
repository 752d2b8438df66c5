/**
 * One line of stage timings, shared by the page and the CLI.
 * @module
 */

/** `{embedMs: 3.2, totalMs: 40}` -> `embed 3 ms · total 40 ms`; empty when there are none. */
export function formatTimings(timings: Readonly<Record<string, number>> | undefined): string {
  if (!timings) return '';
  return Object.entries(timings)
    .map(([name, ms]) => `${name.replace(/Ms$/, '')} ${Math.round(ms)} ms`)
    .join(' · ');
}
