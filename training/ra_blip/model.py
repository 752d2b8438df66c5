"""RA-BLIP composed: ViT -> question-instructed Q-Former -> fusion (retrieval) and generator (ASKG answers).

Methods are the units that training uses and that `training/export.py` exports one graph each:
`encode_image` (vision), `qformer` (qformer), `embed_text`, `embed_knowledge`, `encode_prompt` (gen_encoder),
`decode_step` (gen_decoder). Decoding loops live in `decoding.py`, not here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from .attention import KeyValue
from .config import RaBlipConfig
from .decoding import DecoderStepFunction
from .fusion import FusionModule
from .generator import DecodeStep, EncoderOutput, Generator
from .qformer import QFormer, QFormerOutput
from .vit import VisionTransformer

# Label value ignored by the cross-entropy (target padding).
IGNORE_INDEX = -100


@dataclass
class GeneratorLoss:
    """`loss`: mean token cross-entropy (scalar); `logits [batch, target_seq, vocab]`."""

    loss: torch.Tensor
    logits: torch.Tensor


class RaBlip(nn.Module):
    """The whole model, built from one `RaBlipConfig` and initialised with normal(0, `init_std`) weights."""

    def __init__(self, config: RaBlipConfig) -> None:
        super().__init__()
        self.config = config
        self.vit = VisionTransformer(config.vit)
        self.q_former = QFormer(config.qformer, d_vit=config.vit.d_vit)
        self.fusion = FusionModule(config.fusion, d_qformer=config.qformer.d_qformer)
        self.generator = Generator(config.generator, config.qformer)
        self.reset_parameters()

    @torch.no_grad()
    def reset_parameters(self) -> None:
        """Normal(0, init_std) for matrices, embeddings, queries and positions; zero biases; unit LayerNorms."""
        for module in self.modules():
            if isinstance(module, nn.LayerNorm):
                nn.init.ones_(module.weight)
                nn.init.zeros_(module.bias)
            elif isinstance(module, (nn.Linear, nn.Conv2d)):
                nn.init.normal_(module.weight, std=self.config.init_std)
                if module.bias is not None:
                    nn.init.zeros_(module.bias)
            elif isinstance(module, nn.Embedding):
                nn.init.normal_(module.weight, std=self.config.init_std)
        for parameter in (self.vit.cls_token, self.vit.positions, self.q_former.query_tokens):
            nn.init.normal_(parameter, std=self.config.init_std)
        if self.vit.colours is not None:
            nn.init.normal_(self.vit.colours.absent, std=self.config.init_std)
            nn.init.normal_(self.vit.colours.present, std=self.config.init_std)

    def encode_image(self, pixel_values: torch.Tensor) -> torch.Tensor:
        """`pixel_values [batch, 3, size, size]` (normalised) -> `image_embeds [batch, n_patch, d_vit]`."""
        return self.vit(pixel_values)

    def qformer(
        self, image_embeds: torch.Tensor, input_ids: torch.Tensor, attention_mask: torch.Tensor
    ) -> QFormerOutput:
        """Instructed query extraction: `image_embeds [batch, n_patch, d_vit]`, instruction `[batch, seq]`."""
        return self.q_former(image_embeds, input_ids, attention_mask)

    def embed_text(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """Question or text knowledge `[batch, seq]` -> retrieval embedding `[batch, d_embed]` (unit norm)."""
        return self.fusion(None, self.q_former.encode_text(input_ids, attention_mask), attention_mask)

    def embed_knowledge(
        self, query_output: torch.Tensor, input_ids: torch.Tensor, attention_mask: torch.Tensor
    ) -> torch.Tensor:
        """Image knowledge: `query_output [batch, n_query, d_qformer]` + caption ids/mask `[batch, seq]` ->
        `[batch, d_embed]` (unit norm)."""
        caption_states = self.q_former.encode_text(input_ids, attention_mask)  # [batch, seq, d_qformer]
        return self.fusion(query_output, caption_states, attention_mask)

    def encode_prompt(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        image_queries: torch.Tensor,
        reference_scores: torch.Tensor | None = None,
    ) -> EncoderOutput:
        """Prompt `[batch, enc_seq]` with image tokens, `image_queries [batch, n_image_tok, d_qformer]`, and with
        `generator.reference_scores` the references' retrieval scores `[batch, n_ref]`. A pretrained text encoder
        reads the prompt through the Q-Former's (MiniLM's) embeddings, or with `text_encoder_above_qformer` through
        its whole text branch, so those weights are stored once."""
        generator = self.config.generator
        text: torch.Tensor | None = None
        if generator.text_encoder_above_qformer:
            text = self.q_former.encode_text(input_ids, attention_mask)
        elif generator.text_encoder_layers > 0:
            text = self.q_former.embeddings(input_ids, None)
        return self.generator.encode(input_ids, attention_mask, image_queries, text, reference_scores)

    def decode_step(
        self,
        input_ids: torch.Tensor,
        encoder_attention_mask: torch.Tensor,
        cross: list[KeyValue],
        past: list[KeyValue],
        prompt_ids: torch.Tensor | None = None,
    ) -> DecodeStep:
        """One token `[batch, 1]` after `past` (K/V `[batch, n_heads, past, d_head]`) -> logits `[batch, vocab]`.
        `prompt_ids [batch, enc_seq]` is needed by a copy-head generator."""
        return self.generator.decode_step(input_ids, encoder_attention_mask, cross, past, prompt_ids)

    def step_function(
        self,
        encoder: EncoderOutput,
        encoder_attention_mask: torch.Tensor,
        rows: int,
    ) -> DecoderStepFunction:
        """The narrow step `decoding.py` drives; each prompt row is repeated `rows / batch` times (beams)."""
        repeats = rows // encoder_attention_mask.shape[0]
        mask = encoder_attention_mask.repeat_interleave(repeats, dim=0)
        ids = encoder.prompt_ids.repeat_interleave(repeats, dim=0)
        cross = [
            KeyValue(key=kv.key.repeat_interleave(repeats, dim=0), value=kv.value.repeat_interleave(repeats, dim=0))
            for kv in encoder.cross
        ]

        def step(input_ids: torch.Tensor, past: list[KeyValue]) -> DecodeStep:
            return self.decode_step(input_ids, mask, cross, past, ids)

        return step

    def empty_past(self, rows: int) -> list[KeyValue]:
        """Zero-length decoder cache for `rows` rows."""
        return self.generator.empty_past(rows)

    def image_queries(self, slots: Sequence[torch.Tensor], batch: int = 1) -> torch.Tensor:
        """Query outputs of each image slot `[batch, n_query, d_qformer]`, concatenated in slot order ->
        `[batch, n_image_tok, d_qformer]`; one zero row when there is no image (`n_image_tok >= 1`)."""
        if not slots:
            return torch.zeros(batch, 1, self.config.qformer.d_qformer)
        return torch.cat(list(slots), dim=1)

    def forward(
        self,
        prompt_ids: torch.Tensor,
        prompt_mask: torch.Tensor,
        image_queries: torch.Tensor,
        target_ids: torch.Tensor,
        reference_scores: torch.Tensor | None = None,
    ) -> GeneratorLoss:
        """Teacher-forced generator loss. `target_ids [batch, target_seq]` ends with eos and is right-padded with
        pad_id; the decoder reads `[decoder_start] + target[:-1]`."""
        cfg = self.config.generator
        encoder = self.encode_prompt(prompt_ids, prompt_mask, image_queries, reference_scores)
        start = torch.full_like(target_ids[:, :1], cfg.decoder_start_id)
        decoder_input_ids = torch.cat([start, target_ids[:, :-1]], dim=1)
        logits = self.generator.decode_full(decoder_input_ids, prompt_mask, encoder.cross, prompt_ids)
        labels = target_ids.masked_fill(target_ids == cfg.pad_id, IGNORE_INDEX)
        loss = F.cross_entropy(logits.flatten(0, 1), labels.flatten(), ignore_index=IGNORE_INDEX)
        return GeneratorLoss(loss=loss, logits=logits)
