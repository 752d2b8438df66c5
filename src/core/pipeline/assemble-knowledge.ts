/**
 * The "fusion orchestration" between retrieval and generation: which retrieved items go into the prompt, in which
 * order.
 * @module
 */
import { normaliseText } from '../knowledge/content-id.js';
import type { VectorMatch } from '../ports.js';
import { referenceCost, type TokenBudget } from './token-budget.js';

/** What assembling gives: the references in prompt order, and the matches left out. */
export interface AssembledKnowledge {
  readonly selected: readonly VectorMatch[];
  /** Duplicates, and matches that did not fit the budget. */
  readonly dropped: readonly VectorMatch[];
}

/** Options of {@link assembleKnowledge}. */
export interface AssembleOptions {
  /** Id of the match that goes first whatever its score: the image item the question image was linked to. */
  readonly leadId?: string;
}

function byScore(a: VectorMatch, b: VectorMatch): number {
  return b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * Dedupes matches (by id, then by modality and normalised, case-folded content, keeping the best score), orders them by score,
 * then takes them greedily while they fit `maxReferences` and `allowanceTokens`. The best match (the `leadId` match
 * when there is one) is always taken: the model truncates an over-long reference rather than lose it.
 */
export function assembleKnowledge(
  matches: readonly VectorMatch[],
  budget: TokenBudget,
  allowanceTokens: number,
  options: AssembleOptions = {},
): AssembledKnowledge {
  const isLead = (match: VectorMatch) => (match.id === options.leadId ? 0 : 1);
  const ordered = [...matches].sort((a, b) => isLead(a) - isLead(b) || byScore(a, b));
  const seen = new Set<string>();
  const selected: VectorMatch[] = [];
  const dropped: VectorMatch[] = [];
  let usedTokens = 0;
  for (const match of ordered) {
    const contentKey = `${match.metadata.modality}\0${normaliseText(match.metadata.content).toLowerCase()}`;
    if (seen.has(match.id) || seen.has(contentKey)) {
      dropped.push(match);
      continue;
    }
    seen.add(match.id).add(contentKey);
    const cost = referenceCost(match.metadata.content, match.metadata.modality === 'image', budget);
    const fits = selected.length < budget.maxReferences && usedTokens + cost <= allowanceTokens;
    if (fits || (selected.length === 0 && budget.maxReferences > 0)) {
      selected.push(match);
      usedTokens += cost;
    } else {
      dropped.push(match);
    }
  }
  return { selected, dropped };
}
