"""Retrieval scores of training references, as the service computes them (src/core/pipeline/retrieve-knowledge.ts).

The question vector is the fusion embedding of the question text (of the linked text `"<caption>. <question>"` when
the question image was linked), or with an unlinked question image the fusion embedding of that image with the
question as instruction. A reference scores its inner product with the question vector; the linked image item scores
1.0, as its visual-key similarity does in the service. Needs the fusion module trained (stage 2) and frozen.
"""

from __future__ import annotations

import torch
from tokenizers import Tokenizer

from training.ra_blip.model import RaBlip

from .askg_examples import AskgExample, retrieval_text
from .encoding import text_states
from .kb_data import KnowledgeBase
from .precision import similarity
from .stage2_retrieval import embed_rows, image_query_cache, knowledge_features

LINKED_SCORE = 1.0


class ReferenceScorer:
    """Knowledge vectors computed once; question vectors cached by (text, unlinked image)."""

    def __init__(self, model: RaBlip, tokenizer: Tokenizer, kb: KnowledgeBase) -> None:
        self.model, self.tokenizer, self.kb = model, tokenizer, kb
        self.ids = list(kb.items)
        self.position = {item_id: i for i, item_id in enumerate(self.ids)}
        self.item_vectors = self._embed_items()  # [items, d_embed]
        self.question_vectors: dict[tuple[str, str | None], torch.Tensor] = {}

    @torch.no_grad()
    def _embed_items(self) -> torch.Tensor:
        states, queries = knowledge_features(self.model, self.tokenizer, self.kb, self.ids)
        chunks = [
            embed_rows(self.model, [queries.get(i) for i in self.ids[k : k + 256]], states[k : k + 256])
            for k in range(0, len(self.ids), 256)
        ]
        return torch.cat(chunks).float()

    @torch.no_grad()
    def question_vector(self, text: str, unlinked_image: str | None) -> torch.Tensor:
        key = (text, unlinked_image)
        if key not in self.question_vectors:
            [states] = text_states(self.model, self.tokenizer, [text])
            queries = (
                image_query_cache(self.model, self.tokenizer, self.kb, [unlinked_image], [text])[0]
                if unlinked_image is not None
                else None
            )
            self.question_vectors[key] = embed_rows(self.model, [queries], [states])[0].float()
        return self.question_vectors[key]

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
