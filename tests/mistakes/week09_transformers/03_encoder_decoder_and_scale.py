"""Typical wrong (and alternative right) answers for week09_transformers/03_encoder_decoder_and_scale.ipynb."""

import numpy as np
import torch
from torch import nn

from mistakes import right, wrong


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
def _cost_qk_only(N, d, n_heads, bytes_per_value=4):
    return 2 * N * N * d, n_heads * N * N * bytes_per_value


def _cost_times_heads(N, d, n_heads, bytes_per_value=4):
    return 4 * N * N * d * n_heads, n_heads * N * N * bytes_per_value


def _cost_one_matrix(N, d, n_heads, bytes_per_value=4):
    return 4 * N * N * d, N * N * bytes_per_value


def _cost_values_not_bytes(N, d, n_heads, bytes_per_value=4):
    return 4 * N * N * d, n_heads * N * N


def _cost_per_head(N, d, n_heads, bytes_per_value=4):
    hs = d // n_heads
    per_head = 2 * N * N * hs + 2 * N * N * hs
    return int(n_heads * per_head), int(n_heads * N * N * bytes_per_value)


# ------------------------------------------------------------------------------ induction score
def _score_same_token(weights, L):
    rows = np.arange(L, 2 * L)
    return np.asarray(weights)[..., rows, rows - L].mean(axis=-1)


def _score_all_queries(weights, L):
    rows = np.arange(L - 1, 2 * L)
    return np.asarray(weights)[..., rows, rows - L + 1].mean(axis=-1)


def _score_first_axis(weights, L):
    rows = np.arange(L, 2 * L)
    picked = np.asarray(weights)[..., rows, rows - L + 1]
    return picked.mean(axis=0)


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

    wrong("test_attention_cost", "only Q K^T counted", attention_cost=_cost_qk_only),
    wrong("test_attention_cost", "FLOPs multiplied by the heads", attention_cost=_cost_times_heads),
    wrong("test_attention_cost", "one N x N matrix for all heads", attention_cost=_cost_one_matrix),
    wrong("test_attention_cost", "values, not bytes", attention_cost=_cost_values_not_bytes),
    right("test_attention_cost", "summed head by head", attention_cost=_cost_per_head),

    wrong("test_induction_score", "key i - L (the same earlier token)", induction_score=_score_same_token),
    wrong("test_induction_score", "queries from L - 1 on", induction_score=_score_all_queries),
    wrong("test_induction_score", "mean over the first axis", induction_score=_score_first_axis),
    right("test_induction_score", "a loop", induction_score=_score_loop),
    right("test_induction_score", "np.diagonal", induction_score=_score_diagonal),

    wrong("test_q1", "doubles (linear cost)", q1=2),
    wrong("test_q1", "the square root", q1=1.414),
    right("test_q1", "a float", q1=4.0),
    right("test_q1", "a string", q1="4"),
    wrong("test_q2", "zero-shot", q2="c"),
    wrong("test_q2", "fine-tuning", q2="a"),
    right("test_q2", "capital B", q2="B"),
    wrong("test_q3", "the decoder's own layer", q3="a"),
    wrong("test_q3", "the source embeddings", q3="c"),
    right("test_q3", "capital with brackets", q3="(B)"),
    wrong("test_q4", "low-rank and kernel swapped", q4={"local": "a", "low_rank": "c", "kernel": "b"}),
    wrong("test_q4", "all local", q4={"local": "a", "low_rank": "a", "kernel": "a"}),
    right("test_q4", "capital letters", q4={"local": "A", "low_rank": "B", "kernel": " c "}),
]
