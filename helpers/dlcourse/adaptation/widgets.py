"""Week 11 widgets (only this module imports ipywidgets): the TrAdaBoost stepper, the shift explorer
and the DANN lab.

Each widget is a frozen state dataclass, a pure ``compute_*``, a ``_layout_*`` that creates the axes
once (fixed ticks and labels frozen with :func:`~dlcourse.widgetkit.freeze_static`), a ``render_*``
that draws the state's data, and a builder returning an :class:`~dlcourse.widgetkit.Explorer`.
Expensive work (20 TrAdaBoost rounds; one source-only network and six domain classifiers; five
small DANN trainings on the rotated moons) runs once, when the widget is built.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import ipywidgets as ipw
import numpy as np

from ..plotting import PALETTE
from ..widgetkit import Explorer, freeze_static, title
from .tradaboost import fit_tradaboost, old_new_reviews, predict_tradaboost

__all__ = ["tradaboost_stepper", "shift_explorer", "dann_lab"]

N_ROUNDS = 20
_GROUPS = (("relevant", "blue", "o", "source, same concept"), ("misleading", "vermillion", "o", "source, rotated concept"),
           ("target", "green", "s", "target (labelled)"))


# ------------------------------------------------------------------------------ TrAdaBoost stepper
@dataclass(frozen=True)
class TrAdaBoostState:
    variant: str
    round: int
    X: np.ndarray
    weights: np.ndarray            # (n + m,) before this round
    relevant: np.ndarray           # masks over the n + m samples
    misleading: np.ndarray
    target: np.ndarray
    share_relevant: np.ndarray     # (N + 1,) total weight of each group before every round
    share_misleading: np.ndarray
    share_target: np.ndarray
    accuracy: float


@functools.lru_cache(maxsize=4)
def _fits(variant: str, update=None, error=None):
    Xs, ys, rel, Xt, yt, Xte, yte = old_new_reviews(rng=0)
    fit = fit_tradaboost(Xs, ys, Xt, yt, N_ROUNDS, variant, update=update, error=error)
    acc = float(np.mean(predict_tradaboost(fit, Xte) == yte))
    return Xs, rel, Xt, fit, acc


def compute_tradaboost(variant: str = "lecture", round: int = 0, update=None, error=None) -> TrAdaBoostState:
    Xs, rel, Xt, fit, acc = _fits(variant, update, error)
    n, m = len(Xs), len(Xt)
    w = np.concatenate([fit.w_src[round], fit.w_tgt[round]])
    relevant = np.r_[rel, np.zeros(m, bool)]
    misleading = np.r_[~rel, np.zeros(m, bool)]
    target = np.r_[np.zeros(n, bool), np.ones(m, bool)]
    return TrAdaBoostState(variant, round, np.vstack([Xs, Xt]), w, relevant, misleading, target,
                           fit.w_src[:, rel].sum(1), fit.w_src[:, ~rel].sum(1), fit.w_tgt.sum(1), acc)


def _layout_tradaboost(fig):
    ax1, ax2 = fig.subplots(1, 2)
    ax1.set(xlabel="x1", ylabel="x2", xlim=(-3.5, 3.5), ylim=(-3.5, 3.5), xticks=[-3, 0, 3], yticks=[-3, 0, 3])
    ax2.set(xlabel="round", ylabel="share of the total weight", ylim=(0, 1), xlim=(0, N_ROUNDS),
            xticks=[0, 10, 20], yticks=[0, 0.5, 1])
    fig.subplots_adjust(wspace=0.3, bottom=0.15, top=0.88)
    freeze_static(fig, [a for ax in (ax1, ax2) for a in (ax.xaxis, ax.yaxis)])


def render_tradaboost(state: TrAdaBoostState, fig):
    """Marker area proportional to weight; each group's share of the total weight over the rounds."""
    ax1, ax2 = fig.axes
    size = 6000 * state.weights
    for attr, c, mk, _ in _GROUPS:
        mask = getattr(state, attr)
        ax1.scatter(*state.X[mask].T, s=size[mask], color=PALETTE[c], marker=mk, linewidths=0)
    title(ax1, f"{state.variant} rule: weights before round {state.round + 1}")
    r = np.arange(len(state.share_relevant))
    for attr, c, _, _ in _GROUPS:
        ax2.plot(r, getattr(state, "share_" + attr), color=PALETTE[c])
    ax2.axvline(state.round, color="k", lw=0.8)
    title(ax2, f"target accuracy of the vote: {state.accuracy:.3f}")


