"""BLEU (Papineni et al., 2002) for one candidate against one or more references.

Sentences are lists of tokens (strings). The modified n-gram precision ``p_n`` counts each
n-gram of the candidate at most as often as it occurs in the ONE reference that has most of
it (clipping by the maximum over references, not the sum). The brevity penalty is
``BP = 1`` if ``c > r`` else ``exp(1 - r / c)`` with ``c`` the candidate length and ``r`` the
reference length closest to ``c`` (ties: the shorter, as nltk). ``BLEU = BP * exp(sum_n w_n
log p_n)`` with uniform weights ``w_n = 1 / max_n``; it is 0 if any ``p_n`` is 0 (no smoothing).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from fractions import Fraction

__all__: list[str] = []


def _ngram_counts(tokens: Sequence[str], n: int) -> Counter:
    """Counter of the n-grams (tuples of ``n`` tokens) of ``tokens``."""
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def _modified_precision(candidate: Sequence[str], references: Sequence[Sequence[str]], n: int) -> Fraction:
    """Clipped n-gram matches / candidate n-grams, exactly (0 if the candidate has no n-gram).

    "the the the the the the the" against "the cat is on the mat" and "there is a cat on the
    mat" gives 2/7 for n = 1.
    """
    counts = _ngram_counts(candidate, n)
    max_ref: Counter = Counter()
    for ref in references:
        max_ref |= _ngram_counts(ref, n)                             # | keeps the maximum count
    clipped = sum(min(c, max_ref[g]) for g, c in counts.items())
    return Fraction(clipped, max(1, sum(counts.values())))


def _closest_ref_length(c: int, references: Sequence[Sequence[str]]) -> int:
    """The reference length closest to ``c`` (the shorter one on ties)."""
    return min((len(r) for r in references), key=lambda r: (abs(r - c), r))


def _brevity_penalty(c: int, r: int) -> float:
    """1 if the candidate is longer than the reference (c > r), else exp(1 - r / c); 0 for c = 0."""
    if c > r:
        return 1.0
    return 0.0 if c == 0 else math.exp(1.0 - r / c)


def _bleu(candidate: Sequence[str], references: Sequence[Sequence[str]], max_n: int = 4) -> float:
    """BLEU-``max_n`` of ``candidate`` against ``references`` (uniform weights, no smoothing)."""
    precisions = [_modified_precision(candidate, references, n) for n in range(1, max_n + 1)]
    if min(precisions) == 0:
        return 0.0
    c = len(candidate)
    bp = _brevity_penalty(c, _closest_ref_length(c, references))
    return bp * math.exp(sum(math.log(p) for p in precisions) / max_n)
