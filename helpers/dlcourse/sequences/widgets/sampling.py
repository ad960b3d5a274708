"""sequences widgets, sampling temperature."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import ipywidgets as ipw
import numpy as np
from matplotlib.figure import Figure

from ...plotting import PALETTE
from ...widgetkit import Explorer, TextLayer, title

__all__ = ["sampling_temperature", "SAMPLE_PREFIXES", "compute_sampling_temperature",
           "render_sampling_temperature", "SamplingTemperatureState"]


# --------------------------------------------------------------------------- sampling temperature
SAMPLE_PREFIXES = ("Beautiful is better than ", "Flat is better than ", "Now is better than ", "Errors should ",
                   "If the implementation is ", "Special cases")
_N_SAMPLES, _SAMPLE_LEN, _TOP = 4, 90, 14


@dataclass(frozen=True)
class SamplingTemperatureState:
    """The state of :func:`sampling_temperature`: what :func:`render_sampling_temperature` draws."""

    temperature: float
    prefix: str
    seed: int
    top_chars: list
    top_probs: np.ndarray
    entropy: float
    samples: list


def compute_sampling_temperature(model, vocab, temperature: float, prefix: str,
                                 seed: int) -> SamplingTemperatureState:
    """Next-character distribution after ``prefix`` at ``temperature`` and 4 continuations."""
    from ..charmodel import next_char_probs, sample_text
    probs = next_char_probs(model, vocab, prefix, temperature)
    samples = sample_text(model, vocab, prefix, _SAMPLE_LEN, temperature, rng=seed, n_samples=_N_SAMPLES)
    top = np.argsort(-probs, kind="stable")[:_TOP]
    nz = probs[probs > 0]
    return SamplingTemperatureState(
        temperature=float(temperature), prefix=prefix, seed=int(seed), top_chars=[vocab.itos[i] for i in top],
        top_probs=probs[top], entropy=float(-(nz * np.log2(nz)).sum()),
        samples=samples)


def _layout_sampling_temperature(fig: Figure) -> None:
    ax_p = fig.add_axes((0.07, 0.62, 0.9, 0.28))
    ax_t = fig.add_axes((0.02, 0.02, 0.96, 0.48))
    ax_p.set(ylim=(0, 1.1), ylabel="P(next)", xlim=(-0.6, _TOP - 0.4), xticks=[])
    ax_t.set_axis_off()
    ax_t.set(xlim=(0, 1), ylim=(0, 1))


def _show(ch: str) -> str:
    return {" ": "␣", "\n": "⏎"}.get(ch, ch)


def render_sampling_temperature(state: SamplingTemperatureState, fig: Figure) -> None:
    ax_p, ax_t = fig.axes
    x = np.arange(len(state.top_probs))
    ax_p.bar(x, state.top_probs, color=PALETTE["blue"], width=0.7)
    labels = TextLayer().add_to(ax_p)
    for k, (ch, p) in enumerate(zip(state.top_chars, state.top_probs)):
        labels.add(k, -0.03, _show(ch), va="top", size=11)
        if p >= 0.01:
            labels.add(k, p + 0.02, f"{p:.2f}", va="bottom", size=8)
    title(ax_p, f"P(next character | “{state.prefix}”) at T = {state.temperature:g}: "
                 f"entropy {state.entropy:.2f} bits", 11)
    text = TextLayer().add_to(ax_t, transform=ax_t.transAxes)
    text.add(0.0, 1.0, f"{_N_SAMPLES} samples of {_SAMPLE_LEN} characters (⏎ = new line), seed {state.seed}:",
             ha="left", va="top", size=10, color=PALETTE["black"])
    for k, s in enumerate(state.samples):
        line = state.prefix + s.replace("\n", "⏎")
        text.add(0.0, 0.82 - 0.22 * k, line, ha="left", va="top", size=10, color=PALETTE["blue"])


def sampling_temperature(model=None, vocab=None) -> Explorer:
    """The character LSTM's next-character distribution and samples against the temperature.

    ``model``, ``vocab`` from :func:`dlcourse.sequences.charmodel.train_char_model` (default:
    trained here on the Zen of Python, ~3 s). Temperature 0 is greedy (always the argmax);
    "New samples" draws with the next seed.
    """
    if model is None or vocab is None:
        from ...data.text import zen_text
        from ..charmodel import train_char_model
        model, vocab, _ = train_char_model(zen_text(), seed=0, progress=False)
    prefixes = [p for p in SAMPLE_PREFIXES if set(p) <= set(vocab.itos)] or [vocab.itos[0]]
    seed = ipw.BoundedIntText(0, min=0, max=2**31 - 1, description="seed", layout=ipw.Layout(width="150px"))

    def new_samples(ex: Explorer) -> None:
        seed.value += 1

    controls = {"temperature": ipw.FloatSlider(1.0, min=0.0, max=2.0, step=0.1, description="temperature T"),
                "prefix": ipw.Dropdown(options=prefixes, value=prefixes[0], description="prefix"), "seed": seed}
    return Explorer(controls, functools.partial(compute_sampling_temperature, model, vocab),
                    render_sampling_temperature, layout=_layout_sampling_temperature, figsize=(11, 4.6),
                    buttons={"New samples": new_samples})
