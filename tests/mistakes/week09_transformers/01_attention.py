"""Typical wrong (and alternative right) answers for week09_transformers/01_attention.ipynb."""

import math

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from mistakes import right, variant, variants, wrong


# ------------------------------------------------------------------------------ scaled dot-product attention
def _sdpa(Q, K, V, mask=None, *, scale=True, axis=-1, mask_after=False, divide_by_dk=False):
    scores = Q @ K.transpose(-2, -1)
    if scale:
        scores = scores / (Q.shape[-1] if divide_by_dk else math.sqrt(Q.shape[-1]))
    if mask is not None and not mask_after:
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores, dim=axis)
    if mask is not None and mask_after:
        weights = weights * mask
    return weights @ V, weights


def _sdpa_mask_after_renormalised(Q, K, V, mask=None):
    """Mask after the softmax but renormalised: the same weights, computed another way."""
    scores = Q @ K.transpose(-2, -1) / math.sqrt(Q.shape[-1])
    e = torch.exp(scores - scores.max(dim=-1, keepdim=True).values)
    if mask is not None:
        e = e * mask
    weights = e / e.sum(dim=-1, keepdim=True)
    return weights @ V, weights


def _sdpa_einsum(Q, K, V, mask=None):
    scores = torch.einsum("...td,...sd->...ts", Q, K) * Q.shape[-1] ** -0.5
    if mask is not None:
        scores = torch.where(mask, scores, torch.full_like(scores, -1e300 if scores.dtype == torch.float64 else -1e30))
    weights = F.softmax(scores, dim=-1)
    return torch.einsum("...ts,...sd->...td", weights, V), weights


# ------------------------------------------------------------------------------ causal mask
def _mask_hides_self(T):
    return torch.ones(T, T, dtype=torch.bool).tril(-1)


def _mask_future(T):
    return torch.ones(T, T, dtype=torch.bool).triu()


def _mask_inverted(T):
    return torch.ones(T, T, dtype=torch.bool).triu(1)


def _mask_all(T):
    return torch.ones(T, T, dtype=torch.bool)


def _mask_compare(T):
    i = torch.arange(T)
    return i[None, :] <= i[:, None]


# ------------------------------------------------------------------------------ multi-head attention
def _reference_sdpa(Q, K, V, mask=None):
    return _sdpa(Q, K, V, mask)


class _MHABase(nn.Module):
    def __init__(self, d_model, n_heads):
        super().__init__()
        self.n_heads = n_heads
        self.W_q, self.W_k = nn.Linear(d_model, d_model), nn.Linear(d_model, d_model)
        self.W_v, self.W_o = nn.Linear(d_model, d_model), nn.Linear(d_model, d_model)


