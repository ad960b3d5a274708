"""Scaled dot-product attention, masks and multi-head attention (torch, batch first).

The lecture's four steps for one query ``q_i`` against keys ``k_j`` and values ``v_j``:

1. ``q, k, v = x W^Q, x W^K, x W^V``;
2. ``score(x_i, x_j) = q_i . k_j``;
3. ``alpha_ij = softmax_j(score / sqrt(d_k))`` - a softmax over the **keys** j, so every row sums to 1;
4. ``z_i = sum_j alpha_ij v_j``.

In matrix form ``Z = softmax(Q K^T / sqrt(d_k)) V``. A boolean mask (True = may attend) is applied
to the scores *before* the softmax (a masked score is -inf, its weight exactly 0).
Multi-head attention runs nh such attentions on slices of size ``hs = C / nh`` of the projected
queries, keys and values, concatenates the heads and mixes them with ``W^O``.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

__all__ = ["THINKING_MACHINES", "thinking_machines_qkv", "padding_mask"]

# The lecture's worked example: q1.k1 = 112, q1.k2 = 96, d_k = 64 (sqrt = 8) -> 14, 12 -> 0.880797, 0.119203.
# The second row (the query of "Machines": 72, 104) is not in the lecture; it is ours, for the widget.
THINKING_MACHINES = {"words": ("Thinking", "Machines"), "d_k": 64,
                     "scores": np.array([[112.0, 96.0], [72.0, 104.0]]),
                     "weights_row1": np.array([0.880797, 0.119203])}


def thinking_machines_qkv(d_k: int = 64) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Q, K, V (2, d_k) in float64 whose scores Q K^T are exactly ``THINKING_MACHINES["scores"]``.

    q1 = (8, 8, 0, ...), k1 = (7, 7, 72, 0, ...), k2 = (6, 6, 104, 0, ...), q2 = (0, 0, 1, 0, ...):
    q1.k1 = 112, q1.k2 = 96 (the lecture), q2.k1 = 72, q2.k2 = 104 (ours). v1 = 10 e1, v2 = 10 e2,
    so z_i = 10 (alpha_i1, alpha_i2, 0, ...) reads the weights back.
    """
    Q = torch.zeros(2, d_k, dtype=torch.float64)
    K = torch.zeros(2, d_k, dtype=torch.float64)
    Q[0, :2] = 8.0
    Q[1, 2] = 1.0
    K[0, :3] = torch.tensor([7.0, 7.0, 72.0])
    K[1, :3] = torch.tensor([6.0, 6.0, 104.0])
    V = 10.0 * torch.eye(2, d_k, dtype=torch.float64)
    return Q, K, V


def _causal_mask(T: int) -> torch.Tensor:
    """Bool (T, T), True where key j <= query i: each position sees itself and the past."""
    return torch.ones(T, T, dtype=torch.bool).tril()


def padding_mask(lengths, T: int) -> torch.Tensor:
    """Bool (N, 1, 1, T): True for the real keys of each sequence (broadcasts over heads and queries)."""
    lengths = torch.as_tensor(lengths)
    return (torch.arange(T)[None, :] < lengths[:, None])[:, None, None, :]


def _scaled_dot_product_attention(Q: torch.Tensor, K: torch.Tensor, V: torch.Tensor,
                                  mask: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Q (..., T, d_k), K (..., S, d_k), V (..., S, d_v), mask bool broadcastable to (..., T, S).

    Returns (out (..., T, d_v), weights (..., T, S)); every row of the weights sums to 1.
    """
    scores = Q @ K.transpose(-2, -1) / math.sqrt(Q.shape[-1])          # (..., T, S)
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores, dim=-1)                             # over the keys
    return weights @ V, weights                                         # (..., T, d_v)


class _MultiHeadAttention(nn.Module):
    """Multi-head attention with separate W_q, W_k, W_v, W_o (each a Linear C -> C with bias)."""

    def __init__(self, d_model: int, n_heads: int):
        super().__init__()
        assert d_model % n_heads == 0, "d_model must be a multiple of n_heads"
        self.n_heads = n_heads
        self.W_q, self.W_k, self.W_v, self.W_o = (nn.Linear(d_model, d_model) for _ in range(4))

    def forward(self, x_q: torch.Tensor, x_kv: torch.Tensor | None = None, mask: torch.Tensor | None = None):
        x_kv = x_q if x_kv is None else x_kv
        N, T, C = x_q.shape
        S, nh = x_kv.shape[1], self.n_heads

        def split(t, L):
            return t.view(N, L, nh, C // nh).transpose(1, 2)            # (N, L, C) -> (N, nh, L, hs)

        q, k, v = split(self.W_q(x_q), T), split(self.W_k(x_kv), S), split(self.W_v(x_kv), S)
        z, w = _scaled_dot_product_attention(q, k, v, mask)             # (N, nh, T, hs), (N, nh, T, S)
        z = z.transpose(1, 2).reshape(N, T, C)                          # concatenate the heads
        return self.W_o(z), w


def _attention_cost(N: int, d: int, n_heads: int = 1, bytes_per_value: int = 4) -> tuple[int, int]:
    """(FLOPs, bytes) of one multi-head attention over N tokens of model size d (heads of size d / n_heads).

    FLOPs: Q K^T takes 2 N^2 d (a multiply and an add per term, summed over the heads' d / n_heads each)
    and weights @ V another 2 N^2 d, so 4 N^2 d whatever the number of heads. Bytes: the
    (n_heads, N, N) weight matrix it materialises.
    """
    return 4 * N * N * d, n_heads * N * N * bytes_per_value
