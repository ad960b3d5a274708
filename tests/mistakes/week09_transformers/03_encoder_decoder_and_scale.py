"""Typical wrong (and alternative right) answers for week09_transformers/03_encoder_decoder_and_scale.ipynb."""

import numpy as np
import torch
from torch import nn

from mistakes import quiz, right, variants, wrong


# ------------------------------------------------------------------------------ decoder block
class _DecoderBase(nn.Module):
    def __init__(self, d_model, n_heads, d_ff):
        super().__init__()
        self.self_attn = nn.MultiheadAttention(d_model, n_heads, dropout=0.0, batch_first=True)
        self.multihead_attn = nn.MultiheadAttention(d_model, n_heads, dropout=0.0, batch_first=True)
        self.linear1, self.linear2 = nn.Linear(d_model, d_ff), nn.Linear(d_ff, d_model)
        self.norm1, self.norm2, self.norm3 = nn.LayerNorm(d_model), nn.LayerNorm(d_model), nn.LayerNorm(d_model)

    def future(self, T):
        return torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)

    def self_part(self, tgt):
        return self.norm1(tgt + self.self_attn(tgt, tgt, tgt, attn_mask=self.future(tgt.shape[1]),
                                               need_weights=False)[0])

    def cross_part(self, x, memory, pad):
        return self.norm2(x + self.multihead_attn(x, memory, memory, key_padding_mask=pad, need_weights=False)[0])

    def ff_part(self, x):
        return self.norm3(x + self.linear2(torch.relu(self.linear1(x))))

    def forward(self, tgt, memory, memory_key_padding_mask=None):
        return self.ff_part(self.cross_part(self.self_part(tgt), memory, memory_key_padding_mask))


class _CrossUsesDecoderKeys(_DecoderBase):
    def cross_part(self, x, memory, pad):
        return self.norm2(x + self.multihead_attn(x, x, x, need_weights=False)[0])


class _CrossQueriesFromMemory(_DecoderBase):
    def cross_part(self, x, memory, pad):            # queries and keys swapped: only works when S == T
        return self.norm2(x + self.multihead_attn(memory, x, x, need_weights=False)[0][:, :x.shape[1]])


class _MaskHidesSelf(_DecoderBase):
    def future(self, T):
        return torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=0)


class _MaskSeesNext(_DecoderBase):
    def future(self, T):
        return torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=2)


class _MaskInverted(_DecoderBase):                  # notebook 1's convention (True = may attend) given to nn's MHA
    def future(self, T):
        return torch.ones(T, T, dtype=torch.bool).tril()


class _NoPadding(_DecoderBase):
    def cross_part(self, x, memory, pad):
        return self.norm2(x + self.multihead_attn(x, memory, memory, need_weights=False)[0])


class _NoCrossResidual(_DecoderBase):
    def cross_part(self, x, memory, pad):
        return self.norm2(self.multihead_attn(x, memory, memory, key_padding_mask=pad, need_weights=False)[0])


class _CrossBeforeSelf(_DecoderBase):
    def forward(self, tgt, memory, memory_key_padding_mask=None):
        x = self.norm1(tgt + self.multihead_attn(tgt, memory, memory, key_padding_mask=memory_key_padding_mask,
                                                 need_weights=False)[0])
        x = self.norm2(x + self.self_attn(x, x, x, attn_mask=self.future(x.shape[1]), need_weights=False)[0])
        return self.ff_part(x)


class _FloatMask(_DecoderBase):
    def self_part(self, tgt):
        T = tgt.shape[1]
        mask = torch.zeros(T, T, dtype=tgt.dtype).masked_fill(self.future(T), float("-inf"))
        return self.norm1(tgt + self.self_attn(tgt, tgt, tgt, attn_mask=mask, need_weights=False)[0])


class _IsCausal(_DecoderBase):
    def self_part(self, tgt):
        mask = nn.Transformer.generate_square_subsequent_mask(tgt.shape[1], dtype=tgt.dtype)
        return self.norm1(tgt + self.self_attn(tgt, tgt, tgt, attn_mask=mask, is_causal=True, need_weights=False)[0])