def _legend_html() -> str:
    glyph = {"o": "&#9679;", "s": "&#9632;"}
    return " &nbsp; ".join(f"<span style='color:{PALETTE[c]}'>{glyph[mk]}</span> {name}" for _, c, mk, name in _GROUPS)


def tradaboost_stepper(update=None, error=None) -> Explorer:
    """Round slider and rule toggle over a precomputed 20-round fit on the "old vs new" data.

    ``update`` / ``error``: the student's ``tradaboost_update`` and ``tradaboost_error``.
    """
    for v in ("lecture", "paper"):
        _fits(v, update, error)                                  # fit once, when built
    controls = {"variant": ipw.ToggleButtons(options=["lecture", "paper"], description="rule"),
                "round": ipw.IntSlider(0, 0, N_ROUNDS, description="round")}

    def next_round(ex):
        ex.controls["round"].value = min(N_ROUNDS, ex.controls["round"].value + 1)

    return Explorer(controls, functools.partial(compute_tradaboost, update=update, error=error),
                    render_tradaboost, layout=_layout_tradaboost, figsize=(8, 3.3),
                    buttons={"Next round": next_round},
                    title="<b>TrAdaBoost: which source samples fade</b><br>" + _legend_html())


# ------------------------------------------------------------------------------ shift explorer
STRENGTHS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)


@dataclass(frozen=True)
class ShiftState:
    index: int
    strength: float
    montage: np.ndarray                 # (8, 8 * 8, 3): the first eight target test images side by side
    strengths: tuple[float, ...]
    source_only: tuple[float, ...]      # target test accuracy of ONE source-only model, per strength
    domain_accuracy: tuple[float, ...]  # held-out accuracy of a source-vs-target logistic regression


@functools.lru_cache(maxsize=1)
def _shift_table(seed: int = 0):
    from ..data.domains import digits_domains
    from .dann import accuracy, train_dann
    from .shift import domain_classifier_error

    model = train_dann(digits_domains(0.0, rng=seed), "source", epochs=30, seed=seed).model   # source is the same
    montages, acc, dom = [], [], []
    for s in STRENGTHS:
        d = digits_domains(s, rng=seed)                     # same digits and patches, only the blend changes
        montages.append(np.concatenate(list(np.transpose(d["Xt_test"][:8], (0, 2, 3, 1))), axis=1))
        acc.append(accuracy(model, d["Xt_test"], d["yt_test"]))
        dom.append(1.0 - domain_classifier_error(d["Xs_train"], d["Xt_train"], seed))
    return tuple(montages), tuple(acc), tuple(dom)


def compute_shift(index: int = 5) -> ShiftState:
    montages, acc, dom = _shift_table()
    return ShiftState(index, STRENGTHS[index], montages[index], STRENGTHS, acc, dom)


def _layout_shift(fig):
    ax1, ax2 = fig.subplots(2, 1, gridspec_kw={"height_ratios": [1, 2.2]})
    ax1.set(xticks=[], yticks=[])
    ax2.set(xlabel="blend strength s", ylabel="accuracy", ylim=(0, 1.05), xlim=(0, 1),
            xticks=[0, 0.5, 1], yticks=[0, 0.5, 1])
    fig.subplots_adjust(hspace=0.35, top=0.92, bottom=0.12)
    freeze_static(fig, [ax2.xaxis, ax2.yaxis])


