"""Week 10 widgets on words as tokens: the BPE stepper (notebook 1, section 1) and the TF-IDF explorer
(section 2)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from ...data.language import BPE_WORD_FREQS
from ...widgetkit import Explorer
from .. import plots
from .. import reference as ref
from ..preprocess import tokenize
from ..tfidf import cosine_similarity, tfidf_table, vocabulary
from ._common import _layout_bars_and_text

__all__ = ["bpe_stepper", "tfidf_explorer"]


# --------------------------------------------------------------------------- W10.1 BPE stepper
@dataclass(frozen=True)
class BPEState:
    merges: tuple[tuple[str, str], ...]
    vocab: tuple[str, ...]
    splits: tuple[tuple[str, tuple[str, ...], int], ...]     # (word, its symbols, frequency)
    next_counts: tuple[tuple[tuple[str, str], int], ...]     # the pair counts for the next merge, largest first
    word: str
    encoded: tuple[str, ...]


def compute_bpe_stepper(pair_counts: Callable, merge: Callable, word_freqs: dict, n_merges: int,
                        word: str) -> BPEState:
    """Run ``n_merges`` BPE rounds with the given ``pair_counts(splits, freqs)`` and ``merge(pair, splits)``."""
    splits = {w: tuple(w) for w in word_freqs}
    vocab = sorted({c for w in word_freqs for c in w})
    merges = []
    counts = Counter(pair_counts(splits, word_freqs))
    for _ in range(int(n_merges)):
        if not counts:
            break
        best = max(counts, key=counts.get)
        merges.append(tuple(best))
        vocab.append(best[0] + best[1])
        splits = merge(best, splits)
        counts = Counter(pair_counts(splits, word_freqs))
    top = tuple(sorted(counts.items(), key=lambda kv: -kv[1])[:8])
    word = word.strip().lower()
    encoded = tuple(ref.bpe_encode(word, merges, vocab)) if word else ()
    return BPEState(tuple(merges), tuple(vocab), tuple((w, splits[w], word_freqs[w]) for w in word_freqs), top,
                    word, encoded)



def render_bpe_stepper(state: BPEState, fig: Figure) -> None:
    ax_c, ax_t = fig.axes
    labels = ["+".join(p) for p, _ in state.next_counts]
    plots.plot_bars(labels, [c for _, c in state.next_counts], ax_c, highlight=0 if labels else None,
                    title=f"pair counts before merge {len(state.merges) + 1} (the top one is merged next)")
    lines = [f"merges so far: {', '.join(a + b for a, b in state.merges) or '(none)'}", ""]
    lines += [f"{w:>6} x{f:<3} -> {' '.join(s)}" for w, s, f in state.splits]
    lines += ["", f"vocabulary ({len(state.vocab)}): {', '.join(state.vocab)}", ""]
    if state.word:
        lines.append(f"'{state.word}' -> {list(state.encoded)}")
    plots.plot_text_panel(lines, ax_t, title="words as symbols")


def bpe_stepper(pair_counts: Callable | None = None, merge: Callable | None = None,
                word_freqs: dict | None = None) -> Explorer:
    """W10.1: BPE merge by merge on the lecture's corpus (hug 10, pug 5, pun 12, bun 4, hugs 5).

    Move "merges" to replay the rounds; type a word to see it encoded with the merges so far
    (symbols outside the vocabulary become ``<UNK>``). Pass your ``bpe_pair_counts`` and
    ``bpe_merge`` to watch your own code at work.
    """
    freqs = dict(word_freqs or BPE_WORD_FREQS)
    pc, mg = pair_counts or ref.bpe_pair_counts, merge or ref.bpe_merge
    controls = {"n_merges": widgets.IntSlider(value=0, min=0, max=8, description="merges"),
                "word": widgets.Text(value="hugs", description="encode", continuous_update=False)}
    return Explorer(controls, lambda n_merges, word: compute_bpe_stepper(pc, mg, freqs, n_merges, word),
                    render_bpe_stepper, figsize=(10, 3.6), layout=_layout_bars_and_text,
                    buttons={"Next merge": lambda ex: setattr(ex.controls["n_merges"], "value",
                                                              min(ex.controls["n_merges"].value + 1, 8)),
                             "Reset": lambda ex: setattr(ex.controls["n_merges"], "value", 0)},
                    title="<b>Byte-pair encoding, one merge at a time</b>")


# --------------------------------------------------------------------------- W10.2 TF-IDF explorer
TFIDF_DOCS = ("the cat sat on the mat",
              "the dog sat on the log",
              "cats and dogs are pets",
              "the angle between two vectors gives the cosine",
              "cosine similarity compares documents")


@dataclass(frozen=True)
class TFIDFState:
    docs: tuple[str, ...]
    vocab: tuple[str, ...]
    tfidf: np.ndarray            # (D, V)
    idf: np.ndarray              # (V,)
    cosine: np.ndarray           # (D, D)
    term: str
    base: str


def compute_tfidf_explorer(text: str, term: str, base: str) -> TFIDFState:
    docs = tuple(line.strip() for line in text.splitlines() if line.strip())
    toks = [tokenize(d, punctuation=False) for d in docs]
    vocab = vocabulary(toks)
    table = tfidf_table(toks, vocab, base)
    return TFIDFState(docs, tuple(vocab), table["tfidf"], table["idf"], cosine_similarity(table["tfidf"],
                                                                                           table["tfidf"]),
                      term.strip().lower(), base)


def _layout_tfidf(fig: Figure) -> None:
    gs = fig.add_gridspec(1, 2, width_ratios=[2.4, 1], left=0.07, right=0.98, bottom=0.3, top=0.88, wspace=0.25)
    fig.add_subplot(gs[0, 0])
    fig.add_subplot(gs[0, 1])


def render_tfidf_explorer(state: TFIDFState, fig: Figure) -> None:
    ax_m, ax_c = fig.axes
    col = state.vocab.index(state.term) if state.term in state.vocab else None
    rows = [f"d{i + 1}" for i in range(len(state.docs))]
    extra = f"; IDF('{state.term}') = {state.idf[col]:.3f}" if col is not None else ""
    plots.plot_matrix(state.tfidf, rows, state.vocab, ax_m, annotate=False, highlight_col=col,
                      title=f"TF-IDF, log base {state.base}{extra}")
    plots.plot_matrix(state.cosine, rows, (), ax_c, fmt="{:.2f}", title="cosine between documents")


def tfidf_explorer(docs: Sequence[str] = TFIDF_DOCS) -> Explorer:
    """W10.2: TF-IDF (lecture's definition) of a few documents, one per line, and their cosines."""
    controls = {"text": widgets.Textarea(value="\n".join(docs), description="documents",
                                         layout=widgets.Layout(width="420px", height="110px"),
                                         continuous_update=False),
                "term": widgets.Text(value="cosine", description="term", continuous_update=False),
                "base": widgets.Dropdown(options=["e", "10", "2"], value="e", description="log base")}
    return Explorer(controls, compute_tfidf_explorer, render_tfidf_explorer, figsize=(10, 3.8), layout=_layout_tfidf,
                    title="<b>TF-IDF and cosine similarity</b> (one document per line)")
