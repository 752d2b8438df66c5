/**
 * Deterministic randomness keyed by strings: every decision of the question builder draws from a generator seeded
 * by (seed, what is being decided), so adding an entity never reshuffles the others.
 * @module
 */
import { createHash } from 'node:crypto';

/** A uniform number in [0, 1) derived from a string key. */
export function hashToUnit(key: string): number {
  return createHash('sha256').update(key).digest().readUInt32BE(0) / 2 ** 32;
}

/** A seeded PRNG (mulberry32) with the few draws the builder needs. */
export class SeededRandom {
  private state: number;

  constructor(key: string) {
    this.state = Math.floor(hashToUnit(key) * 2 ** 32);
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  }

  /** One element; throws on an empty list. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** A shuffled copy (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i -= 1) {
      const j = Math.floor(this.next() * (i + 1));
      [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
    }
    return copy;
  }
}