def render_shift(state: ShiftState, fig):
    ax1, ax2 = fig.axes
    ax1.imshow(state.montage, interpolation="nearest")
    title(ax1, f"target samples at s = {state.strength:.2f}")
    ax2.plot(state.strengths, state.source_only, "o-", color=PALETTE["blue"])
    ax2.plot(state.strengths, state.domain_accuracy, "s-", color=PALETTE["vermillion"])
    ax2.axvline(state.strength, color="k", lw=0.8)
    title(ax2, f"source-only on target {state.source_only[state.index]:.2f} · "
               f"domain classifier {state.domain_accuracy[state.index]:.2f}")


def shift_explorer() -> Explorer:
    """Blend-strength slider: target samples, source-only target accuracy, domain-classifier accuracy.

    Builds in a few seconds (one source-only network, one domain classifier per strength).
    """
    _shift_table()
    controls = {"index": ipw.SelectionSlider(options=[(f"{s:.1f}", i) for i, s in enumerate(STRENGTHS)],
                                             value=0, description="blend strength s")}
    return Explorer(controls, compute_shift, render_shift, layout=_layout_shift, figsize=(6, 4.2),
                    title="<b>How strong is the shift?</b> &nbsp; "
                          f"<span style='color:{PALETTE['blue']}'>&#9679;</span> source-only accuracy on the target "
                          f"&nbsp; <span style='color:{PALETTE['vermillion']}'>&#9632;</span> domain-classifier accuracy")


# ------------------------------------------------------------------------------ DANN lab
LAB_SCHEDULES = {"ramp": 10.0, "constant": 1e6}      # gamma of lambda(p) = 2 / (1 + exp(-gamma p)) - 1
LAB_WEIGHTS = (0.0, 0.3, 1.0)                       # weight of the domain loss; 0 = source-only
LAB_EVERY = 20                                      # a feature snapshot every 20 of the 200 epochs


@dataclass(frozen=True)
class DANNLabState:
    schedule: str
    weight: float
    epoch: int
    curve: tuple[float, ...]             # target test accuracy per epoch of this run
    source_curve: tuple[float, ...]      # the same for source-only training (weight 0)
    lambdas: tuple[float, ...]           # lambda at the end of every epoch
    fs: np.ndarray                       # (n, 2) source test features at ``epoch``, projected
    ft: np.ndarray                       # (m, 2) target test features, same projection
    ys: np.ndarray
    yt: np.ndarray


def _project(fs, ft, basis=None):
    F = np.vstack([fs, ft])
    if basis is None:
        mean = F.mean(0)
        _, _, vt = np.linalg.svd(F - mean, full_matrices=False)
        basis = (mean, vt[:2].T)
    P = (F - basis[0]) @ basis[1]
    return P[:len(fs)], P[len(fs):], basis


@functools.lru_cache(maxsize=1)
def _lab_runs(seed: int = 0):
    """{(schedule, weight): (curve, lambdas, [(epoch, fs2, ft2), ...])} on the rotated moons (``MOONS_DEGREES``)."""
    import torch

    from ..data.domains import moons_domains
    from .dann import MOONS_DEGREES, MOONS_RECIPE, train_dann

    data = moons_domains(MOONS_DEGREES, rng=seed)
    runs = {}
    for schedule, gamma in LAB_SCHEDULES.items():
        for w in LAB_WEIGHTS:
            if w == 0.0 and runs:
                runs[(schedule, w)] = runs[("ramp", 0.0)]
                continue
            res = train_dann(data, "source" if w == 0.0 else "dann", seed=seed, gamma=gamma, domain_weight=w or 1.0,
                             snapshot_every=LAB_EVERY, **MOONS_RECIPE)
            basis, snaps = None, []
            for epoch, fs, ft in reversed(res.snapshots):          # one projection per run: the last epoch's
                ps, pt, basis = _project(fs, ft, basis)
                snaps.append((epoch, ps, pt))
            runs[(schedule, w)] = (res.target_curve, res.lambdas, dict((e, (a, b)) for e, a, b in snaps))
    return data["ys_test"], data["yt_test"], runs


