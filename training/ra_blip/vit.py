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


class ColourHistogram(nn.Module):
    """Soft histogram of the image's colours as tokens: `pixel_values [batch, 3, size, size]` (normalised) ->
    `[batch, levels**3, d_vit]`.

    Each pixel is softly assigned to the bins of a `levels`-per-channel RGB grid; bin k's token moves from an
    "absent" embedding towards a "present" one with its share of the pixels (a mix, not a scale, so `ln_vision`
    keeps the share). Added after the blocks, so the colours reach the Q-Former's cross-attention directly, whatever
    the patch features learned.
    """

    TEMPERATURE = 0.02  # squared RGB distance (0..3) scale of the soft assignment: nearly hard at grid spacing 0.5

    def __init__(self, config: VitConfig) -> None:
        super().__init__()
        grid = torch.linspace(0.0, 1.0, config.colour_levels)
        self.register_buffer("centres", torch.cartesian_prod(grid, grid, grid), persistent=False)  # [bins, 3]
        self.register_buffer("mean", torch.tensor(config.mean).view(1, 3, 1), persistent=False)
        self.register_buffer("std", torch.tensor(config.std).view(1, 3, 1), persistent=False)
        self.absent = nn.Parameter(torch.zeros(1, config.n_colour_bins, config.d_vit))
        self.present = nn.Parameter(torch.zeros(1, config.n_colour_bins, config.d_vit))

    def shares(self, pixel_values: torch.Tensor) -> torch.Tensor:
        """`[batch, 3, size, size]` -> each bin's share of the pixels `[batch, bins]` (rows sum to 1)."""
        rgb = (pixel_values.flatten(2) * self.std + self.mean).transpose(1, 2)  # [batch, pixels, 3] in 0..1
        distance = (rgb[:, :, None, :] - self.centres).pow(2).sum(-1)  # [batch, pixels, bins]
        return torch.softmax(-distance / self.TEMPERATURE, dim=-1).mean(dim=1)

    def forward(self, pixel_values: torch.Tensor) -> torch.Tensor:
        share = self.shares(pixel_values)[:, :, None]  # [batch, bins, 1]
        return (1 - share) * self.absent + share * self.present


class VisionTransformer(nn.Module):
    """`pixel_values [batch, 3, image_size, image_size]` (normalised) -> `image_embeds [batch, n_patch, d_vit]`."""

    def __init__(self, config: VitConfig) -> None:
        super().__init__()
        self.config = config
        self.patch_embed = nn.Conv2d(3, config.d_vit, kernel_size=config.patch_size, stride=config.patch_size)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, config.d_vit))
        self.positions = nn.Parameter(torch.zeros(1, config.n_positions, config.d_vit))
        self.blocks = nn.ModuleList(VitBlock(config) for _ in range(config.n_layers))
        self.ln_vision = nn.LayerNorm(config.d_vit, eps=config.layer_norm_eps)
        self.colours = ColourHistogram(config) if config.colour_levels else None

    def forward(self, pixel_values: torch.Tensor) -> torch.Tensor:
        patches = self.patch_embed(pixel_values).flatten(2).transpose(1, 2)  # [batch, n_patch - 1, d_vit]
        cls = self.cls_token.expand(patches.shape[0], -1, -1)  # [batch, 1, d_vit]
        x = torch.cat([cls, patches], dim=1) + self.positions  # [batch, n_positions, d_vit]
        for block in self.blocks:
            x = block(x)
        if self.colours is not None:
            x = torch.cat([x, self.colours(pixel_values)], dim=1)  # [batch, n_patch, d_vit]
        return self.ln_vision(x)
