"""Positional encodings: the lecture's two naive options, the sinusoids, and its four criteria.

Sinusoids (Vaswani et al. 2017): ``PE(pos, 2i) = sin(pos / 10000^(2i/d))`` and
``PE(pos, 2i+1) = cos(pos / 10000^(2i/d))`` - even columns sine, odd columns cosine, one
frequency per pair of columns. For d = 4 and pos = 1: [sin 1, cos 1, sin 0.01, cos 0.01].

The criteria: (a) unique per position; (b) the same distance between two positions k apart,
wherever they are; (c) bounded, and defined for sentences longer than any seen; (d)
deterministic: a position's code does not depend on the sentence it is in.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["order_pe", "fraction_pe", "pe_criteria", "CRITERIA"]

CRITERIA = {"a": "unique per position", "b": "consistent distance between positions",
            "c": "bounded, generalises to longer sentences", "d": "deterministic (independent of length)"}


def _sinusoidal_pe(max_len: int, d_model: int) -> np.ndarray:
    """(max_len, d_model): even columns sin(pos / 10000^(2i/d)), odd columns cos of the same angle."""
    pos = np.arange(max_len)[:, None]                                   # (T, 1)
    two_i = np.arange(0, d_model, 2)[None, :]                           # (1, d/2): 2i
    angle = pos / 10000.0 ** (two_i / d_model)                          # (T, d/2)
    pe = np.zeros((max_len, d_model))
    pe[:, 0::2] = np.sin(angle)
    pe[:, 1::2] = np.cos(angle[:, : d_model // 2])
    return pe


def order_pe(n: int, d_model: int = 1) -> np.ndarray:
    """Option 1: the position number itself, pos = 0, 1, ..., n-1, in every column. (n, d_model)."""
    return np.repeat(np.arange(n, dtype=float)[:, None], d_model, axis=1)


def fraction_pe(n: int, d_model: int = 1) -> np.ndarray:
    """Option 2: the fraction of the sentence, pos / (n - 1), in [0, 1]. (n, d_model)."""
    return np.repeat((np.arange(n) / max(n - 1, 1))[:, None], d_model, axis=1)


def pe_criteria(pe_fn: Callable[[int, int], np.ndarray], d_model: int = 16, lengths=(10, 50, 400)) -> dict:
    """Test the four criteria numerically on ``pe_fn(n, d_model) -> (n, d_model)``.

    (a) all rows of the longest table distinct; (b) ||PE[p+k] - PE[p]|| the same for every p
    (k = 1..4, within 1e-6 relative) in
    every table, whatever its length; (c) every value within [-1, 1] for every length;
    (d) the first ten rows are the same whatever the sentence length.
    """
    tables = {n: np.asarray(pe_fn(n, d_model), dtype=float) for n in lengths}
    long = tables[max(lengths)]
    unique = len(np.unique(np.round(long, 12), axis=0)) == len(long)
    consistent = True
    for k in range(1, 5):                                               # across positions and lengths
        dists = np.concatenate([np.linalg.norm(t[k:] - t[:-k], axis=1) for t in tables.values()])
        consistent &= bool(np.allclose(dists, dists[0], rtol=1e-6, atol=1e-9))
    bounded = all(np.abs(t).max() <= 1.0 + 1e-12 for t in tables.values())
    first = [t[:10] for t in tables.values()]
    deterministic = all(np.allclose(f, first[0]) for f in first)
    return {"a": bool(unique), "b": bool(consistent), "c": bool(bounded), "d": bool(deterministic)}
