"""Decoding a sequence model token by token: greedy search and beam search with length normalisation.

Both take a function ``step_logprobs(prefix) -> (V,)`` giving log P(next token | input, prefix)
for a tuple ``prefix`` of token ids generated so far (the start token ``<sos>`` excluded: the
first call gets ``()``). A hypothesis ends when it emits ``eos`` (which is part of the sequence)
or when it holds ``max_len`` tokens. Log-probabilities are added, never probabilities
multiplied, so 200 tokens of probability 1e-3 (a product of 1e-600) are no problem.
(:func:`~dlcourse.sequences.seq2seq.next_token_logprobs` builds ``step_logprobs`` for the
date translator.)
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__: list[str] = []

StepFn = Callable[[tuple[int, ...]], np.ndarray]


def _greedy_decode(step_logprobs: StepFn, max_len: int, eos: int) -> tuple[tuple[int, ...], float]:
    """Pick the most likely next token at every step (the smaller id on ties).

    Returns
    -------
    ids : the tokens, ending with ``eos`` unless ``max_len`` was reached first.
    logprob : their summed log-probability (not length-normalised).
    """
    ids: tuple[int, ...] = ()
    total = 0.0
    while len(ids) < max_len:
        logp = np.asarray(step_logprobs(ids), dtype=float)       # (V,)
        token = int(np.argmax(logp))                              # first maximum = smallest id
        ids, total = ids + (token,), total + float(logp[token])
        if token == eos:
            break
    return ids, total


def _beam_search(step_logprobs: StepFn, B: int, max_len: int, eos: int,
                 alpha: float = 0.7) -> list[tuple[tuple[int, ...], float]]:
    """Beam search of width ``B`` with length normalisation ``score = log P / T**alpha``.

    At every step each live hypothesis is extended by every token; the ``B`` extensions with
    the largest summed log-probability survive (ties: earlier hypothesis, then smaller token
    id). Survivors that end in ``eos`` or hold ``max_len`` tokens are finished and leave the
    beam, so it shrinks; the search stops when no hypothesis is live. ``B = 1`` is greedy
    search. ``alpha = 0``: no normalisation (favours short outputs), ``alpha = 1``: the mean
    log-probability per token.

    Returns
    -------
    The finished hypotheses as ``(ids, score)``, best score first (ties: the one finished
    earlier first), with ``T = len(ids)`` counting ``eos``.
    """
    if B < 1 or max_len < 1:
        raise ValueError(f"need B >= 1 and max_len >= 1 (got B={B}, max_len={max_len})")
    live: list[tuple[tuple[int, ...], float]] = [((), 0.0)]
    finished: list[tuple[tuple[int, ...], float]] = []
    while live:
        totals = np.stack([lp + np.asarray(step_logprobs(seq), dtype=float) for seq, lp in live])   # (n_live, V)
        V = totals.shape[1]
        order = np.argsort(-totals, axis=None, kind="stable")[:B]   # flat index = beam * V + token
        next_live = []
        for flat in order:
            k, token = divmod(int(flat), V)
            seq, lp = live[k][0] + (token,), float(totals[k, token])
            if token == eos or len(seq) >= max_len:
                finished.append((seq, lp / len(seq) ** alpha))
            else:
                next_live.append((seq, lp))
        live = next_live
    return sorted(finished, key=lambda h: -h[1])                    # stable: earlier finisher first on ties
