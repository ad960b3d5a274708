"""What every date translator shares, whatever its network (week 05's GRU with attention,
week 09's transformer): greedy translation in batches, exact-match accuracy, and printing
a few translations. No torch here: a model enters through its greedy decoder.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

__all__ = ["translate_in_batches", "exact_match", "print_translations"]


def translate_in_batches(greedy_ids: Callable[[Sequence[str]], np.ndarray], decode: Callable, texts: Sequence[str],
                         batch_size: int = 512) -> list[str]:
    """``decode(row)`` of every row of ``greedy_ids(batch)`` (ids ``(N, T_out)``), batch by batch."""
    out: list[str] = []
    for k in range(0, len(texts), batch_size):
        out += [decode(row) for row in greedy_ids(texts[k:k + batch_size])]
    return out


def exact_match(predictions: Sequence[str], pairs: Sequence[tuple[str, str]]) -> float:
    """Fraction of ``pairs`` (source, target) whose prediction equals the target exactly (NaN for none)."""
    if not pairs:
        return float("nan")
    return float(np.mean([p == t for p, (_, t) in zip(predictions, pairs)]))


def print_translations(texts: Sequence[str], outputs: Sequence[str]) -> None:
    """One line per text: its repr right-aligned, an arrow, its translation."""
    for text, output in zip(texts, outputs):
        print(f"{text!r:>31} -> {output}")
