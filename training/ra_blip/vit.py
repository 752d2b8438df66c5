"""Vision transformer: patch convolution, CLS token, learned positions, pre-LN blocks, final LayerNorm ("ln_vision").

The ViT of BLIP-2/RA-BLIP (paper §2.1) is EVA ViT-g/14 followed by a trainable `ln_vision`; ours is the same shape
scaled down. Its output is what the runtime caches per knowledge image (`ImageFeatures`).
"""

from __future__ import annotations

import torch
from torch import nn

from .attention import MultiHeadAttention
from .config import VitConfig
from .feed_forward import Mlp


class VitBlock(nn.Module):
    """Pre-LN block: `x + attn(ln(x))`, then `x + mlp(ln(x))`; `[batch, n_patch, d_vit]` in and out."""

    def __init__(self, config: VitConfig) -> None:
        super().__init__()
        self.attn_norm = nn.LayerNorm(config.d_vit, eps=config.layer_norm_eps)
        self.attn = MultiHeadAttention(config.d_vit, config.d_vit, config.n_heads)
        self.mlp_norm = nn.LayerNorm(config.d_vit, eps=config.layer_norm_eps)
        self.mlp = Mlp(config.d_vit, config.d_vit * config.mlp_ratio)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.attn_norm(x))
        return x + self.mlp(self.mlp_norm(x))


class VisionTransformer(nn.Module):
    """`pixel_values [batch, 3, image_size, image_size]` (normalised) -> `image_embeds [batch, n_patch, d_vit]`."""

    def __init__(self, config: VitConfig) -> None:
        super().__init__()
        self.config = config
        self.patch_embed = nn.Conv2d(3, config.d_vit, kernel_size=config.patch_size, stride=config.patch_size)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, config.d_vit))
        self.positions = nn.Parameter(torch.zeros(1, config.n_patch, config.d_vit))
        self.blocks = nn.ModuleList(VitBlock(config) for _ in range(config.n_layers))
        self.ln_vision = nn.LayerNorm(config.d_vit, eps=config.layer_norm_eps)

    def forward(self, pixel_values: torch.Tensor) -> torch.Tensor:
        patches = self.patch_embed(pixel_values).flatten(2).transpose(1, 2)  # [batch, n_patch - 1, d_vit]
        cls = self.cls_token.expand(patches.shape[0], -1, -1)  # [batch, 1, d_vit]
        x = torch.cat([cls, patches], dim=1) + self.positions  # [batch, n_patch, d_vit]
        for block in self.blocks:
            x = block(x)
        return self.ln_vision(x)
