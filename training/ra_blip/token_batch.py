"""Right-padded batches of token ids, the form every text input of the graphs takes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch


@dataclass
class TokenBatch:
    """`input_ids [batch, seq]` int64, right-padded with the pad id; `attention_mask [batch, seq]` int64 (1 = token)."""

    input_ids: torch.Tensor
    attention_mask: torch.Tensor


def pad_token_ids(rows: Sequence[Sequence[int]], pad_id: int) -> TokenBatch:
    """Right-pad `rows` to the longest one."""
    if not rows or any(len(row) == 0 for row in rows):
        raise ValueError("every row needs at least one token")
    seq = max(len(row) for row in rows)
    input_ids = torch.full((len(rows), seq), pad_id, dtype=torch.int64)
    attention_mask = torch.zeros((len(rows), seq), dtype=torch.int64)
    for i, row in enumerate(rows):
        input_ids[i, : len(row)] = torch.tensor(list(row), dtype=torch.int64)
        attention_mask[i, : len(row)] = 1
    return TokenBatch(input_ids=input_ids, attention_mask=attention_mask)
