"""Week 10 widgets: BPE stepper, TF-IDF explorer, co-occurrence/SVD explorer, noise
distribution against its exponent, embedding explorer.

The course pattern: ``compute_*(...) -> state`` (a small frozen dataclass, no drawing),
``render_*(state, fig)`` draws it, and a builder binds them with
:class:`~dlcourse.widgetkit.Explorer`. Builders take the students' functions (default: the
private references) and precompute what is slow, so a control change stays well under 50 ms.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from ..data.language import BPE_WORD_FREQS, COOC_SENTENCES, COOC_VOCAB, NOISE_EXAMPLE, python_docs, \
    structured_corpus
from ..plotting import PALETTE
from ..widgetkit import Explorer
from . import plots
from .embeddings import _analogy, _cooccurrence, _noise_distribution, _svd_embeddings, cap_counts, \
    correlation_counts, nearest_neighbours, project_2d, ramp_weights
from .preprocess import _bpe_encode, _bpe_merge, _bpe_pair_counts, tokenize
from .tfidf import cosine_similarity, tfidf_table, vocabulary

__all__ = ["bpe_stepper", "tfidf_explorer", "cooccurrence_explorer", "noise_explorer", "embedding_explorer"]


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
    encoded = tuple(_bpe_encode(word, merges, vocab)) if word else ()
    return BPEState(tuple(merges), tuple(vocab), tuple((w, splits[w], word_freqs[w]) for w in word_freqs), top,
                    word, encoded)


def _layout_two_panels(fig: Figure, ratio=(1, 1.3)) -> None:
    gs = fig.add_gridspec(1, 2, width_ratios=ratio, left=0.08, right=0.98, bottom=0.22, top=0.88, wspace=0.15)
    fig.add_subplot(gs[0, 0])
    fig.add_subplot(gs[0, 1])


def render_bpe_stepper(state: BPEState, fig: Figure) -> None:
    ax_c, ax_t = fig.axes
    ax_c.cla()
    labels = ["+".join(p) for p, _ in state.next_counts]
    plots.plot_bars(labels, [c for _, c in state.next_counts], ax_c, highlight=0 if labels else None,
                    title=f"pair counts before merge {len(state.merges) + 1} (the top one is merged next)")
    lines = [f"merges so far: {', '.join(a + b for a, b in state.merges) or '(none)'}", ""]
    lines += [f"{w:>6} x{f:<3} -> {' '.join(s)}" for w, s, f in state.splits]
    lines += ["", f"vocabulary ({len(state.vocab)}): {', '.join(state.vocab)}", ""]
    if state.word:
        lines.append(f"'{state.word}' -> {list(state.encoded)}")
    ax_t.cla()
    plots.plot_text_panel(lines, ax_t, title="words as symbols")


def bpe_stepper(pair_counts: Callable | None = None, merge: Callable | None = None,
                word_freqs: dict | None = None) -> Explorer:
    """W10.1: BPE merge by merge on the lecture's corpus (hug 10, pug 5, pun 12, bun 4, hugs 5).

    Move "merges" to replay the rounds; type a word to see it encoded with the merges so far
    (symbols outside the vocabulary become ``<UNK>``). Pass your ``bpe_pair_counts`` and
    ``bpe_merge`` to watch your own code at work.
    """
    freqs = dict(word_freqs or BPE_WORD_FREQS)
    pc, mg = pair_counts or _bpe_pair_counts, merge or _bpe_merge
    controls = {"n_merges": widgets.IntSlider(value=0, min=0, max=8, description="merges"),
                "word": widgets.Text(value="hugs", description="encode", continuous_update=False)}
    return Explorer(controls, lambda n_merges, word: compute_bpe_stepper(pc, mg, freqs, n_merges, word),
                    render_bpe_stepper, figsize=(10, 3.6), layout=_layout_two_panels,
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
    ax_m.cla()
    ax_c.cla()
    col = state.vocab.index(state.term) if state.term in state.vocab else None
    rows = [f"d{i + 1}" for i in range(len(state.docs))]
    extra = f"; IDF('{state.term}') = {state.idf[col]:.3f}" if col is not None else ""
    plots.plot_matrix(state.tfidf, rows, state.vocab, ax_m, annotate=False, highlight_col=col,
                      title=f"TF-IDF, log base {state.base}{extra}")
    plots.plot_matrix(state.cosine, rows, rows, ax_c, fmt="{:.2f}", title="cosine between documents")


def tfidf_explorer(docs: Sequence[str] = TFIDF_DOCS) -> Explorer:
    """W10.2: TF-IDF (lecture's definition) of a few documents, one per line, and their cosines."""
    controls = {"text": widgets.Textarea(value="\n".join(docs), description="documents",
                                         layout=widgets.Layout(width="420px", height="110px"),
                                         continuous_update=False),
                "term": widgets.Text(value="cosine", description="term", continuous_update=False),
                "base": widgets.Dropdown(options=["e", "10", "2"], value="e", description="log base")}
    return Explorer(controls, compute_tfidf_explorer, render_tfidf_explorer, figsize=(10, 3.8), layout=_layout_tfidf,
                    title="<b>TF-IDF and cosine similarity</b> (one document per line)")


# --------------------------------------------------------------------------- W10.3 co-occurrence and SVD
@functools.cache
def _cooc_corpora() -> dict:
    lecture = [tokenize(s, lower=False) for s in COOC_SENTENCES]
    small = structured_corpus(600, rng=0)
    keep = ["king", "queen", "man", "woman", "prince", "princess", "boy", "girl", "he", "his", "she", "her",
            "france", "paris", "italy", "rome", "japan", "tokyo", "country", "city", "the"]
    return {"lecture (3 sentences)": (lecture, list(COOC_VOCAB)), "structured corpus": (list(small.sentences), keep)}


@functools.lru_cache(maxsize=64)
def _cooc_counts(corpus: str, window: int, ramp: bool) -> np.ndarray:
    sentences, vocab = _cooc_corpora()[corpus]
    return _cooccurrence(sentences, vocab, window, ramp_weights(window) if ramp else None)


@dataclass(frozen=True)
class CoocState:
    vocab: tuple[str, ...]
    X: np.ndarray                # (V, V) after the hacks
    singular_values: np.ndarray  # (V,)
    coords: np.ndarray           # (V, 2) first two columns of U
    title: str


def compute_cooccurrence_explorer(corpus: str, window: int, ramp: bool, cap: int, correlation: bool) -> CoocState:
    _, vocab = _cooc_corpora()[corpus]
    X = _cooc_counts(corpus, int(window), bool(ramp))
    X = cap_counts(X, cap) if cap > 0 else X
    if correlation:
        X = correlation_counts(X)
    U, S = _svd_embeddings(X, 2)
    signs = np.sign(U[np.abs(U).argmax(axis=0), [0, 1]])
    hacks = [h for h, on in (("ramp", ramp), (f"cap {cap}", cap > 0), ("correlation", correlation)) if on]
    return CoocState(tuple(vocab), X, S, U * np.where(signs == 0, 1, signs),
                     f"window {window}" + (f", {', '.join(hacks)}" if hacks else ""))


def render_cooccurrence_explorer(state: CoocState, fig: Figure) -> None:
    ax_m, ax_p = fig.axes
    ax_m.cla()
    ax_p.cla()
    plots.plot_matrix(state.X, state.vocab, state.vocab, ax_m, fmt="{:.2g}", title=f"X ({state.title})")
    sv = ", ".join(f"{s:.2f}" for s in state.singular_values[:4])
    plots.plot_word_map(state.coords, state.vocab, ax_p, title=f"words at (U[:,0], U[:,1]); σ = {sv}, …")


def cooccurrence_explorer() -> Explorer:
    """W10.3: the window co-occurrence matrix, the lecture's hacks, and a 2-D map from its SVD."""
    controls = {"corpus": widgets.Dropdown(options=list(_cooc_corpora()), description="corpus"),
                "window": widgets.IntSlider(value=1, min=1, max=4, description="window"),
                "ramp": widgets.Checkbox(value=False, description="ramp weights"),
                "cap": widgets.IntSlider(value=0, min=0, max=50, step=5, description="cap (0 = off)"),
                "correlation": widgets.Checkbox(value=False, description="correlations")}
    return Explorer(controls, compute_cooccurrence_explorer, render_cooccurrence_explorer, figsize=(11, 4.4),
                    layout=lambda fig: _layout_two_panels(fig, (1.2, 1)),
                    title="<b>Co-occurrence counts and SVD embeddings</b>")


# --------------------------------------------------------------------------- W10.4 noise distribution
@functools.cache
def _docs_counts() -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    counts = Counter(re.findall(r"[a-z_]+", "\n".join(python_docs().values()).lower()))
    ranked = counts.most_common()
    picks = ranked[:12] + ranked[200:203] + ranked[1000:1003] + ranked[-3:]
    return tuple(w for w, _ in picks), np.array([c for _, c in ranked], float), np.array([c for _, c in picks], float)


@dataclass(frozen=True)
class NoiseState:
    power: float
    lecture_words: tuple[str, ...]
    lecture_powers: np.ndarray   # f ** power, un-normalised, for the lecture's three words
    words: tuple[str, ...]
    unigram: np.ndarray          # normalised frequency of the picked words in the whole vocabulary
    noise: np.ndarray            # their probability under the noise distribution (same normalisation)


def compute_noise_explorer(noise_distribution: Callable, power: float) -> NoiseState:
    words, all_counts, _ = _docs_counts()
    p_uni = all_counts / all_counts.sum()
    p_noise = np.asarray(noise_distribution(all_counts, power), float)
    idx = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 200, 201, 202, 1000, 1001, 1002,
           len(all_counts) - 3, len(all_counts) - 2, len(all_counts) - 1]
    f = np.array(list(NOISE_EXAMPLE.values()))
    return NoiseState(float(power), tuple(NOISE_EXAMPLE), f ** power, words, p_uni[idx], p_noise[idx])