class _MHAWrongSplit(_MHABase):
    """view(N, nh, L, hs) straight away: the right shape, positions and heads mixed."""

    def forward(self, x_q, x_kv=None, mask=None):
        x_kv = x_q if x_kv is None else x_kv
        N, T, C = x_q.shape
        S, nh = x_kv.shape[1], self.n_heads
        q = self.W_q(x_q).reshape(N, nh, T, C // nh)
        k = self.W_k(x_kv).reshape(N, nh, S, C // nh)
        v = self.W_v(x_kv).reshape(N, nh, S, C // nh)
        Z, w = _reference_sdpa(q, k, v, mask)
        return self.W_o(Z.reshape(N, T, C)), w


class _MHANoWo(_MHABase):
    def forward(self, x_q, x_kv=None, mask=None):
        x_kv = x_q if x_kv is None else x_kv
        N, T, C = x_q.shape
        S, nh = x_kv.shape[1], self.n_heads
        q = self.W_q(x_q).view(N, T, nh, C // nh).transpose(1, 2)
        k = self.W_k(x_kv).view(N, S, nh, C // nh).transpose(1, 2)
        v = self.W_v(x_kv).view(N, S, nh, C // nh).transpose(1, 2)
        Z, w = _reference_sdpa(q, k, v, mask)
        return Z.transpose(1, 2).reshape(N, T, C), w


class _MHAScaleByC(_MHABase):
    """Scales by sqrt(C) (the model size) instead of sqrt(hs) (the head size)."""

    def forward(self, x_q, x_kv=None, mask=None):
        x_kv = x_q if x_kv is None else x_kv
        N, T, C = x_q.shape
        S, nh = x_kv.shape[1], self.n_heads
        q = self.W_q(x_q).view(N, T, nh, C // nh).transpose(1, 2) * math.sqrt(C // nh) / math.sqrt(C)
        k = self.W_k(x_kv).view(N, S, nh, C // nh).transpose(1, 2)
        v = self.W_v(x_kv).view(N, S, nh, C // nh).transpose(1, 2)
        Z, w = _reference_sdpa(q, k, v, mask)
        return self.W_o(Z.transpose(1, 2).reshape(N, T, C)), w


class _MHAKeysFromQuery(_MHABase):
    """Ignores x_kv: always self-attention."""

    def forward(self, x_q, x_kv=None, mask=None):
        N, T, C = x_q.shape
        nh = self.n_heads
        q = self.W_q(x_q).view(N, T, nh, C // nh).transpose(1, 2)
        k = self.W_k(x_q).view(N, T, nh, C // nh).transpose(1, 2)
        v = self.W_v(x_q).view(N, T, nh, C // nh).transpose(1, 2)
        if mask is not None and mask.shape[-1] != T:
            mask = mask[..., :T]
        Z, w = _reference_sdpa(q, k, v, mask)
        return self.W_o(Z.transpose(1, 2).reshape(N, T, C)), w


class _MHAPerHeadLoop(_MHABase):
    """Each head from its own column slice of the weight matrices, in a loop, with F.linear."""

    def forward(self, x_q, x_kv=None, mask=None):
        x_kv = x_q if x_kv is None else x_kv
        C = x_q.shape[-1]
        hs = C // self.n_heads
        outs, ws = [], []
        for h in range(self.n_heads):
            rows = slice(h * hs, (h + 1) * hs)
            q = F.linear(x_q, self.W_q.weight[rows], self.W_q.bias[rows])
            k = F.linear(x_kv, self.W_k.weight[rows], self.W_k.bias[rows])
            v = F.linear(x_kv, self.W_v.weight[rows], self.W_v.bias[rows])
            m = None if mask is None else (mask[:, h] if mask.dim() == 4 and mask.shape[1] > 1 else
                                           mask[:, 0] if mask.dim() == 4 else mask)
            z, w = _reference_sdpa(q, k, v, m)
            outs.append(z)
            ws.append(w)
        return self.W_o(torch.cat(outs, dim=-1)), torch.stack(ws, dim=1)


# ------------------------------------------------------------------------------ sinusoidal PE
def _pair_exponent(j, d):                 # 2i / d for the pair i = j // 2 of column j: the lecture's
    return (j - j % 2) / d


def _pe_loop(max_len, d_model, *, angle_exponent=_pair_exponent, swap=False):
    out = np.zeros((max_len, d_model))
    for p in range(max_len):
        for j in range(d_model):
            a = p / 10000 ** angle_exponent(j, d_model)
            even = j % 2 == 0
            out[p, j] = (math.sin(a) if even else math.cos(a)) if not swap else (math.cos(a) if even else math.sin(a))
    return out


def _pe_stack(max_len, d_model):
    pos = np.arange(max_len)[:, None]
    freq = np.exp(-np.log(10000.0) * np.arange(0, d_model, 2) / d_model)
    return np.stack([np.sin(pos * freq), np.cos(pos * freq)], axis=-1).reshape(max_len, d_model)


def _pe_blocks(max_len, d_model):
    """All sines first, then all cosines (the order some libraries use): not the lecture's interleaving."""
    pos = np.arange(max_len)[:, None]
    angle = pos / 10000 ** (np.arange(0, d_model, 2) / d_model)
    return np.concatenate([np.sin(angle), np.cos(angle)], axis=1)


CASES = [
    *variants("test_sdpa", "scaled_dot_product_attention", _sdpa, wrong={
        "no sqrt(d_k) scaling": {"scale": False},
        "softmax over the query axis": {"axis": -2},
        "mask applied after the softmax": {"mask_after": True},
        "divided by d_k instead of sqrt(d_k)": {"divide_by_dk": True},
    }),
    right("test_sdpa", "einsum with a large negative fill", scaled_dot_product_attention=_sdpa_einsum),
    right("test_sdpa", "exp times mask, renormalised", scaled_dot_product_attention=_sdpa_mask_after_renormalised),

    wrong("test_causal", "diagonal masked: a position is hidden from itself", causal_mask=_mask_hides_self),
    wrong("test_causal", "upper triangle: sees the future", causal_mask=_mask_future),
    wrong("test_causal", "inverted (nn.MultiheadAttention's convention)", causal_mask=_mask_inverted),
    wrong("test_causal", "no masking at all", causal_mask=_mask_all),
    right("test_causal", "comparison of position indices", causal_mask=_mask_compare),

    wrong("test_mha", "heads split along the wrong axis (view without transpose)", MultiHeadAttention=_MHAWrongSplit),
    wrong("test_mha", "W_o missing", MultiHeadAttention=_MHANoWo),
    wrong("test_mha", "scaled by sqrt(C) instead of the head size", MultiHeadAttention=_MHAScaleByC),
    wrong("test_mha", "ignores x_kv (no cross-attention)", MultiHeadAttention=_MHAKeysFromQuery),
    right("test_mha", "a loop over heads with row slices of the weights", MultiHeadAttention=_MHAPerHeadLoop),
    wrong("test_mha", "the student's attention has no scaling (used inside MHA)",
          scaled_dot_product_attention=variant(_sdpa, scale=False)),

    *variants("test_pe", "sinusoidal_pe", _pe_loop, wrong={
        "sin and cos swapped": {"swap": True},
        "exponent from the column index j": {"angle_exponent": lambda j, d: j / d},
        "exponent i/d instead of 2i/d": {"angle_exponent": lambda j, d: (j // 2) / d},
    }, right={
        "written as a loop": {},
    }),
    wrong("test_pe", "all sines, then all cosines", sinusoidal_pe=_pe_blocks),
    right("test_pe", "frequencies by exp/log, stacked and interleaved", sinusoidal_pe=_pe_stack),
]
