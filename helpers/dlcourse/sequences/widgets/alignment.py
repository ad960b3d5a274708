"""sequences widgets, W5.5 attention calculator."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import ipywidgets as ipw
import numpy as np
from matplotlib.figure import Figure
from matplotlib.transforms import ScaledTranslation

from ...plotting import PALETTE, SEQUENTIAL
from ...widgetkit import Explorer, TextLayer, title
from ..attention import WORKED_EXAMPLE
from .. import reference as ref

__all__ = ["attention_calculator", "SCORE_CHOICES", "compute_attention_calculator", "render_attention_calculator",
           "attention_heatmap", "DEFAULT_DATE_EXAMPLES", "compute_attention_heatmap", "render_attention_heatmap",
           "AttentionCalculatorState", "AttentionHeatmapState"]


def _fmt(v: np.ndarray) -> str:
    """A vector as "[5, 6.94e-11, 1]" (3 significant digits)."""
    return "[" + ", ".join(f"{x:.3g}" for x in np.asarray(v, dtype=float).ravel()) + "]"


def _parse_vector(text: str) -> np.ndarray:
    return np.array([float(x) for x in text.replace(",", " ").split()], dtype=float)


def _parse_matrix(text: str) -> np.ndarray:
    rows = [_parse_vector(r) for r in text.split(";") if r.strip()]
    if not rows or len({len(r) for r in rows}) != 1:
        raise ValueError("enc_h: rows separated by ';', all of the same length")
    return np.stack(rows)


# --------------------------------------------------------------------------- W5.5 attention calculator
SCORE_CHOICES = {"dot:  h_sᵀ h_t": "dot", "general, W_a = I": "general_I", "general, random W_a": "general_W",
                 "additive, random W_1, W_2, v_a": "additive"}
_ATTN_DIM = 4


def _random_weights(H_d: int, H_e: int) -> dict[str, np.ndarray]:
    """Fixed (seeded) weights for the general and additive scores of these sizes."""
    g = np.random.default_rng(0)
    return {"W_a": g.normal(size=(H_d, H_e)) / np.sqrt(H_e), "W_1": g.normal(size=(_ATTN_DIM, H_d)) / np.sqrt(H_d),
            "W_2": g.normal(size=(_ATTN_DIM, H_e)) / np.sqrt(H_e), "v_a": g.normal(size=_ATTN_DIM)}


@dataclass(frozen=True)
class AttentionCalculatorState:
    """The state of :func:`attention_calculator`: what :func:`render_attention_calculator` draws."""

    score: str
    temperature: float
    dec_h: np.ndarray
    enc_h: np.ndarray
    error: str | None = None               # why nothing else could be computed (then the rest is None)
    scores: np.ndarray | None = None       # (S,)
    weights: np.ndarray | None = None      # (S,) softmax(scores / T)
    context: np.ndarray | None = None      # (H_e,)
    concat: np.ndarray | None = None       # (H_e + H_d,) [c; h_t]
    weight_sum: float | None = None


def compute_attention_calculator(score_fns: Mapping[str, Callable], weights_fn: Callable, score: str,
                                 temperature: float, dec_h: str, enc_h: str) -> AttentionCalculatorState:
    """Scores of the chosen function, softmax(scores / T) by ``weights_fn``, the context and [c; h_t]."""
    h, Hs = _parse_vector(dec_h), _parse_matrix(enc_h)                   # (H_d,), (S, H_e)
    given = {"score": score, "temperature": float(temperature), "dec_h": h, "enc_h": Hs}
    if score == "dot" and len(h) != Hs.shape[1]:
        return AttentionCalculatorState(**given, error=f"the dot score needs len(dec_h) = {len(h)} == the width "
                                                       f"of enc_h = {Hs.shape[1]}")
    w = _random_weights(len(h), Hs.shape[1])
    if score == "dot":
        scores = score_fns["dot"](h, Hs)
    elif score == "general_I":
        if len(h) != Hs.shape[1]:
            return AttentionCalculatorState(**given, error="W_a = I needs len(dec_h) == the width of enc_h")
        scores = score_fns["general"](h, Hs, np.eye(len(h)))
    elif score == "general_W":
        scores = score_fns["general"](h, Hs, w["W_a"])
    else:
        scores = score_fns["additive"](h, Hs, w["W_1"], w["W_2"], w["v_a"])
    scores = np.asarray(scores, dtype=float)
    if scores.shape != (len(Hs),):
        raise ValueError(f"the score function returned shape {scores.shape}; expected ({len(Hs)},), "
                         "one score per encoder state")
    alpha = np.asarray(weights_fn(scores / temperature), dtype=float)
    if alpha.shape != scores.shape:
        raise ValueError(f"the softmax returned shape {alpha.shape}; expected {scores.shape}")
    context = ref.context_vector(alpha, Hs)
    return AttentionCalculatorState(**given, scores=scores, weights=alpha, context=context,
                                    concat=np.concatenate([context, h]), weight_sum=float(alpha.sum()))


def _layout_attention_calculator(fig: Figure) -> None:
    gs = fig.add_gridspec(2, 2, height_ratios=[1, 0.42], left=0.07, right=0.98, bottom=0.04, top=0.9,
                          hspace=0.35, wspace=0.22)
    ax_s, ax_w, ax_t = fig.add_subplot(gs[0, 0]), fig.add_subplot(gs[0, 1]), fig.add_subplot(gs[1, :])
    ax_s.set_ylabel("score")
    ax_w.set(ylim=(0, 1.12), ylabel="weight α")
    ax_t.set_axis_off()


def render_attention_calculator(state: AttentionCalculatorState, fig: Figure) -> None:
    ax_s, ax_w, ax_t = fig.axes
    text = TextLayer().add_to(ax_t, transform=ax_t.transAxes)
    if state.error:
        text.add(0.0, 0.8, state.error, color=PALETTE["vermillion"], ha="left", size=11)
        return
    S = len(state.scores)
    x = np.arange(S)
    names = [f"h_{s + 1}" for s in range(S)]
    scores, alpha = state.scores, state.weights
    ax_s.bar(x, scores, color=PALETTE["blue"], width=0.6)
    lo, hi = min(0.0, scores.min()), max(0.0, scores.max())
    pad = 0.15 * (hi - lo or 1.0)
    ax_s.set_ylim(lo - (pad if lo < 0 else 0), hi + pad)
    ax_w.bar(x, alpha, color=PALETTE["orange"], width=0.6)
    up = ScaledTranslation(0, 3 / 72, fig.dpi_scale_trans)
    labels_s = TextLayer().add_to(ax_s, transform=ax_s.transData + up)
    labels_w = TextLayer().add_to(ax_w, transform=ax_w.transData + up)
    for k in range(S):
        labels_s.add(k, scores[k], f"{scores[k]:.3g}", va="bottom", size=9)
        labels_w.add(k, alpha[k], f"{alpha[k]:.3g}", va="bottom", size=9)
    if getattr(ax_s, "_n_bars", None) != S:                             # tick labels are costly: only on change
        for ax in (ax_s, ax_w):
            ax.set_xticks(x, names)
            ax.set_xlim(-0.6, S - 0.4)
            ax._n_bars = S
    name = {v: k for k, v in SCORE_CHOICES.items()}[state.score]
    title(ax_s, f"scores ({name})")
    title(ax_w, f"weights α = softmax(scores / {state.temperature:.3g}), sum = {state.weight_sum:.6g}")
    lines = [f"decoder state h_t = {_fmt(state.dec_h)}",
             f"context c = Σ α_s h_s = {_fmt(state.context)}",
             f"[c; h_t] = {_fmt(state.concat)}   (input of tanh(W_c [c; h_t]))"]
    for k, line in enumerate(lines):
        text.add(0.0, 0.95 - 0.33 * k, line, ha="left", va="top", size=11,
                 color=PALETTE["black"] if k == 0 else PALETTE["vermillion"] if k == 1 else PALETTE["blue"])


def attention_calculator(scores: Mapping[str, Callable] | Callable | None = None,
                         weights: Callable | None = None) -> Explorer:
    """W5.5: the lecture's worked example (editable), a score function and a temperature.

    Parameters
    ----------
    scores : the students' score functions, a dict with any of the keys ``"dot"`` ->
        ``f(h_t, Hs)``, ``"general"`` -> ``f(h_t, Hs, W_a)``, ``"additive"`` ->
        ``f(h_t, Hs, W_1, W_2, v_a)`` (a single function counts as ``"dot"``); missing keys use
        the references.
    weights : the students' softmax ``f(scores (S,)) -> (S,)``; the temperature T is applied
        as ``f(scores / T)``. Default: the reference.

    ``dec_h`` is typed as "10 5 10", ``enc_h`` as rows separated by ";". The random weights of
    the general and additive scores are fixed (seed 0) for each size.
    """
    fns = {"dot": ref.score_dot, "general": ref.score_general, "additive": ref.score_additive}
    if callable(scores):
        scores = {"dot": scores}
    fns.update(scores or {})
    controls = {"score": ipw.Dropdown(options=list(SCORE_CHOICES.items()), value="dot", description="score"),
                "temperature": ipw.FloatLogSlider(1.0, base=10, min=-1, max=2, step=0.05, description="temperature T",
                                                readout_format=".3g"),
                "dec_h": ipw.Text(" ".join(f"{v:g}" for v in WORKED_EXAMPLE["dec_h"]), description="dec_h",
                                continuous_update=False),
                "enc_h": ipw.Text("; ".join(" ".join(f"{v:g}" for v in row) for row in WORKED_EXAMPLE["enc_h"]),
                                description="enc_h (rows; ...)", continuous_update=False)}
    return Explorer(controls, functools.partial(compute_attention_calculator, fns, weights or ref.attention_weights),
                    render_attention_calculator, layout=_layout_attention_calculator, figsize=(10, 5.2))


# --------------------------------------------------------------------------- W5.6 attention heat map
DEFAULT_DATE_EXAMPLES = ("12 march 2024", "wednesday 30 september 2015", "march 1, 1999", "01.02.1970",
                         "2049 dec 31", "7 jul 1985")
_MAX_TEXT = 40
_GRADIENT = np.linspace(0, 1, 256)[:, None]                              # the colour bar (redrawn each time)


@dataclass(frozen=True)
class AttentionHeatmapState:
    """The state of :func:`attention_heatmap`: what :func:`render_attention_heatmap` draws."""

    text: str
    error: str | None = None               # why there is no translation (then the rest is None)
    output: str | None = None
    alpha: np.ndarray | None = None        # (T_out, T_in) attention weights
    input_chars: list | None = None
    output_chars: list | None = None


def compute_attention_heatmap(translate_one: Callable[[str], tuple[str, np.ndarray]], allowed: frozenset,
                              example: str, text: str) -> AttentionHeatmapState:
    """The translation of ``text`` (lower-cased, trimmed) and its (T_out, T_in) attention weights."""
    clean = " ".join(text.lower().split())[:_MAX_TEXT]
    bad = sorted(set(clean) - allowed)
    if not clean or bad:
        return AttentionHeatmapState(clean, f"characters the model has never seen: {' '.join(map(repr, bad))}"
                                     if bad else "type a date, e.g. 12 march 2024")
    output, alpha = translate_one(clean)
    return AttentionHeatmapState(clean, output=output, alpha=alpha, input_chars=list(clean),
                                 output_chars=list(output))


def _layout_attention_heatmap(fig: Figure) -> None:
    ax = fig.add_axes((0.1, 0.1, 0.78, 0.74))
    cax = fig.add_axes((0.91, 0.1, 0.02, 0.74))
    cax.set(xlim=(0, 1), ylim=(0, 1), xticks=[])
    cax.yaxis.tick_right()
    cax.yaxis.set_label_position("right")
    cax.set_ylabel("attention weight α")
    cax.grid(False)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)


def render_attention_heatmap(state: AttentionHeatmapState, fig: Figure) -> None:
    ax, cax = fig.axes
    cax.imshow(_GRADIENT, cmap=SEQUENTIAL, vmin=0, vmax=1, aspect="auto", origin="lower", extent=(0, 1, 0, 1))
    if state.error:
        ax.set(xlim=(0, 1), ylim=(0, 1))
        TextLayer().add_to(ax, transform=ax.transAxes).add(0.5, 0.5, state.error, color=PALETTE["vermillion"],
                                                           size=11)
        return
    alpha = state.alpha                                               # (T_out, T_in)
    T_out, T_in = alpha.shape
    ax.imshow(alpha, cmap=SEQUENTIAL, vmin=0, vmax=1, aspect="auto", interpolation="nearest",
              extent=(-0.5, T_in - 0.5, T_out - 0.5, -0.5))
    ax.set(xlim=(-0.5, T_in - 0.5), ylim=(T_out - 0.5, -0.5))
    ticks = TextLayer().add_to(ax)
    for j, ch in enumerate(state.input_chars):
        ticks.add(j, T_out - 0.5 + 0.35, "␣" if ch == " " else ch, va="top", size=11)
    for i, ch in enumerate(state.output_chars):
        ticks.add(-0.5 - 0.25 * T_in / 28, i, ch, ha="right", size=11)
    title(ax, f"“{state.text}”  →  “{state.output}”   (rows: output characters, columns: input)", 11)


def attention_heatmap(model=None, texts: Sequence[str] | None = None) -> Explorer:
    """W5.6: a trained :class:`~dlcourse.sequences.seq2seq.DateTranslator`'s alignment, per input text.

    ``model`` default: a translator with Luong's general score trained here (200 steps on 3,000
    generated pairs, ~8 s). Type a date in the text box (updates on Enter) or pick one of
    ``texts`` (default: one of each date format). The heat map has one row per output character
    and one column per input character; each row is the softmax the decoder used for that
    character. Translations are cached per text.
    """
    from ..seq2seq import DateTranslator, attention_map, train_translator   # torch only when this widget is built

    if model is None:
        from ...data.text import date_pairs
        model = DateTranslator(seed=0)
        train_translator(model, date_pairs(3000, rng=0), steps=200, seed=0, progress=False)

    translate_one = functools.lru_cache(maxsize=256)(lambda t: attention_map(model, t))
    allowed = frozenset(ch for ch in model.src_vocab.itos if len(ch) == 1)
    examples = list(texts or DEFAULT_DATE_EXAMPLES)
    text = ipw.Text(examples[0], description="date", continuous_update=False)
    example = ipw.Dropdown(options=examples, value=examples[0], description="examples")
    example.observe(lambda change: setattr(text, "value", change["new"]), names="value")   # before the Explorer's
    return Explorer({"example": example, "text": text},
                    functools.partial(compute_attention_heatmap, translate_one, allowed),
                    render_attention_heatmap, layout=_layout_attention_heatmap, figsize=(8, 4.6))
