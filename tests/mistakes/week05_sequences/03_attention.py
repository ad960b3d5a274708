"""Typical wrong (and alternative right) answers for week05_sequences/03_attention.ipynb."""

import heapq
import math
from collections import Counter
from fractions import Fraction

import numpy as np
import torch
from torch import nn
from mistakes import quiz, right, wrong


# ------------------------------------------------------------------------------ score functions
def _dot(h_t, Hs):
    return Hs @ h_t


def _general_transposed(h_t, Hs, W_a):
    return Hs @ W_a @ h_t                                                  # h_s^T W_a h_t, not h_t^T W_a h_s


def _general_einsum(h_t, Hs, W_a):
    return np.einsum("i,ij,sj->s", h_t, W_a, Hs)


def _concat_swapped(h_t, Hs, W_a, v_a):
    pairs = np.concatenate([Hs, np.tile(h_t, (len(Hs), 1))], axis=1)       # [h_s; h_t]
    return np.tanh(pairs @ W_a.T) @ v_a


def _concat_no_tanh(h_t, Hs, W_a, v_a):
    pairs = np.concatenate([np.tile(h_t, (len(Hs), 1)), Hs], axis=1)
    return (pairs @ W_a.T) @ v_a


def _concat_split(h_t, Hs, W_a, v_a):
    H_d = len(h_t)
    return np.tanh(W_a[:, :H_d] @ h_t + Hs @ W_a[:, H_d:].T) @ v_a


def _additive_no_tanh(h_t, Hs, W_1, W_2, v_a):
    return (W_1 @ h_t + Hs @ W_2.T) @ v_a


def _additive_loop(h_t, Hs, W_1, W_2, v_a):
    return np.array([v_a @ np.tanh(W_1 @ h_t + W_2 @ h_s) for h_s in Hs])


