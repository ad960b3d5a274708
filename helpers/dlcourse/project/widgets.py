"""Week 06 widget (only this module imports ipywidgets): the bias/variance diagnosis explorer.

Pick a human-level error (a ladder of reference points, from a typical person to a team of
experts) and move the training and dev errors: bars show the three errors, the two gaps are
labelled as avoidable bias and variance, and the title says where to focus. The diagnosis is made
by the ``diagnose`` function passed in (the student's), by default the course's reference.

A frozen state dataclass, a pure ``compute_diagnosis``, a ``_layout_diagnosis`` that creates the
axes once, a ``render_diagnosis`` and the builder :func:`diagnosis_explorer`.
"""

from __future__ import annotations

from dataclasses import dataclass

import ipywidgets as ipw

from ..plotting import PALETTE
from ..widgetkit import Explorer, freeze_static, note, title
from . import reference as ref

__all__ = ["diagnosis_explorer"]

# Reference points for "human level" (a medical-imaging example, beyond the lecture): the best of them
# is the proxy for Bayes error.
HUMAN_LADDER = (("typical person", 0.03), ("typical doctor", 0.01), ("experienced doctor", 0.007),
                ("team of experienced doctors", 0.005), ("nobody measured it: 0", 0.0))


@dataclass(frozen=True)
class DiagnosisState:
    human_label: str
    human_err: float
    train_err: float
    dev_err: float
    avoidable_bias: float
    variance: float
    focus: str


def compute_diagnosis(human: int = 3, train_err: float = 0.08, dev_err: float = 0.10, tol: float = 0.01,
                      diagnose=None) -> DiagnosisState:
    """The diagnosis of (train, dev) errors against the ``human``-th rung of the ladder."""
    label, human_err = HUMAN_LADDER[human]
    d = (diagnose or ref.diagnose)(train_err, dev_err, human_err=human_err, tol=tol)
    return DiagnosisState(label, human_err, train_err, dev_err, float(d["avoidable_bias"]), float(d["variance"]),
                          str(d["focus"]))


def _layout_diagnosis(fig) -> None:
    ax = fig.subplots()
    ax.set(xlim=(-0.6, 2.6), ylim=(0, 0.45), xticks=[0, 1, 2], yticks=[0, 0.1, 0.2, 0.3, 0.4],
           ylabel="error rate")
    ax.set_xticklabels(["human level", "train", "dev"])
    ax.set_yticklabels(["0 %", "10 %", "20 %", "30 %", "40 %"])
    fig.subplots_adjust(left=0.12, right=0.97, top=0.86, bottom=0.2)
    freeze_static(fig, [ax.xaxis, ax.yaxis])


_FOCUS = {"bias": "focus: avoidable bias", "variance": "focus: variance",
          "none": "both gaps within the tolerance", "unclear": "below human level: unclear"}
_NEXT = {"bias": "bigger model, train longer, better optimiser", "variance": "more data, augmentation, regularisation",
         "none": "close to the goal", "unclear": "the gaps no longer tell"}


def render_diagnosis(state: DiagnosisState, fig) -> None:
    (ax,) = fig.axes
    errors = (state.human_err, state.train_err, state.dev_err)
    ax.bar([0, 1, 2], errors, width=0.55, color=["0.65", PALETTE["blue"], PALETTE["orange"]])
    for x0, lo, hi in ((0.5, state.human_err, state.train_err), (1.5, state.train_err, state.dev_err)):
        ax.plot([x0, x0], [lo, hi], color="black", lw=1.2, marker="_", ms=10)              # the gap
        ax.plot([x0 - 0.5, x0 + 0.5], [hi, hi], color="0.6", lw=0.6, ls=":")
    note(ax, [f"avoidable bias {100 * state.avoidable_bias:+.1f} pts", f"variance {100 * state.variance:+.1f} pts",
              f"human level: {state.human_label}", f"next: {_NEXT.get(state.focus, '?')}"], x=0.02, y=0.97, size=9)
    title(ax, _FOCUS.get(state.focus, f"focus: {state.focus}"), size=10)


def diagnosis_explorer(diagnose=None) -> Explorer:
    """Human-level ladder and train / dev error sliders; ``diagnose`` = your function (default: the reference)."""
    controls = {
        "human": ipw.Dropdown(options=[(f"{label} ({100 * err:.1f} %)", i) for i, (label, err) in enumerate(HUMAN_LADDER)],
                              value=3, description="human level"),
        "train_err": ipw.FloatSlider(value=0.08, min=0.0, max=0.3, step=0.005, description="train error",
                                     readout_format=".3f"),
        "dev_err": ipw.FloatSlider(value=0.10, min=0.0, max=0.3, step=0.005, description="dev error",
                                   readout_format=".3f"),
    }

    def compute(human, train_err, dev_err):
        return compute_diagnosis(human, train_err, dev_err, diagnose=diagnose)

    return Explorer(controls, compute, render_diagnosis, layout=_layout_diagnosis, figsize=(6.5, 3.6),
                    title="<b>Where to focus next?</b> Move the errors and the human-level reference.")