def compute_dann_lab(schedule: str = "ramp", weight: float = 1.0, epoch: int = 200) -> DANNLabState:
    ys, yt, runs = _lab_runs()
    curve, lams, snaps = runs[(schedule, weight)]
    fs, ft = snaps[epoch]
    return DANNLabState(schedule, weight, epoch, curve, runs[("ramp", 0.0)][0], lams, fs, ft, ys, yt)


def _layout_dann_lab(fig):
    ax1, ax2 = fig.subplots(1, 2)
    ax1.set(xlabel="epoch", ylabel="target test accuracy", xlim=(0, 200), ylim=(0.4, 1.02),
            xticks=[0, 100, 200], yticks=[0.5, 0.75, 1.0])
    ax2.set(xticks=[], yticks=[], xlabel="feature PC 1", ylabel="feature PC 2")
    fig.subplots_adjust(wspace=0.25, bottom=0.15, top=0.88, left=0.08, right=0.98)
    freeze_static(fig, [a for ax in (ax1, ax2) for a in (ax.xaxis, ax.yaxis)])


def render_dann_lab(state: DANNLabState, fig):
    """Left: target accuracy per epoch (this run against source-only); right: test features at the epoch."""
    ax1, ax2 = fig.axes
    e = np.arange(1, len(state.curve) + 1)
    ax1.plot(e, state.source_curve, color="0.6", lw=1)
    ax1.plot(e, state.curve, color=PALETTE["orange"], lw=1.2)
    ax1.axvline(state.epoch, color="k", lw=0.8)
    title(ax1, f"target acc. {state.curve[state.epoch - 1]:.2f} (source-only {state.source_curve[state.epoch - 1]:.2f})"
               f" · λ = {state.lambdas[state.epoch - 1]:.2f}")
    for X, y, c in ((state.fs, state.ys, "blue"), (state.ft, state.yt, "orange")):
        for k, mk in ((0, "o"), (1, "^")):
            ax2.scatter(*X[y == k].T, s=9, color=PALETTE[c], marker=mk, alpha=0.6, linewidths=0)
    pad = 0.05 * (np.ptp(np.vstack([state.fs, state.ft]), axis=0) + 1e-9)
    lo, hi = np.vstack([state.fs, state.ft]).min(0) - pad, np.vstack([state.fs, state.ft]).max(0) + pad
    ax2.set(xlim=(lo[0], hi[0]), ylim=(lo[1], hi[1]))
    title(ax2, f"features at epoch {state.epoch} ({state.schedule}, weight {state.weight:g})")


def dann_lab() -> Explorer:
    """DANN on the rotated moons (45 degrees): λ schedule, domain-loss weight and epoch -> accuracy curve and features.

    Builds in a few seconds: five small trainings (source-only, then each schedule with weights
    0.3 and 1) run once; moving a control only looks the result up.
    """
    _lab_runs()
    controls = {"schedule": ipw.ToggleButtons(options=list(LAB_SCHEDULES), value="ramp", description="λ schedule"),
                "weight": ipw.SelectionSlider(options=list(LAB_WEIGHTS), value=1.0, description="domain-loss weight"),
                "epoch": ipw.SelectionSlider(options=list(range(LAB_EVERY, 201, LAB_EVERY)), value=200,
                                             description="epoch")}
    glyph = lambda c, g: f"<span style='color:{PALETTE[c]}'>{g}</span>"          # noqa: E731
    return Explorer(controls, compute_dann_lab, render_dann_lab, layout=_layout_dann_lab, figsize=(9, 3.6),
                    title="<b>DANN lab: two moons, target rotated by 45°</b> &nbsp; "
                          f"{glyph('blue', '&#9679;')} source &nbsp; {glyph('orange', '&#9679;')} target "
                          "(● class 0, ▲ class 1) &nbsp; grey curve: source-only (weight 0)")
