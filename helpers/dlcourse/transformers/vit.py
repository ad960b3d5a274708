"""The Vision Transformer's tokeniser (16 x 16 patches) and its parameter count.

An image (C, H, W) becomes (H/p)(W/p) tokens, each the flattened p x p patch of all channels,
in row-major order of the patches; within a patch the order is (channel, row, column), the
order in which ``nn.Conv2d(C, D, kernel_size=p, stride=p)`` reads its weight, so the patch
embedding (a Linear on the patches) is that convolution. A 224 x 224 RGB image with p = 16 gives
196 tokens of 768 values.

ViT parameters: patch embedding p^2 C D + D, class token D, position embeddings (n + 1) D,
n_layers x (4 D^2 + 4 D + 2 D M + M + D + 4 D) (attention, MLP of size M, two LayerNorms),
a final LayerNorm 2 D and the classification head D K + K. ViT-B/16 at 224: 86,567,656.
"""

from __future__ import annotations

import torch

__all__: list[str] = []


def _patchify(imgs: torch.Tensor, p: int) -> torch.Tensor:
    """(N, C, H, W) -> (N, (H/p)(W/p), C p p), patches in row-major order, each flattened as (C, p, p)."""
    N, C, H, W = imgs.shape
    x = imgs.reshape(N, C, H // p, p, W // p, p)                        # (N, C, gh, p, gw, p)
    x = x.permute(0, 2, 4, 1, 3, 5)                                     # (N, gh, gw, C, p, p)
    return x.reshape(N, (H // p) * (W // p), C * p * p)


def _vit_param_count(n_layers: int, d_model: int, mlp_size: int, patch: int = 16, image_size: int = 224,
                     channels: int = 3, n_classes: int = 1000) -> int:
    D, M = d_model, mlp_size
    n = (image_size // patch) ** 2
    block = 4 * D * D + 4 * D + 2 * D * M + M + D + 4 * D
    return patch * patch * channels * D + D + D + (n + 1) * D + n_layers * block + 2 * D + D * n_classes + n_classes
