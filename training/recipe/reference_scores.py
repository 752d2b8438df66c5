"""Retrieval scores of training references, as the service computes them (src/core/pipeline/retrieve-knowledge.ts).

The question vector is the fusion embedding of the question text (of the linked text `"<caption>. <question>"` when
the question image was linked), or with an unlinked question image the normalised sum of the fusion embedding of that
image with the question as instruction and the question's text embedding. A reference scores its inner product with
the question vector; the linked image item scores 1.0, as its visual-key similarity does in the service. Needs the fusion module trained (stage 2) and frozen.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from tokenizers import Tokenizer

from training.ra_blip.model import RaBlip

from .askg_examples import AskgExample, retrieval_text
from .encoding import text_states
from .kb_data import KnowledgeBase
from .precision import similarity
from .stage2_retrieval import embed_rows, image_query_cache, knowledge_features

LINKED_SCORE = 1.0
QuestionKey = tuple[str, str | None]  # the retrieval text and, when the question image was not linked, its path


class ReferenceScorer:
    """Knowledge vectors computed once; question vectors cached by (text, unlinked image)."""

    def __init__(self, model: RaBlip, tokenizer: Tokenizer, kb: KnowledgeBase) -> None:
        self.model, self.tokenizer, self.kb = model, tokenizer, kb
        self.ids = list(kb.items)
        self.position = {item_id: i for i, item_id in enumerate(self.ids)}
        self.item_vectors = self._embed_items()  # [items, d_embed]
        self.question_vectors: dict[QuestionKey, torch.Tensor] = {}

    @torch.no_grad()
    def _embed_items(self) -> torch.Tensor:
        states, queries = knowledge_features(self.model, self.tokenizer, self.kb, self.ids)
        chunks = [
            embed_rows(self.model, [queries.get(i) for i in self.ids[k : k + 256]], states[k : k + 256])
            for k in range(0, len(self.ids), 256)
        ]
        return torch.cat(chunks).float()

    @torch.no_grad()
    def cache_questions(self, keys: Sequence[QuestionKey]) -> None:
        """Embeds the (text, unlinked image) keys not cached yet, in batches: stage 3 calls it once with every
        training question's keys, which costs a minute instead of one embedding per example at every step."""
        missing = list(dict.fromkeys(k for k in keys if k not in self.question_vectors))
        for start in range(0, len(missing), 256):
            chunk = missing[start : start + 256]
            states = text_states(self.model, self.tokenizer, [text for text, _ in chunk])
            with_image = [i for i, (_, image) in enumerate(chunk) if image is not None]
            queries: list[torch.Tensor | None] = [None] * len(chunk)
            fused = image_query_cache(
                self.model, self.tokenizer, self.kb, [str(chunk[i][1]) for i in with_image], [chunk[i][0] for i in with_image]
            )
            for i, q in zip(with_image, fused, strict=True):
                queries[i] = q
            vectors = embed_rows(self.model, queries, states).float()
            if with_image:  # as the service queries an unlinked image: its fused and its text vector, summed
                text_only = embed_rows(self.model, [None] * len(with_image), [states[i] for i in with_image]).float()
                for row, i in enumerate(with_image):
                    vectors[i] = F.normalize(vectors[i] + text_only[row], dim=-1)
            for key, vector in zip(chunk, vectors, strict=True):
                self.question_vectors[key] = vector

    def question_vector(self, text: str, unlinked_image: str | None) -> torch.Tensor:
        self.cache_questions([(text, unlinked_image)])
        return self.question_vectors[(text, unlinked_image)]

    def top_k(self, text: str, unlinked_image: str | None, k: int) -> list[str]:
        """The `k` item ids the index would return for this question, best first (the service's top-K)."""
        question = self.question_vector(text, unlinked_image)
        ranked = torch.topk(similarity(question[None], self.item_vectors)[0], min(k, len(self.ids)))
        return [self.ids[i] for i in ranked.indices.tolist()]

    def scores(self, example: AskgExample) -> list[float]:
        """One score per reference of `example`, in prompt order."""
        unlinked_image = example.question_image if example.linked_item is None else None
        question = self.question_vector(retrieval_text(example), unlinked_image)
        refs = [self.position[r] for r in example.references]
        if not refs:
            return []
        values = similarity(question[None], self.item_vectors[refs])[0].tolist()
        return [LINKED_SCORE if r == example.linked_item else v for r, v in zip(example.references, values, strict=True)]
