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

from collections.abc import Callable

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

__all__ = ["TinyViT", "train_classifier", "accuracy"]


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


class TinyViT(nn.Module):
    """A small Vision Transformer: patches -> Linear(C p p, D) + class token + learned positions
    -> n_layers pre-norm blocks (no mask) -> LayerNorm -> head on the class token.

    ``block_cls`` and ``patchify`` are pluggable (the notebook passes the students' versions).
    """

    def __init__(self, image_size: int = 8, patch: int = 2, channels: int = 1, d_model: int = 32,
                 n_layers: int = 2, n_heads: int = 4, n_classes: int = 10, block_cls: type | None = None,
                 patchify: Callable | None = None):
        super().__init__()
        from . import reference as ref
        n = (image_size // patch) ** 2
        self.patch, self.patchify = patch, patchify or _patchify
        self.embed = nn.Linear(channels * patch * patch, d_model)
        self.cls = nn.Parameter(torch.zeros(1, 1, d_model))
        self.pos = nn.Parameter(0.02 * torch.randn(1, n + 1, d_model))
        block_cls = block_cls or ref.TransformerBlock
        self.blocks = nn.ModuleList(block_cls(d_model, n_heads, 4 * d_model, norm_first=True) for _ in range(n_layers))
        self.norm, self.head = nn.LayerNorm(d_model), nn.Linear(d_model, n_classes)

    def forward(self, imgs: torch.Tensor) -> torch.Tensor:
        """imgs (N, C, H, W) -> logits (N, K)."""
        x = self.embed(self.patchify(imgs, self.patch))                 # (N, n, D)
        x = torch.cat([self.cls.expand(len(x), -1, -1), x], dim=1) + self.pos   # (N, n + 1, D)
        for block in self.blocks:
            x = block(x)
        return self.head(self.norm(x[:, 0]))                            # the class token's vector


def train_classifier(model: nn.Module, X: np.ndarray, y: np.ndarray, *, epochs: int = 30, batch_size: int = 64,
                     lr: float = 3e-3, seed: int = 0, progress: bool = True) -> list[float]:
    """AdamW with cross-entropy on mini-batches of (X (N, C, H, W), y (N,)); returns the mean loss per epoch."""
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    Xt, yt = torch.as_tensor(X, dtype=torch.float32), torch.as_tensor(y, dtype=torch.long)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    epochs_iter = range(epochs)
    if progress:
        from tqdm.auto import tqdm
        epochs_iter = tqdm(epochs_iter, desc="ViT", unit="epoch", leave=False)
    losses = []
    model.train()
    for _ in epochs_iter:
        order, total = torch.randperm(len(Xt), generator=gen), 0.0
        for start in range(0, len(Xt), batch_size):
            idx = order[start:start + batch_size]
            loss = F.cross_entropy(model(Xt[idx]), yt[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        losses.append(total / len(Xt))
    model.eval()
    return losses


@torch.no_grad()
def accuracy(model: nn.Module, X: np.ndarray, y: np.ndarray) -> float:
    """Fraction of correctly classified images."""
    model.eval()
    pred = model(torch.as_tensor(X, dtype=torch.float32)).argmax(dim=1).numpy()
    return float((pred == np.asarray(y)).mean())