def _layout_noise(fig: Figure) -> None:
    gs = fig.add_gridspec(1, 2, width_ratios=[1, 2.6], left=0.07, right=0.98, bottom=0.27, top=0.88, wspace=0.2)
    ax_l = fig.add_subplot(gs[0, 0])
    ax_l.set_ylim(0, 1.05)
    ax_r = fig.add_subplot(gs[0, 1])
    ax_r.set_yscale("log")


def render_noise_explorer(state: NoiseState, fig: Figure) -> None:
    ax_l, ax_r = fig.axes
    x = np.arange(len(state.lecture_words))
    ax_l.bar(x, state.lecture_powers, color=PALETTE["orange"])
    for i, v in enumerate(state.lecture_powers):
        ax_l.text(i, v + 0.02, f"{v:.4f}", ha="center", fontsize=8)
    ax_l.set_xticks(x, state.lecture_words, fontsize=8)
    ax_l.set_title(f"lecture: f ** {state.power:.2f}", fontsize=10)
    x = np.arange(len(state.words))
    ax_r.bar(x - 0.2, state.unigram, width=0.4, color=PALETTE["sky"], label="unigram f")
    ax_r.bar(x + 0.2, state.noise, width=0.4, color=PALETTE["blue"], label=f"noise, power {state.power:.2f}")
    ax_r.set_xticks(x, state.words, rotation=60, ha="right", fontsize=7)
    ax_r.set_ylim(1e-7, 1)
    ax_r.legend(fontsize=8, loc="upper right")
    ax_r.set_title("Python docs words (frequent, mid-rank, rare): how often each is drawn as a negative",
                   fontsize=10)