# ------------------------------------------------------------------------------ attention cost
def _cost(N, d, n_heads, bytes_per_value=4, *, qk_only=False, times_heads=False, one_matrix=False,
          values_not_bytes=False):
    flops = (2 if qk_only else 4) * N * N * d * (n_heads if times_heads else 1)
    memory = (1 if one_matrix else n_heads) * N * N * (1 if values_not_bytes else bytes_per_value)
    return flops, memory


def _cost_per_head(N, d, n_heads, bytes_per_value=4):
    hs = d // n_heads
    per_head = 2 * N * N * hs + 2 * N * N * hs
    return int(n_heads * per_head), int(n_heads * N * N * bytes_per_value)


# ------------------------------------------------------------------------------ induction score
def _score(weights, L, *, key_shift=1, first_query=0, axis=-1):
    """Mean weight of query i (i = L + first_query .. 2L - 1) on key i - L + key_shift (the right answer: 1, 0, -1)."""
    rows = np.arange(L + first_query, 2 * L)
    return np.asarray(weights)[..., rows, rows - L + key_shift].mean(axis=axis)


def _score_loop(weights, L):
    w = np.asarray(weights)
    total = np.zeros(w.shape[:-2])
    for i in range(L, 2 * L):
        total = total + w[..., i, i - L + 1]
    return total / L


def _score_diagonal(weights, L):
    return np.diagonal(np.asarray(weights), offset=-(L - 1), axis1=-2, axis2=-1)[..., 1:].mean(axis=-1)


CASES = [
    wrong("test_decoder_block", "cross-attention on the decoder's own keys and values",
          DecoderBlock=_CrossUsesDecoderKeys),
    wrong("test_decoder_block", "queries from memory, keys from the decoder", DecoderBlock=_CrossQueriesFromMemory),
    wrong("test_decoder_block", "causal mask off by one: hides the position itself", DecoderBlock=_MaskHidesSelf),
    wrong("test_decoder_block", "causal mask off by one: sees the next position", DecoderBlock=_MaskSeesNext),
    wrong("test_decoder_block", "True = may attend given to nn.MultiheadAttention", DecoderBlock=_MaskInverted),
    wrong("test_decoder_block", "source padding not masked", DecoderBlock=_NoPadding),
    wrong("test_decoder_block", "no residual around the cross-attention", DecoderBlock=_NoCrossResidual),
    wrong("test_decoder_block", "cross-attention before self-attention", DecoderBlock=_CrossBeforeSelf),
    right("test_decoder_block", "additive float mask", DecoderBlock=_FloatMask),
    right("test_decoder_block", "generate_square_subsequent_mask with is_causal", DecoderBlock=_IsCausal),
    *variants("test_attention_cost", "attention_cost", _cost, wrong={
        "only Q K^T counted": {"qk_only": True},
        "FLOPs multiplied by the heads": {"times_heads": True},
        "one N x N matrix for all heads": {"one_matrix": True},
        "values, not bytes": {"values_not_bytes": True},
    }),
    right("test_attention_cost", "summed head by head", attention_cost=_cost_per_head),
    *variants("test_induction_score", "induction_score", _score, wrong={
        "key i - L (the same earlier token)": {"key_shift": 0},
        "queries from L - 1 on": {"first_query": -1},
        "mean over the first axis": {"axis": 0},
    }),
    right("test_induction_score", "a loop", induction_score=_score_loop),
    right("test_induction_score", "np.diagonal", induction_score=_score_diagonal),
    *quiz("q1", wrong={
        "doubles (linear cost)": 2,
        "the square root": 1.414,
    }, right={
        "a float": 4.0,
        "a string": "4",
    }, test="test_q1"),
    *quiz("q2", wrong={
        "zero-shot": "c",
        "fine-tuning": "a",
    }, right={
        "capital B": "B",
    }, test="test_q2"),
    *quiz("q3", wrong={
        "the decoder's own layer": "a",
        "the source embeddings": "c",
    }, right={
        "capital with brackets": "(B)",
    }, test="test_q3"),
    *quiz("q4", wrong={
        "low-rank and kernel swapped": {"local": "a", "low_rank": "c", "kernel": "b"},
        "all local": {"local": "a", "low_rank": "a", "kernel": "a"},
    }, right={
        "capital letters": {"local": "A", "low_rank": "B", "kernel": " c "},
    }, test="test_q4"),
]
