"""Week 09 widgets: the attention calculator, the positional-encoding explorer, the masking
playground and the attention-head viewer of the trained GPT.

Every widget is a pure ``compute_*(...) -> state`` (a small frozen dataclass), a
``render_*(state, fig)`` and a builder on :class:`~dlcourse.widgetkit.Explorer`. Builders take the
students' functions (default: the private references); the head viewer caches the attention
maps of each prompt, so a change of layer or head only redraws.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from ...plotting import PALETTE, SEQUENTIAL
from ...widgetkit import Explorer
from .. import reference as ref
from ..positional import pe_criteria

__all__ = ["attention_calculator", "pe_explorer", "masking_playground", "head_viewer"]


def _reference_attention(Q, K, V, mask=None):
    return ref.scaled_dot_product_attention(Q, K, V, mask)


def _numpy(t) -> np.ndarray:
    return t.detach().numpy() if hasattr(t, "detach") else np.asarray(t)


# --------------------------------------------------------------------------- attention calculator
@dataclass(frozen=True)
class CalculatorState:
    query: int                  # 0 = "Thinking", 1 = "Machines"
    words: tuple[str, str]
    raw_scores: np.ndarray      # (2,) q_i . k_j
    used_scores: np.ndarray     # (2,) what the softmax saw: raw / sqrt(d_k) (if scaling) / temperature
    weights: np.ndarray         # (2,) the student's function's weights for the chosen query
    z: np.ndarray               # (2,) the first two values of z_i = 10 * weights when the function is right
    scale: bool
    temperature: float


def compute_attention_calculator(attention: Callable, query: int, scale: bool, temperature: float) -> CalculatorState:
    """Run ``attention(Q, K, V)`` on the worked example; scaling off = Q multiplied by sqrt(d_k) first."""
    from ..attention import THINKING_MACHINES, thinking_machines_qkv

    Q, K, V = thinking_machines_qkv()
    d_k = Q.shape[-1]
    raw = _numpy(Q @ K.T)[query]
    factor = (1.0 if scale else math.sqrt(d_k)) / temperature          # the function divides by sqrt(d_k)
    out, w = attention(Q * factor, K, V)
    used = raw * factor / math.sqrt(d_k)
    return CalculatorState(query, THINKING_MACHINES["words"], raw, used, _numpy(w)[query].astype(float),
                           _numpy(out)[query, :2].astype(float), bool(scale), float(temperature))


def _layout_calculator(fig: Figure) -> None:
    ax_s, ax_w = fig.subplots(1, 2, gridspec_kw={"wspace": 0.35, "left": 0.08, "right": 0.97, "top": 0.85})
    ax_s.set(ylabel="score fed to the softmax", xlim=(-0.6, 1.6))
    ax_w.set(ylabel="attention weight α", ylim=(0, 1.1), xlim=(-0.6, 1.6))
    for ax in (ax_s, ax_w):                                             # the keys never change: label them once
        ax.set_xticks([0, 1], ["key: Thinking", "key: Machines"])


def render_attention_calculator(state: CalculatorState, fig: Figure) -> None:
    ax_s, ax_w = fig.axes
    colors = [PALETTE["blue"], PALETTE["orange"]]
    ax_s.bar([0, 1], state.used_scores, color=colors)
    top = max(float(np.max(np.abs(state.used_scores))), 1e-9)
    ax_s.set_ylim(min(0, float(state.used_scores.min())) * 1.15, top * 1.2)
    ax_w.bar([0, 1], state.weights, color=colors)
    for j in range(2):
        ax_s.text(j, state.used_scores[j], f"{state.used_scores[j]:.4g}", ha="center", va="bottom", size=9)
        ax_w.text(j, state.weights[j], f"{state.weights[j]:.6f}", ha="center", va="bottom", size=9)
    scaling = "÷ √64 = 8" if state.scale else "no √d_k scaling"
    fig.axes[0].set_title(f"query “{state.words[state.query]}”: q·k = {state.raw_scores[0]:g}, "
                          f"{state.raw_scores[1]:g}  ({scaling}, T = {state.temperature:.3g})", loc="left", size=10)


def attention_calculator(attention: Callable | None = None) -> Explorer:
    """The lecture's "Thinking Machines" example through ``attention(Q, K, V, mask=None) -> (Z, weights)``.

    Controls: the query word, the √d_k scaling (off: the scores are fed unscaled), and a
    temperature T dividing the scores. The second query's scores (72, 104) are not the lecture's.
    """
    controls = {"query": widgets.Dropdown(options=[("Thinking", 0), ("Machines", 1)], value=0, description="query"),
                "scale": widgets.Checkbox(value=True, description="divide by √d_k"),
                "temperature": widgets.FloatLogSlider(1.0, base=10, min=-1, max=1, step=0.05,
                                                      description="temperature T")}
    return Explorer(controls, functools.partial(compute_attention_calculator, attention or _reference_attention),
                    render_attention_calculator, layout=_layout_calculator, figsize=(8, 3.2))


# --------------------------------------------------------------------------- positional-encoding explorer
@dataclass(frozen=True)
class PEState:
    pe: np.ndarray              # (max_len, d_model)
    position: int
    dots: np.ndarray            # (max_len,) PE[position] . PE[p] for every p
    criteria: tuple[tuple[str, bool], ...]


def compute_pe_explorer(pe_fn: Callable, d_model: int, position: int, max_len: int = 100) -> PEState:
    pe = np.asarray(pe_fn(max_len, d_model), dtype=float)
    if pe.shape != (max_len, d_model):
        raise ValueError(f"the encoding has shape {pe.shape}; expected {(max_len, d_model)}")
    crit = pe_criteria(pe_fn, d_model=d_model, lengths=(10, 50, 200))
    return PEState(pe, int(position), pe @ pe[position], tuple(crit.items()))


def _layout_pe(fig: Figure) -> None:
    ax_m, ax_d = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.2, 1], "wspace": 0.3, "left": 0.07,
                                                  "right": 0.97, "top": 0.86, "bottom": 0.14})
    ax_m.set(xlabel="dimension", ylabel="position")
    ax_m.grid(False)
    ax_d.set(xlabel="position p", ylabel="PE[pos] · PE[p]")


def render_pe_explorer(state: PEState, fig: Figure) -> None:
    ax_m, ax_d = fig.axes
    T, d = state.pe.shape
    ax_m.imshow(state.pe, aspect="auto", cmap="RdBu_r", vmin=-1, vmax=1, interpolation="nearest",
                extent=(-0.5, d - 0.5, T - 0.5, -0.5))
    ax_m.axhline(state.position, color=PALETTE["black"], lw=1)
    ax_m.set(xlim=(-0.5, d - 0.5), ylim=(T - 0.5, -0.5))
    ax_d.plot(np.arange(T), state.dots, color=PALETTE["blue"], lw=1.5)
    ax_d.axvline(state.position, color=PALETTE["vermillion"], lw=1)
    ax_d.set_ylim(min(0.0, float(state.dots.min())) - 0.5, d / 2 * 1.1 + 0.5)
    marks = "  ".join(f"({k}) {'✓' if ok else '✗'}" for k, ok in state.criteria)
    ax_m.set_title(f"d_model = {d}: criteria {marks}", loc="left", size=10)


def pe_explorer(pe_fn: Callable | None = None, max_len: int = 100) -> Explorer:
    """The encoding table ``pe_fn(max_len, d_model)``, one position's dot product with all others, and
    the four criteria checked numerically. Default: the reference sinusoids."""
    fn = pe_fn or ref.sinusoidal_pe
    controls = {"d_model": widgets.IntSlider(16, min=4, max=128, step=4, description="d_model"),
                "position": widgets.IntSlider(20, min=0, max=max_len - 1, description="position")}
    return Explorer(controls, functools.partial(compute_pe_explorer, fn, max_len=max_len), render_pe_explorer,
                    layout=_layout_pe, figsize=(8.5, 3.2))


# --------------------------------------------------------------------------- masking playground
@dataclass(frozen=True)
class MaskState:
    weights: np.ndarray         # (T, T)
    allowed: np.ndarray         # (T, T) bool, True = may attend
    row_sums: np.ndarray        # (T,)
    where: str                  # "before" or "after" the softmax
    length: int


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def compute_masking(causal_mask_fn: Callable, T: int, length: int, causal: bool, where: str) -> MaskState:
    """Seeded random scores (T, T); padding hides the keys at positions >= length; causal hides the future."""
    scores = np.random.default_rng(T).normal(scale=1.5, size=(T, T))
    allowed = np.ones((T, T), dtype=bool)
    allowed[:, min(length, T):] = False
    if causal:
        allowed &= np.asarray(_numpy(causal_mask_fn(T)), dtype=bool)
    if where == "before":
        z = np.where(allowed, scores, -np.inf)
        with np.errstate(invalid="ignore"):
            w = _softmax(z)                                             # a row with nothing allowed is nan
    else:
        w = _softmax(scores) * allowed
    return MaskState(w, allowed, np.nansum(w, axis=1), where, int(length))


def render_masking(state: MaskState, fig: Figure) -> None:
    ax, ax_sum = fig.axes
    T = len(state.weights)
    ax.imshow(np.nan_to_num(state.weights), cmap=SEQUENTIAL, vmin=0, vmax=1, interpolation="nearest",
              extent=(-0.5, T - 0.5, T - 0.5, -0.5))
    ys, xs = np.nonzero(~state.allowed)
    ax.plot(xs, ys, "x", color=PALETTE["vermillion"], ms=9, mew=2)
    ax.set(xlim=(-0.5, T - 0.5), ylim=(T - 0.5, -0.5), xticks=range(T), yticks=range(T))
    ok = np.abs(state.row_sums - 1) < 1e-9
    ax_sum.barh(np.arange(T), state.row_sums, color=np.where(ok, PALETTE["blue"], PALETTE["vermillion"]))
    ax_sum.axvline(1.0, color=PALETTE["black"], lw=0.8)                 # redrawn: the explorer clears lines
    ax_sum.set_ylim(T - 0.5, -0.5)
    ax.set_title(f"mask {state.where} the softmax (× masked): {int(ok.sum())} of {T} rows sum to 1",
                 loc="left", size=10)


def _layout_masking(fig: Figure) -> None:
    ax = fig.add_axes((0.1, 0.12, 0.68, 0.78))
    ax.set(xlabel="key position j", ylabel="query position i")
    ax.grid(False)
    ax_sum = fig.add_axes((0.82, 0.12, 0.14, 0.78))
    ax_sum.set(xlim=(0, 1.1), xticks=[0, 1], yticks=[], xlabel="row sum")


def masking_playground(causal_mask_fn: Callable | None = None) -> Explorer:
    """Padding and causal masks on random scores, applied before or after the softmax.

    ``causal_mask_fn(T)`` returns the (T, T) boolean causal mask (True = may attend); default the reference.
    """
    controls = {"T": widgets.IntSlider(6, min=3, max=10, description="length T"),
                "length": widgets.IntSlider(4, min=1, max=10, description="real tokens"),
                "causal": widgets.Checkbox(value=True, description="causal mask"),
                "where": widgets.ToggleButtons(options=["before", "after"], value="before",
                                               description="mask the")}
    return Explorer(controls, functools.partial(compute_masking, causal_mask_fn or ref.causal_mask), render_masking,
                    layout=_layout_masking, figsize=(6.2, 4.2))


# --------------------------------------------------------------------------- attention-head viewer
@dataclass(frozen=True)
class HeadState:
    chars: tuple[str, ...]
    weights: np.ndarray         # (T, T) of the chosen layer and head
    layer: int
    head: int
    top: tuple[str, ...]        # for the last query: its three most attended characters, positions, weights


def compute_head_viewer(maps_of: Callable[[str], np.ndarray], prompt: str, layer: int, head: int) -> HeadState:
    maps = maps_of(prompt)                                              # (L, nh, T, T)
    w = maps[min(layer, len(maps) - 1), min(head, maps.shape[1] - 1)]
    chars = tuple("␣" if c == " " else "⏎" if c == "\n" else c for c in prompt[-len(w):])
    order = np.argsort(-w[-1])[:3]
    return HeadState(chars, w, int(layer), int(head), tuple(f"'{chars[j]}' (position {j}, {w[-1, j]:.2f})" for j in order))


def render_head_viewer(state: HeadState, fig: Figure) -> None:
    ax = fig.axes[0]
    T = len(state.chars)
    ax.imshow(state.weights, cmap=SEQUENTIAL, vmin=0, vmax=1, interpolation="nearest",
              extent=(-0.5, T - 0.5, T - 0.5, -0.5))
    ax.set(xlim=(-0.5, T - 0.5), ylim=(T - 0.5, -0.5))
    if getattr(ax, "_labelled_chars", None) != state.chars:             # tick labels are costly: only on a new prompt
        ax.set_xticks(range(T), state.chars, size=8)
        ax.set_yticks(range(T), state.chars, size=8)
        ax._labelled_chars = state.chars
    ax.set_title(f"layer {state.layer}, head {state.head}: the last character looks most at {', '.join(state.top)}",
                 loc="left", size=10)


def _layout_head_viewer(fig: Figure) -> None:
    ax = fig.add_axes((0.08, 0.1, 0.88, 0.8))
    ax.grid(False)


def head_viewer(model=None, vocab=None,
                prompts: Sequence[str] = ("for x in range(10):", "The return statement")) -> Explorer:
    """Causal attention weights of every layer and head of a trained :class:`~.gpt.CharGPT` on a typed prompt.

    ``model`` and ``vocab`` default to a small GPT (2 layers, 4 heads, C = 48) trained here for 150
    steps on the Python help topics (a few seconds); the attention maps of each prompt are cached.
    """
    from ..gpt import CharGPT, GPTConfig, attention_maps, char_corpus, train_gpt

    if model is None or vocab is None:
        from ...data.text import python_docs_text
        vocab, train_ids, _ = char_corpus(python_docs_text())
        model = CharGPT(GPTConfig(len(vocab), block_size=48, d_model=48, n_layers=2, n_heads=4))
        train_gpt(model, train_ids, steps=150, lr=6e-3, seed=0, progress=False)

    allowed = set(vocab.itos)

    @functools.lru_cache(maxsize=64)
    def maps_of(prompt: str) -> np.ndarray:
        text = "".join(c for c in prompt if c in allowed)[-model.config.block_size:] or " "
        return attention_maps(model, vocab.encode(text))

    def compute(prompt, layer, head):
        text = "".join(c for c in prompt if c in allowed)[-model.config.block_size:] or " "
        return compute_head_viewer(maps_of, text, layer, head)

    c = model.config
    controls = {"prompt": widgets.Text(prompts[0], description="prompt", continuous_update=False),
                "layer": widgets.IntSlider(0, min=0, max=c.n_layers - 1, description="layer"),
                "head": widgets.IntSlider(0, min=0, max=c.n_heads - 1, description="head")}
    return Explorer(controls, compute, render_head_viewer, layout=_layout_head_viewer, figsize=(6, 5.2))