def noise_explorer(noise_distribution: Callable | None = None) -> Explorer:
    """W10.4: negative-sampling probabilities against the exponent (0 = uniform, 1 = unigram, 0.75 = word2vec)."""
    fn = noise_distribution or _noise_distribution
    controls = {"power": widgets.FloatSlider(value=0.75, min=0.0, max=1.0, step=0.05, description="power")}
    return Explorer(controls, lambda power: compute_noise_explorer(fn, power), render_noise_explorer,
                    figsize=(10, 3.8), layout=_layout_noise, title="<b>The noise distribution f^power</b>")


# --------------------------------------------------------------------------- W10.5 embedding explorer
@dataclass(frozen=True)
class EmbeddingState:
    word: str
    neighbours: tuple[tuple[str, float], ...]
    question: tuple[str, str, str]
    answer: str
    words: tuple[str, ...]
    coords: np.ndarray          # (n, 2)


def compute_embedding_explorer(E: np.ndarray, vocab: Sequence[str], coords: np.ndarray, analogy: Callable,
                               word: str, a: str, b: str, c: str, shown: Sequence[str]) -> EmbeddingState:
    vocab = list(vocab)
    neigh = tuple(nearest_neighbours(E, vocab, word, 6)) if word in vocab else ()
    ok = all(w in vocab for w in (a, b, c))
    answer = analogy(E, vocab, a, b, c) if ok else "(a word is not in the vocabulary)"
    idx = [vocab.index(w) for w in shown]
    return EmbeddingState(word, neigh, (a, b, c), answer, tuple(shown), coords[idx])


def render_embedding_explorer(state: EmbeddingState, fig: Figure) -> None:
    ax_p, ax_t = fig.axes
    ax_p.cla()
    ax_t.cla()
    hot = {state.word, *state.question, state.answer}
    plots.plot_word_map(state.coords, state.words, ax_p, highlight=tuple(hot), title="2-D PCA of the embeddings")
    lines = [f"nearest to '{state.word}' (cosine):"] + [f"  {w:<10} {s:+.3f}" for w, s in state.neighbours]
    a, b, c = state.question
    lines += ["", f"{b} - {a} + {c} = ?", f"  -> {state.answer}"]
    plots.plot_text_panel(lines, ax_t, title="neighbours and analogy")


def embedding_explorer(E: np.ndarray, vocab: Sequence[str], analogy: Callable | None = None,
                       shown: Sequence[str] | None = None) -> Explorer:
    """W10.5: nearest neighbours, an analogy b - a + c and a 2-D PCA of the embeddings ``E (V, N)``."""
    vocab = list(vocab)
    shown = list(shown or vocab[:40])
    coords = project_2d(np.asarray(E, float))
    options = sorted(vocab)
    first = shown[0]
    controls = {"word": widgets.Dropdown(options=options, value=first, description="word"),
                "a": widgets.Dropdown(options=options, value="man" if "man" in vocab else first, description="a"),
                "b": widgets.Dropdown(options=options, value="woman" if "woman" in vocab else first,
                                      description="b"),
                "c": widgets.Dropdown(options=options, value="king" if "king" in vocab else first,
                                      description="c")}
    fn = analogy or _analogy
    return Explorer(controls, lambda word, a, b, c: compute_embedding_explorer(E, vocab, coords, fn, word, a, b, c,
                                                                               shown),
                    render_embedding_explorer, figsize=(10, 4.2), layout=lambda fig: _layout_two_panels(fig, (2, 1)),
                    title="<b>Embedding explorer</b>: neighbours of a word; analogy a : b :: c : ?")
