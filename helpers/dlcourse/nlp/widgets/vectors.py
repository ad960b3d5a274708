"""Week 10 widgets on words as vectors (notebook 2): the co-occurrence/SVD explorer, the noise
distribution against its exponent, and the embedding explorer."""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import LogLocator, NullLocator

from ...data.language import COOC_SENTENCES, COOC_VOCAB, NOISE_EXAMPLE, python_docs, \
    structured_corpus
from ...plotting import PALETTE
from ...widgetkit import Explorer
from .. import plots
from ..embeddings import cap_counts, correlation_counts, nearest_neighbours, project_2d, ramp_weights
from ..preprocess import tokenize
from .. import reference as ref
from ..tfidf import vocabulary
from ._common import _layout_two_panels, _title

__all__ = ["cooccurrence_explorer", "noise_explorer", "embedding_explorer"]


# --------------------------------------------------------------------------- W10.3 co-occurrence and SVD
@functools.cache
def _cooc_corpora() -> dict:
    lecture = [tokenize(s, lower=False) for s in COOC_SENTENCES]
    small = structured_corpus(600, rng=0)
    keep = ["king", "queen", "throne", "crown", "man", "woman", "adult", "job", "france", "paris", "french", "wine",
            "he", "his", "she", "her", "country", "city", "the"]
    return {"lecture (3 sentences)": (lecture, list(COOC_VOCAB)), "structured corpus": (list(small.sentences), keep)}


@functools.lru_cache(maxsize=64)
def _cooc_counts(corpus: str, window: int, ramp: bool) -> np.ndarray:
    sentences, vocab = _cooc_corpora()[corpus]
    return ref.cooccurrence(sentences, vocab, window, ramp_weights(window) if ramp else None)


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
    U, S = ref.svd_embeddings(X, 2)
    signs = np.sign(U[np.abs(U).argmax(axis=0), [0, 1]])
    hacks = [h for h, on in (("ramp", ramp), (f"cap {cap}", cap > 0), ("correlation", correlation)) if on]
    return CoocState(tuple(vocab), X, S, U * np.where(signs == 0, 1, signs),
                     f"window {window}" + (f", {', '.join(hacks)}" if hacks else ""))


def render_cooccurrence_explorer(state: CoocState, fig: Figure) -> None:
    ax_m, ax_p = fig.axes
    plots.plot_matrix(state.X, state.vocab, (), ax_m, annotate=False, title=f"X ({state.title}; columns as rows)")
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
    picks = ranked[:6] + ranked[200:203] + ranked[1000:1003] + ranked[-3:]
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
    idx = [0, 1, 2, 3, 4, 5, 200, 201, 202, 1000, 1001, 1002, len(all_counts) - 3, len(all_counts) - 2,
           len(all_counts) - 1]                                       # the words _docs_counts picked
    f = np.array(list(NOISE_EXAMPLE.values()))
    return NoiseState(float(power), tuple(NOISE_EXAMPLE), f ** power, words, p_uni[idx], p_noise[idx])


def _layout_noise(fig: Figure) -> None:
    words = _docs_counts()[0]
    gs = fig.add_gridspec(1, 2, width_ratios=[1, 2.6], left=0.07, right=0.98, bottom=0.27, top=0.86, wspace=0.2)
    ax_l = fig.add_subplot(gs[0, 0])
    ax_l.set(ylim=(0, 1.1), yticks=[0, 0.5, 1])
    for ax in (ax_l,):
        ax.grid(False)
    ax_l.set_xticks(range(len(NOISE_EXAMPLE)), list(NOISE_EXAMPLE), fontsize=8)
    ax_r = fig.add_subplot(gs[0, 1])
    ax_r.set(yscale="log", ylim=(1e-7, 1), xlim=(-0.7, len(words) - 0.3))
    ax_r.yaxis.set_major_locator(LogLocator(numticks=4))                # few ticks: tick labels cost most
    ax_r.yaxis.set_minor_locator(NullLocator())
    ax_r.grid(False)
    ax_r.tick_params(axis="x", length=0)
    ax_r.set_xticks(range(len(words)), words, rotation=60, ha="right", fontsize=7)


def render_noise_explorer(state: NoiseState, fig: Figure) -> None:
    ax_l, ax_r = fig.axes
    x = np.arange(len(state.lecture_words))
    ax_l.bar(x, state.lecture_powers, color=PALETTE["orange"])
    for i, v in enumerate(state.lecture_powers):
        ax_l.text(i, v + 0.02, f"{v:.4f}", ha="center", fontsize=8)
    _title(ax_l, f"lecture: f ** {state.power:.2f} (not normalised)")
    x = np.arange(len(state.words))
    ax_r.vlines(x - 0.15, 1e-7, state.unigram, lw=5, color=PALETTE["sky"])       # one collection: cheap to draw
    ax_r.vlines(x + 0.15, 1e-7, state.noise, lw=5, color=PALETTE["blue"])
    _title(ax_r, f"Python docs words: unigram f (light) and noise f ** {state.power:.2f} normalised (dark)")


def noise_explorer(noise_distribution: Callable | None = None) -> Explorer:
    """W10.4: negative-sampling probabilities against the exponent (0 = uniform, 1 = unigram, 0.75 = word2vec)."""
    fn = noise_distribution or ref.noise_distribution
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
    group: str                                          # which word map is shown
    highlight: tuple[tuple[str, float, float], ...]     # (word, x, y) of the words in play that are on the map