# ------------------------------------------------------------------------------ weights, context, vector
def _softmax_axis0(scores, mask=None):
    z = np.asarray(scores, dtype=float)
    if mask is not None:
        z = np.where(mask, z, -np.inf)
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def _softmax_no_max(scores, mask=None):
    z = np.asarray(scores, dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(z)
        if mask is not None:
            e = e * mask
        return e / e.sum(axis=-1, keepdims=True)


def _softmax_mask_after(scores, mask=None):
    z = np.asarray(scores, dtype=float)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    w = e / e.sum(axis=-1, keepdims=True)
    return w if mask is None else w * mask                                # not renormalised


def _softmax_logsumexp(scores, mask=None):
    z = np.asarray(scores, dtype=float)
    if mask is not None:
        z = np.where(mask, z, -np.inf)
    m = z.max(axis=-1, keepdims=True)
    return np.exp(z - m - np.log(np.exp(z - m).sum(axis=-1, keepdims=True)))


def _vector_ht_first(c, h_t, W_c):
    return np.tanh(W_c @ np.concatenate([h_t, c]))


def _vector_split(c, h_t, W_c):
    return np.tanh(W_c[:, :len(c)] @ c + W_c[:, len(c):] @ h_t)


def _context_loop(alpha, Hs):
    return sum(a * h for a, h in zip(alpha, Hs))


# ------------------------------------------------------------------------------ AdditiveAttention
class _Base(nn.Module):
    def __init__(self, dec_dim, enc_dim, attn_dim=32):
        super().__init__()
        self.W_1 = nn.Parameter(torch.randn(attn_dim, dec_dim) / math.sqrt(dec_dim))
        self.W_2 = nn.Parameter(torch.randn(attn_dim, enc_dim) / math.sqrt(enc_dim))
        self.v_a = nn.Parameter(torch.randn(attn_dim) / math.sqrt(attn_dim))

    def scores(self, query, keys):
        return torch.tanh((query @ self.W_1.T)[:, None, :] + keys @ self.W_2.T) @ self.v_a   # (N, S)


class _AttBatchSoftmax(_Base):
    def forward(self, query, keys, mask=None):
        scores = self.scores(query, keys)
        if mask is not None:
            scores = scores.masked_fill(~mask, float("-inf"))
        alpha = torch.softmax(scores, dim=0)                               # over the batch
        return (alpha[:, :, None] * keys).sum(1), alpha


class _AttMaskAfter(_Base):
    def forward(self, query, keys, mask=None):
        alpha = torch.softmax(self.scores(query, keys), dim=-1)
        if mask is not None:
            alpha = alpha * mask                                           # not renormalised
        return (alpha[:, :, None] * keys).sum(1), alpha


class _AttQueryBroadcast(_Base):
    def forward(self, query, keys, mask=None):
        hidden = torch.tanh((query @ self.W_1.T)[None, :, :] + keys @ self.W_2.T)   # (1, N, A): wrong axis
        scores = hidden @ self.v_a
        if mask is not None:
            scores = scores.masked_fill(~mask, float("-inf"))
        alpha = torch.softmax(scores, dim=-1)
        return (alpha[:, :, None] * keys).sum(1), alpha


class _AttQueryMean(_Base):
    def forward(self, query, keys, mask=None):
        q = query.mean(0, keepdim=True).expand_as(query)                   # one query for the whole batch
        scores = self.scores(q, keys)
        if mask is not None:
            scores = scores.masked_fill(~mask, float("-inf"))
        alpha = torch.softmax(scores, dim=-1)
        return (alpha[:, :, None] * keys).sum(1), alpha


class _AttDetached(_Base):
    def forward(self, query, keys, mask=None):
        scores = self.scores(query, keys).detach()                         # no gradient to the parameters
        if mask is not None:
            scores = scores.masked_fill(~mask, float("-inf"))
        alpha = torch.softmax(scores, dim=-1)
        return (alpha[:, :, None] * keys).sum(1), alpha


class _AttEinsumBigNegative(_Base):
    def forward(self, query, keys, mask=None):
        hidden = torch.tanh(torch.einsum("ad,nd->na", self.W_1, query)[:, None] + torch.einsum("ae,nse->nsa", self.W_2, keys))
        scores = torch.einsum("nsa,a->ns", hidden, self.v_a)
        if mask is not None:
            scores = torch.where(mask, scores, torch.full_like(scores, -1e30))
        alpha = torch.softmax(scores, dim=1)
        return torch.bmm(alpha[:, None, :], keys)[:, 0], alpha


class _AttRenormalised(_Base):
    def forward(self, query, keys, mask=None):
        scores = self.scores(query, keys)
        e = torch.exp(scores - scores.max(dim=-1, keepdim=True).values)
        if mask is not None:
            e = e * mask
        alpha = e / e.sum(-1, keepdim=True)
        return torch.einsum("ns,nse->ne", alpha, keys), alpha


# ------------------------------------------------------------------------------ beam search
def _beam_generic(step_logprobs, B, max_len, eos, alpha, *, combine, final, extend_eos=False):
    live, finished = [((), 0.0 if combine == "log" else 1.0)], []
    while live:
        ext = []
        for ids, acc in live:
            lp = np.asarray(step_logprobs(ids), dtype=float)
            for v in range(len(lp)):
                ext.append((ids + (v,), acc + lp[v] if combine == "log" else acc * math.exp(lp[v])))
        ext.sort(key=lambda h: -h[1])
        live = []
        for ids, acc in ext[:B]:
            done = len(ids) >= max_len or (ids[-1] == eos and not extend_eos)
            if done:
                finished.append((ids, final(acc, len(ids))))
            else:
                live.append((ids, acc))
    return sorted(finished, key=lambda h: -h[1])


def _beam_multiply(step_logprobs, B, max_len, eos, alpha=0.7):
    return _beam_generic(step_logprobs, B, max_len, eos, alpha, combine="prob",
                         final=lambda p, T: p / T ** alpha)


def _beam_by_T(step_logprobs, B, max_len, eos, alpha=0.7):
    return _beam_generic(step_logprobs, B, max_len, eos, alpha, combine="log", final=lambda s, T: s / T)


def _beam_no_norm(step_logprobs, B, max_len, eos, alpha=0.7):
    return _beam_generic(step_logprobs, B, max_len, eos, alpha, combine="log", final=lambda s, T: s)


def _beam_forget_finished(step_logprobs, B, max_len, eos, alpha=0.7):
    """Hypotheses that emit eos are dropped; only the ones reaching max_len are returned."""
    res = _beam_generic(step_logprobs, B, max_len, eos, alpha, combine="log", final=lambda s, T: s / T ** alpha)
    return [h for h in res if h[0][-1] != eos or len(h[0]) == max_len] or res[:0]


def _beam_extend_eos(step_logprobs, B, max_len, eos, alpha=0.7):
    """eos does not end a hypothesis: every hypothesis runs to max_len."""
    return _beam_generic(step_logprobs, B, max_len, eos, alpha, combine="log",
                         final=lambda s, T: s / T ** alpha, extend_eos=True)


def _beam_heapq(step_logprobs, B, max_len, eos, alpha=0.7):
    live, finished, counter = [((), 0.0)], [], 0
    while live:
        ext = []
        for rank, (ids, lp0) in enumerate(live):
            lp = step_logprobs(tuple(ids))
            for v, x in enumerate(lp):
                ext.append((lp0 + float(x), -rank, -v, list(ids) + [v]))
        live = []
        for total, _, _, ids in heapq.nlargest(B, ext, key=lambda e: (e[0], e[1], e[2])):
            if ids[-1] == eos or len(ids) == max_len:
                finished.append((tuple(ids), total / len(ids) ** alpha, counter))
                counter += 1
            else:
                live.append((tuple(ids), total))
    finished.sort(key=lambda h: (-h[1], h[2]))
    return [(ids, score) for ids, score, _ in finished]


# ------------------------------------------------------------------------------ BLEU
def _ngrams(tokens, n):
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def _mp_sum_refs(candidate, references, n):
    counts = _ngrams(candidate, n)
    if not counts:
        return Fraction(0)
    total_ref = Counter()
    for ref in references:
        total_ref.update(_ngrams(ref, n))                                 # sum over references
    return Fraction(sum(min(k, total_ref[g]) for g, k in counts.items()), sum(counts.values()))


def _mp_no_clip(candidate, references, n):
    counts = _ngrams(candidate, n)
    if not counts:
        return Fraction(0)
    present = set().union(*(_ngrams(r, n) for r in references))
    return Fraction(sum(k for g, k in counts.items() if g in present), sum(counts.values()))


def _mp_union(candidate, references, n):
    counts = _ngrams(candidate, n)
    max_ref = Counter()
    for ref in references:
        max_ref |= _ngrams(ref, n)
    return Fraction(sum((counts & max_ref).values()), max(1, sum(counts.values())))


def _bleu_from(mp, bp_ref, log=True):
    def bleu(candidate, references, max_n=4):
        ps = [mp(candidate, references, n) for n in range(1, max_n + 1)]
        if min(ps) == 0:
            return 0.0
        c = len(candidate)
        r = bp_ref(c, [len(x) for x in references])
        bp = 1.0 if c > r else math.exp(1 - r / c)
        if log:
            return bp * math.exp(sum(math.log(p) for p in ps) / max_n)
        return bp * math.exp(sum(float(p) for p in ps) / max_n)
    return bleu


def _closest(c, lengths):
    return min(lengths, key=lambda L: (abs(L - c), L))


def _mp_reference(candidate, references, n):
    return _mp_union(candidate, references, n)


_bleu_no_log = _bleu_from(_mp_reference, _closest, log=False)
_bleu_longest = _bleu_from(_mp_reference, lambda c, lengths: max(lengths))
_bleu_closest_longer_on_tie = _bleu_from(_mp_reference, lambda c, lengths: min(lengths, key=lambda L: (abs(L - c), -L)))


def _bleu_geometric_product(candidate, references, max_n=4):
    ps = [_mp_union(candidate, references, n) for n in range(1, max_n + 1)]
    if any(p == 0 for p in ps):
        return 0.0
    c = len(candidate)
    r = _closest(c, [len(x) for x in references])
    bp = 1.0 if c > r else math.exp(1 - r / c)
    return bp * math.prod(float(p) for p in ps) ** (1 / max_n)


def _beam_ties_reversed(step_logprobs, B, max_len, eos, alpha=0.7):
    """Sorts ascending and reverses the list: ties come out in reverse order (larger token ids first)."""
    live, finished = [((), 0.0)], []
    while live:
        extensions = []
        for ids, logp in live:
            lp = np.asarray(step_logprobs(ids), dtype=float)
            extensions += [(ids + (v,), logp + float(lp[v])) for v in range(len(lp))]
        extensions = sorted(extensions, key=lambda h: h[1])[::-1]
        live = []
        for ids, logp in extensions[:B]:
            if ids[-1] == eos or len(ids) >= max_len:
                finished.append((ids, logp / len(ids) ** alpha))
            else:
                live.append((ids, logp))
    return sorted(finished, key=lambda h: -h[1])


_Q1 = {"house price": "a", "image captioning": "b", "review sentiment": "c", "video classification": "c",
       "frame labelling": "d", "translation": "e"}

CASES = [
    wrong("test_score_functions", "general score with W_a transposed (W_a h_t)", score_general=_general_transposed),
    wrong("test_score_functions", "concat of [h_s; h_t] instead of [h_t; h_s]", score_concat=_concat_swapped),
    wrong("test_score_functions", "concat score without the tanh", score_concat=_concat_no_tanh),
    wrong("test_score_functions", "additive score without the tanh", score_additive=_additive_no_tanh),
    right("test_score_functions", "einsum general, split concat, loop additive",
          score_dot=_dot, score_general=_general_einsum, score_concat=_concat_split, score_additive=_additive_loop),

    wrong("test_attention_steps", "softmax over the first axis", attention_weights=_softmax_axis0),
    wrong("test_attention_steps", "no max subtraction: overflow for scores ~1000", attention_weights=_softmax_no_max),
    wrong("test_attention_steps", "mask applied after the softmax, not renormalised",
          attention_weights=_softmax_mask_after),
    wrong("test_attention_steps", "[h_t; c] instead of [c; h_t]", attention_vector=_vector_ht_first),
    right("test_attention_steps", "log-sum-exp softmax, loop context, split W_c",
          attention_weights=_softmax_logsumexp, context_vector=_context_loop, attention_vector=_vector_split),

    wrong("test_AdditiveAttention", "softmax over the batch axis", AdditiveAttention=_AttBatchSoftmax),
    wrong("test_AdditiveAttention", "mask applied after the softmax without renormalising",
          AdditiveAttention=_AttMaskAfter),
    wrong("test_AdditiveAttention", "query broadcast along the wrong axis", AdditiveAttention=_AttQueryBroadcast),
    wrong("test_AdditiveAttention", "one mean query for the whole batch", AdditiveAttention=_AttQueryMean),
    wrong("test_AdditiveAttention", "scores detached: no gradient to W_1, W_2, v_a", AdditiveAttention=_AttDetached),
    right("test_AdditiveAttention", "einsum, -1e30 fill, bmm context", AdditiveAttention=_AttEinsumBigNegative),
    right("test_AdditiveAttention", "exp times mask, renormalised", AdditiveAttention=_AttRenormalised),

    wrong("test_beam_search", "multiplies probabilities", beam_search=_beam_multiply),
    wrong("test_beam_search", "normalises by T instead of T**alpha", beam_search=_beam_by_T),
    wrong("test_beam_search", "no length normalisation", beam_search=_beam_no_norm),
    wrong("test_beam_search", "forgets the hypotheses finished by eos", beam_search=_beam_forget_finished),
    wrong("test_beam_search", "eos does not finish a hypothesis", beam_search=_beam_extend_eos),
    right("test_beam_search", "heapq.nlargest over (logp, -rank, -token)", beam_search=_beam_heapq),

    wrong("test_bleu", "clipping by the sum over references", modified_precision=_mp_sum_refs),
    wrong("test_bleu", "no clipping", modified_precision=_mp_no_clip),
    wrong("test_bleu", "exp(mean p_n) without the log (as in some DLS summaries)", bleu=_bleu_no_log),
    wrong("test_bleu", "brevity penalty with the longest reference", bleu=_bleu_longest),
    wrong("test_bleu", "closest reference length, the longer on ties", bleu=_bleu_closest_longer_on_tie),
    right("test_bleu", "Counter & / | clipping, product ** (1/N)", modified_precision=_mp_union,
          bleu=_bleu_geometric_product),

    wrong("test_beam_search", "ties broken in reverse (ascending sort, then reversed)", beam_search=_beam_ties_reversed),

    *quiz("q1", wrong={
        "left as None": None,
        "whole-video classification taken as same-length many-to-many": dict(_Q1, **{"video classification": "d"}),
        "captioning taken as many-to-one": dict(_Q1, **{"image captioning": "c"}),
    }, right={
        "upper-case letters in brackets": {k: f"({v.upper()})" for k, v in _Q1.items()},
    }),
    *quiz("q2", wrong={
        "Bahdanau and Luong swapped": {"Bahdanau": "b", "Luong": "a", "GNMT": "c"},
        "a list instead of a dict": ["a", "b", "c"],
    }, right={"upper case": {"Bahdanau": "A", "Luong": "B", "GNMT": "C"}}),
    *quiz("q3", wrong={
        "concat forgotten": {"a", "b", "d"},
        "the transformer's scaled dot added": {"a", "b", "c", "d", "e"},
    }, right={
        "a comma-separated string": "a, b, c, d",
        "a list in upper case": ["D", "C", "B", "A"],
    }),
    *quiz("q4", wrong={"every encoder state": "a", "the attention answer": "d"}, right={"upper case with brackets": " (B) "}),
]
