"""Attention, one decoder state at a time (NumPy) and batched (torch modules for seq2seq).

NumPy references (one decoder state ``h_t (H_d,)`` against the encoder states ``Hs (S, H_e)``,
S the number of encoder states - T_in in CONTRIBUTING.md's letters, S on the slides;
every function also accepts a leading batch axis: ``h_t (N, H_d)`` with ``Hs (N, S, H_e)``):

* scores ``(S,)``: dot ``Hs @ h_t`` (needs H_d == H_e); general (Luong) ``h_t^T W_a h_s`` with
  ``W_a (H_d, H_e)``; concat (Luong) ``v_a^T tanh(W_a [h_t; h_s])`` with ``W_a (A, H_d + H_e)``,
  ``v_a (A,)``; additive (Bahdanau) ``v_a^T tanh(W_1 h_t + W_2 h_s)`` with ``W_1 (A, H_d)``,
  ``W_2 (A, H_e)`` - the concat score with ``W_a = [W_1 | W_2]``;
* weights: a numerically stable softmax over the last axis, with an optional boolean mask
  (False = padding, weight exactly 0) and a temperature (softmax(scores / T));
* the context ``c = alpha @ Hs`` and the attention vector ``tanh(W_c [c; h_t])`` with
  ``W_c (H_out, H_e + H_d)`` (context first, as on the slide).

torch modules with the batched interface the date translator plugs in
(:class:`~dlcourse.sequences.seq2seq.DateTranslator`)::

    forward(query (N, H_d), keys (N, S, H_e), mask (N, S) bool, True = real token)
        -> (context (N, H_e), alpha (N, S))

The worked example of the lecture (deck 5.8) is :data:`WORKED_EXAMPLE`.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

__all__ = ["WORKED_EXAMPLE"]

WORKED_EXAMPLE: dict[str, np.ndarray] = {
    "dec_h": np.array([10.0, 5.0, 10.0]),                                   # (H_d,) = (3,)
    "enc_h": np.array([[0, 1, 1], [5, 0, 1], [1, 1, 0], [0, 5, 1]], dtype=float),   # (S, H_e) = (4, 3)
}
"""The lecture's numbers: dot scores [15, 60, 15, 35], weights ~ (2.9e-20, 1 - 1.4e-11, 2.9e-20,
1.4e-11), context ~ [5, 0, 1], [context; dec_h] = [5, 0, 1, 10, 5, 10]. Use fresh copies."""


# ---------------------------------------------------------------- scores (NumPy)

def _score_dot(h_t: np.ndarray, Hs: np.ndarray) -> np.ndarray:
    """Dot-product scores ``Hs @ h_t``.

    Parameters
    ----------
    h_t : (H,) or (N, H) decoder state(s).
    Hs : (S, H) or (N, S, H) encoder states (same size H as the decoder).

    Returns
    -------
    (S,) or (N, S) scores.
    """
    return np.einsum("...se,...e->...s", Hs, h_t)


def _score_general(h_t: np.ndarray, Hs: np.ndarray, W_a: np.ndarray) -> np.ndarray:
    """Luong's general score ``h_t^T W_a h_s`` for every encoder state h_s.

    ``h_t (H_d,)`` or ``(N, H_d)``, ``Hs (S, H_e)`` or ``(N, S, H_e)``, ``W_a (H_d, H_e)``
    -> scores ``(S,)`` or ``(N, S)``. With ``W_a = I`` this is the dot score.
    """
    q = h_t @ W_a                                                   # (..., H_e)
    return np.einsum("...se,...e->...s", Hs, q)


def _score_additive(h_t: np.ndarray, Hs: np.ndarray, W_1: np.ndarray, W_2: np.ndarray,
                    v_a: np.ndarray) -> np.ndarray:
    """Bahdanau's additive score ``v_a^T tanh(W_1 h_t + W_2 h_s)``.

    ``h_t (H_d,)`` or ``(N, H_d)``, ``Hs (S, H_e)`` or ``(N, S, H_e)``, ``W_1 (A, H_d)``,
    ``W_2 (A, H_e)``, ``v_a (A,)`` -> scores ``(S,)`` or ``(N, S)``.
    """
    hidden = np.tanh((h_t @ W_1.T)[..., None, :] + Hs @ W_2.T)     # (..., S, A)
    return hidden @ v_a


def _score_concat(h_t: np.ndarray, Hs: np.ndarray, W_a: np.ndarray, v_a: np.ndarray) -> np.ndarray:
    """Luong's concat score ``v_a^T tanh(W_a [h_t; h_s])``.

    ``h_t (H_d,)`` or ``(N, H_d)``, ``Hs (S, H_e)`` or ``(N, S, H_e)``, ``W_a (A, H_d + H_e)``
    (decoder columns first), ``v_a (A,)`` -> scores ``(S,)`` or ``(N, S)``.
    """
    H_d = h_t.shape[-1]
    return _score_additive(h_t, Hs, W_a[:, :H_d], W_a[:, H_d:], v_a)


# ---------------------------------------------------------------- weights, context, output

def _attention_weights(scores: np.ndarray, mask: np.ndarray | None = None,
                       temperature: float = 1.0) -> np.ndarray:
    """Softmax of ``scores / temperature`` over the last axis, stable for any score size.

    Parameters
    ----------
    scores : (..., S) scores.
    mask : optional (..., S) bool, False = padding: those weights are exactly 0 and the rest
        sum to 1 (a row with nothing unmasked gets all zeros).
    temperature : T > 0; large T flattens the weights, small T sharpens them towards argmax.

    Returns
    -------
    (..., S) weights, each row summing to 1.
    """
    z = np.asarray(scores, dtype=float) / temperature
    keep = np.ones(z.shape, dtype=bool) if mask is None else np.broadcast_to(np.asarray(mask, bool), z.shape)
    z = np.where(keep, z, -np.inf)
    top = np.max(z, axis=-1, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)                      # an all-masked row
    e = np.where(keep, np.exp(z - top), 0.0)
    total = e.sum(axis=-1, keepdims=True)
    return e / np.where(total > 0, total, 1.0)


def _context_vector(alpha: np.ndarray, Hs: np.ndarray) -> np.ndarray:
    """Weighted sum of the encoder states: ``alpha (S,)``, ``Hs (S, H_e)`` -> ``c (H_e,)``
    (batched: ``alpha (N, S)``, ``Hs (N, S, H_e)`` -> ``(N, H_e)``)."""
    return np.einsum("...s,...se->...e", alpha, Hs)


def _attention_vector(c: np.ndarray, h_t: np.ndarray, W_c: np.ndarray) -> np.ndarray:
    """Luong's attentional hidden state ``tanh(W_c [c; h_t])``, context first.

    ``c (H_e,)``, ``h_t (H_d,)`` (or with a leading N axis), ``W_c (H_out, H_e + H_d)``
    -> ``(H_out,)`` or ``(N, H_out)``.
    """
    return np.tanh(np.concatenate([c, h_t], axis=-1) @ W_c.T)


# ---------------------------------------------------------------- torch modules (batched)

def _masked_softmax(scores: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
    """Softmax over the last axis of (N, S) scores with padding (mask False) at weight 0."""
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    return torch.softmax(scores, dim=-1)


class _AdditiveAttention(nn.Module):
    """Bahdanau attention ``v^T tanh(W_1 q + W_2 k_s)`` (no biases, as in the formula).

    ``forward(query (N, dec_dim), keys (N, S, enc_dim), mask (N, S) bool)`` ->
    ``(context (N, enc_dim), alpha (N, S))``.
    """

    def __init__(self, dec_dim: int, enc_dim: int, attn_dim: int = 32):
        super().__init__()
        self.W_1 = nn.Linear(dec_dim, attn_dim, bias=False)
        self.W_2 = nn.Linear(enc_dim, attn_dim, bias=False)
        self.v = nn.Linear(attn_dim, 1, bias=False)

    def forward(self, query: torch.Tensor, keys: torch.Tensor, mask: torch.Tensor | None = None):
        hidden = torch.tanh(self.W_1(query)[:, None, :] + self.W_2(keys))   # (N, S, A)
        alpha = _masked_softmax(self.v(hidden).squeeze(-1), mask)           # (N, S)
        context = torch.bmm(alpha[:, None, :], keys).squeeze(1)              # (N, enc_dim)
        return context, alpha


class _LuongAttention(nn.Module):
    """Luong attention with the ``"general"`` score ``q^T W_a k_s`` (``W_a (dec_dim, enc_dim)``)
    or the ``"dot"`` score ``q^T k_s`` (needs dec_dim == enc_dim; no parameters).

    ``forward(query (N, dec_dim), keys (N, S, enc_dim), mask (N, S) bool)`` ->
    ``(context (N, enc_dim), alpha (N, S))``.
    """

    def __init__(self, dec_dim: int, enc_dim: int, score: str = "general"):
        super().__init__()
        if score not in ("general", "dot"):
            raise ValueError(f"score must be 'general' or 'dot', not {score!r}")
        if score == "dot" and dec_dim != enc_dim:
            raise ValueError(f"the dot score needs dec_dim == enc_dim (got {dec_dim} and {enc_dim})")
        self.score = score
        if score == "general":
            self.W_a = nn.Parameter(torch.randn(dec_dim, enc_dim) / np.sqrt(enc_dim))

    def forward(self, query: torch.Tensor, keys: torch.Tensor, mask: torch.Tensor | None = None):
        q = query @ self.W_a if self.score == "general" else query          # (N, enc_dim)
        alpha = _masked_softmax(torch.bmm(keys, q[:, :, None]).squeeze(-1), mask)   # (N, S)
        context = torch.bmm(alpha[:, None, :], keys).squeeze(1)              # (N, enc_dim)
        return context, alpha