def compute_embedding_explorer(E: np.ndarray, vocab: Sequence[str], maps: dict, analogy: Callable,
                               word: str, a: str, b: str, c: str, group: str) -> EmbeddingState:
    """``maps``: group name -> (words, coords (n, 2)) from :func:`_group_maps`."""
    vocab = list(vocab)
    neigh = tuple(nearest_neighbours(E, vocab, word, 6)) if word in vocab else ()
    ok = all(w in vocab for w in (a, b, c))
    answer = analogy(E, vocab, a, b, c) if ok else "(a word is not in the vocabulary)"
    words, coords = maps[group]
    hot = [w for w in dict.fromkeys((word, a, b, c, answer)) if w in words]
    xy = {w: coords[words.index(w)] for w in hot}
    return EmbeddingState(word, neigh, (a, b, c), answer, group,
                          tuple((w, float(xy[w][0]), float(xy[w][1])) for w in hot))


def _map_limits(P: np.ndarray) -> tuple[tuple[float, float], tuple[float, float]]:
    pad = 0.08 * (np.ptp(P, axis=0) + 1e-9)
    return (P[:, 0].min() - pad[0], P[:, 0].max() + 2.5 * pad[0]), (P[:, 1].min() - pad[1], P[:, 1].max() + pad[1])


def _group_maps(E: np.ndarray, vocab: Sequence[str], groups: dict) -> dict:
    """group -> (words, 2-D PCA coordinates of those words only)."""
    vocab = list(vocab)
    return {g: (list(ws), project_2d(np.asarray(E, float)[[vocab.index(w) for w in ws]])) for g, ws in groups.items()}


def render_embedding_explorer(state: EmbeddingState, fig: Figure, backgrounds: dict) -> None:
    ax_p, ax_t = fig.axes
    image, ((x0, x1), (y0, y1)) = backgrounds[state.group]
    ax_p.imshow(image, extent=(x0, x1, y0, y1), aspect="auto", interpolation="nearest")
    for w, x, y in state.highlight:
        ax_p.text(x, y, " " + w, fontsize=10, color=PALETTE["vermillion"], fontweight="bold", va="center",
                  bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.3})   # hides the plain label under it
    _title(ax_p, f"2-D PCA of the '{state.group}' words (words in play in red)")
    lines = [f"nearest to '{state.word}' (cosine):"] + [f"  {w:<10} {s:+.3f}" for w, s in state.neighbours]
    a, b, c = state.question
    lines += ["", f"{b} - {a} + {c} = ?", f"  -> {state.answer}"]
    plots.plot_text_panel(lines, ax_t, title="neighbours and analogy")


def _layout_embedding(fig: Figure) -> None:
    _layout_two_panels(fig, (2, 1))
    fig.axes[0].set(xticks=[], yticks=[])
    fig.axes[0].grid(False)
    fig.axes[1].set_axis_off()


@functools.cache
def _default_embedding() -> tuple[np.ndarray, tuple[str, ...], dict]:
    from ..embeddings import pairs_to_ids, train_sgns
    from .. import reference as ref

    corpus = structured_corpus(3000, rng=0)
    vocab = sorted({w for s in corpus.sentences for w in s})
    pairs = pairs_to_ids([p for s in corpus.sentences for p in ref.skipgram_pairs(s, 2)], vocab)
    counts = Counter(w for s in corpus.sentences for w in s)
    result = train_sgns(pairs, ref.noise_distribution(np.array([counts[w] for w in vocab])), epochs=4, rng=0,
                        progress=False)
    groups = {name: [w for pair in pairs_f for w in pair] for name, pairs_f in corpus.families.items()}
    return result.W_in, tuple(vocab), groups


def embedding_explorer(E: np.ndarray | None = None, vocab: Sequence[str] | None = None,
                       analogy: Callable | None = None, groups: dict | None = None) -> Explorer:
    """W10.5: nearest neighbours, an analogy b - a + c and 2-D PCA maps of groups of words.

    ``E (V, N)`` and ``vocab`` are the embeddings to explore; ``groups`` maps a name to the
    words of one map (default: the first 30 words). Without ``E`` it trains SGNS (the reference)
    on the structured corpus first (about 3 s) and maps its three families.
    """
    if E is None or vocab is None:
        E, vocab, default_groups = _default_embedding()
        groups = groups or default_groups
    vocab = list(vocab)
    groups = dict(groups or {"words": vocab[:30]})
    maps = _group_maps(E, vocab, groups)                                # fixed: each map is drawn once
    probe = Figure(figsize=(10, 4.2))
    _layout_embedding(probe)
    box = probe.axes[0].get_position()                                  # the map's size in pixels at 72 dpi
    size = (int(round(box.width * 10 * 72)), int(round(box.height * 4.2 * 72)))
    backgrounds = {}
    for g, (words, P) in maps.items():
        limits = _map_limits(P)
        backgrounds[g] = (plots.word_map_image(P, words, *limits, size=size), limits)
    options = sorted(vocab)
    first = next(iter(groups.values()))[0]
    pick = lambda w: w if w in vocab else first  # noqa: E731
    controls = {"word": widgets.Dropdown(options=options, value=first, description="word"),
                "group": widgets.Dropdown(options=list(groups), description="map"),
                "a": widgets.Dropdown(options=options, value=pick("man"), description="a"),
                "b": widgets.Dropdown(options=options, value=pick("woman"), description="b"),
                "c": widgets.Dropdown(options=options, value=pick("king"), description="c")}
    fn = analogy or ref.analogy
    return Explorer(controls, lambda word, group, a, b, c: compute_embedding_explorer(E, vocab, maps, fn, word, a, b,
                                                                                      c, group),
                    lambda state, fig: render_embedding_explorer(state, fig, backgrounds),
                    figsize=(10, 4.2), layout=_layout_embedding,
                    title="<b>Embedding explorer</b>: neighbours of a word; analogy a : b :: c : ?")
