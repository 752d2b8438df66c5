/**
 * Beam search for one request, step for step `beam_search` of `training/ra_blip/decoding.py` (the parity fixture
 * compares the two):
 * - apply the processors to each beam's logits, log-softmax, add the beam's running score (float32, as torch);
 * - rank the `2 * numBeams` best (beam, token) continuations, ties towards the lower `beam * vocab + token`;
 * - walk them in order: EOS closes a hypothesis (ids without EOS, score / (generated + 1) ** lengthPenalty), any
 *   other token extends a beam, until `numBeams` beams are extended;
 * - stop once `numBeams` hypotheses are closed, or at `maxNewTokens`, where the open beams close as they stand;
 * - the result is the first hypothesis with the best score.
 * @module
 */
import { applyLogitsProcessors } from './logits-processors.js';
import type { LogitsProcessor } from './logits-processors.js';
import type { DecodedSequence, SearchStep, TokenSearch } from './token-search.js';

/** Settings beam search reads. */
export interface BeamSearchOptions {
  readonly numBeams: number;
  readonly lengthPenalty: number;
  readonly eosTokenId: number;
  readonly maxNewTokens: number;
}

interface Beam {
  readonly tokens: readonly number[];
  readonly score: number;
}

interface Candidate {
  readonly score: number;
  readonly beam: number;
  readonly token: number;
}

/** In-place log-softmax of one row. */
function logSoftmax(row: Float32Array): void {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < row.length; i++) if (row[i]! > max) max = row[i]!;
  let sum = 0;
  for (let i = 0; i < row.length; i++) sum += Math.exp(row[i]! - max);
  const shift = max + Math.log(sum);
  for (let i = 0; i < row.length; i++) row[i] = row[i]! - shift;
}

/** The `k` best continuations, best first; `logProbs` is `[num_beams, vocab]`. Equal scores keep index order. */
function topCandidates(logProbs: Float32Array, beams: readonly Beam[], vocab: number, k: number): Candidate[] {
  const top: Candidate[] = [];
  beams.forEach((beam, b) => {
    const base = b * vocab;
    for (let v = 0; v < vocab; v++) {
      const score = Math.fround(beam.score + logProbs[base + v]!);
      if (top.length === k && !(score > top[k - 1]!.score)) continue;
      let at = top.length;
      while (at > 0 && top[at - 1]!.score < score) at--;
      top.splice(at, 0, { score, beam: b, token: v });
      if (top.length > k) top.pop();
    }
  });
  return top;
}

/** Beam search over `numBeams` rows. */
export class BeamSearch implements TokenSearch {
  private readonly options: BeamSearchOptions;
  private readonly processors: readonly LogitsProcessor[];
  private beams: Beam[];
  private readonly closed: Beam[] = [];
  private generated = 0;
  private isDone = false;

  constructor(options: BeamSearchOptions, processors: readonly LogitsProcessor[]) {
    this.options = options;
    this.processors = processors;
    // All beams start from the decoder start token; only beam 0 may spread at the first step.
    this.beams = Array.from({ length: options.numBeams }, (_, b) => ({
      tokens: [],
      score: b === 0 ? 0 : Number.NEGATIVE_INFINITY,
    }));
  }

  get rowCount(): number {
    return this.isDone ? 0 : this.options.numBeams;
  }

  advance(logits: Float32Array): SearchStep {
    const { numBeams, lengthPenalty, eosTokenId, maxNewTokens } = this.options;
    const vocab = logits.length / numBeams;
    for (let b = 0; b < numBeams; b++) {
      const row = logits.subarray(b * vocab, (b + 1) * vocab);
      applyLogitsProcessors(this.processors, row, { generated: this.generated, tokens: this.beams[b]!.tokens });
      logSoftmax(row);
    }
    this.generated += 1;
    const next: Candidate[] = [];
    for (const candidate of topCandidates(logits, this.beams, vocab, 2 * numBeams)) {
      const beam = this.beams[candidate.beam]!;
      if (candidate.token === eosTokenId) {
        this.closed.push({ tokens: beam.tokens, score: candidate.score / this.generated ** lengthPenalty });
      } else {
        next.push(candidate);
      }
      if (next.length === numBeams) break;
    }
    this.beams = next.map((c) => ({ tokens: [...this.beams[c.beam]!.tokens, c.token], score: c.score }));
    if (this.closed.length >= numBeams) return this.finish();
    if (this.generated >= maxNewTokens) {
      for (const beam of this.beams)
        this.closed.push({ tokens: beam.tokens, score: beam.score / beam.tokens.length ** lengthPenalty });
      return this.finish();
    }
    return { sourceRows: next.map((c) => c.beam), nextTokens: next.map((c) => c.token) };
  }

  private finish(): SearchStep {
    this.isDone = true;
    return { sourceRows: [], nextTokens: [] };
  }

  result(): DecodedSequence {
    let best = this.closed[0];
    for (const hypothesis of this.closed) if (best === undefined || hypothesis.score > best.score) best = hypothesis;
    return { tokens: best?.tokens ?? [], score: best?.score ?? Number.NEGATIVE_INFINITY, steps: this.generated };
  }
}
