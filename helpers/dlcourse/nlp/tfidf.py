"""Bag-of-words, TF-IDF in the lecture's definition, cosine similarity and document search.

The lecture's definition (natural log, no smoothing, no normalisation):

    TF(t, d) = n_td / n_d          occurrences of t in d over the number of terms in d
    IDF(t)   = ln(N / n_t)         N documents, n_t of them contain t
    TF-IDF   = TF * IDF

so a term in every document gets IDF 0. scikit-learn's ``TfidfVectorizer`` differs on purpose:
raw counts as TF, ``ln((1 + N) / (1 + n_t)) + 1`` as IDF (``smooth_idf=True``) and rows
scaled to unit L2 norm, so its numbers are not the lecture's.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

__all__ = ["vocabulary", "bag_of_words", "cosine_similarity", "tfidf_table"]


def vocabulary(docs: Sequence[Sequence[str]]) -> list[str]:
    """The sorted set of tokens of tokenised documents."""
    return sorted({t for doc in docs for t in doc})


def bag_of_words(docs: Sequence[Sequence[str]], vocab: Sequence[str]) -> np.ndarray:
    """Counts ``(D, V)``: entry [d, j] = occurrences of ``vocab[j]`` in document d (others ignored)."""
    index = {t: j for j, t in enumerate(vocab)}
    out = np.zeros((len(docs), len(vocab)))
    for d, doc in enumerate(docs):
        for t, c in Counter(doc).items():
            if t in index:
                out[d, index[t]] = c
    return out


def cosine_similarity(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Cosine similarities between the rows of ``A (n, C)`` and ``B (m, C)`` -> ``(n, m)``; 0 for zero rows."""
    A, B = np.atleast_2d(np.asarray(A, float)), np.atleast_2d(np.asarray(B, float))
    na, nb = np.linalg.norm(A, axis=1, keepdims=True), np.linalg.norm(B, axis=1, keepdims=True)
    return (A / np.where(na == 0, 1, na)) @ (B / np.where(nb == 0, 1, nb)).T


def _tfidf_from_counts(n_td: float, n_d: float, N: float, n_t: float) -> float:
    return n_td / n_d * np.log(N / n_t)


def _tfidf_matrix(docs: Sequence[Sequence[str]], vocab: Sequence[str], log=np.log) -> np.ndarray:
    counts = bag_of_words(docs, vocab)                                  # (D, V)
    lengths = np.array([max(len(doc), 1) for doc in docs], float)       # n_d, all tokens of d
    df = (counts > 0).sum(axis=0)                                       # (V,) documents containing t
    idf = np.where(df > 0, log(len(docs) / np.maximum(df, 1)), 0.0)
    return counts / lengths[:, None] * idf                              # (D, V)


def _rank_documents(query: np.ndarray, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    sims = cosine_similarity(query, docs)[0]                           # (D,)
    order = np.argsort(-sims, kind="stable")
    return order, sims[order]


def tfidf_table(docs: Sequence[Sequence[str]], vocab: Sequence[str], base: str = "e") -> dict[str, np.ndarray]:
    """TF ``(D, V)``, document frequency and IDF ``(V,)`` and TF-IDF ``(D, V)`` with log base e, 10 or 2."""
    log = {"e": np.log, "10": np.log10, "2": np.log2}[str(base)]
    counts = bag_of_words(docs, vocab)
    tf = counts / np.array([max(len(d), 1) for d in docs], float)[:, None]
    df = (counts > 0).sum(axis=0)
    idf = np.where(df > 0, log(len(docs) / np.maximum(df, 1)), 0.0)
    return {"tf": tf, "df": df, "idf": idf, "tfidf": tf * idf}
