/**
 * Joins words as English prose: `a`, `a and b`, `a, b and c`.
 * @module
 */

/** Joins items with commas and a final "and" (no Oxford comma). */
export function joinEnglishList(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
