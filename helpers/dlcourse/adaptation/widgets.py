"""Week 11 widgets (only this module imports ipywidgets): the TrAdaBoost stepper."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import ipywidgets as W
import numpy as np

from ..plotting import PALETTE
from ..widgetkit import Explorer
from . import plots
from .tradaboost import fit_tradaboost, old_new_reviews, predict_tradaboost

__all__ = ["TrAdaBoostState", "compute_tradaboost", "tradaboost_stepper", "ShiftState", "compute_shift",
           "shift_explorer"]

N_ROUNDS = 20


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


def tradaboost_stepper(update=None, error=None) -> Explorer:
    """Round slider and rule toggle over a precomputed 20-round fit on the "old vs new" data.

    ``update`` / ``error``: the student's ``tradaboost_update`` and ``tradaboost_error``.
    """
    for v in ("lecture", "paper"):
        _fits(v, update, error)                                  # fit once, when built
    controls = {"variant": W.ToggleButtons(options=["lecture", "paper"], description="rule"),
                "round": W.IntSlider(0, 0, N_ROUNDS, description="round")}

    def next_round(ex):
        ex.controls["round"].value = min(N_ROUNDS, ex.controls["round"].value + 1)

    return Explorer(controls, functools.partial(compute_tradaboost, update=update, error=error),
                    plots.plot_tradaboost_round, layout=plots.tradaboost_layout, figsize=(8, 3.3),
                    buttons={"Next round": next_round},
                    title="<b>TrAdaBoost: which source samples fade</b><br>" + plots.tradaboost_legend_html())


STRENGTHS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)


@dataclass(frozen=True)
class ShiftState:
    index: int
    strength: float
    montage: np.ndarray            # (8, 8 * 8, 3): the first eight target test images side by side
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


def shift_explorer() -> Explorer:
    """Blend-strength slider: target samples, source-only target accuracy, domain-classifier accuracy.

    Builds in a few seconds (one source-only network, one domain classifier per strength).
    """
    _shift_table()
    controls = {"index": W.SelectionSlider(options=[(f"{s:.1f}", i) for i, s in enumerate(STRENGTHS)],
                                           value=len(STRENGTHS) - 1, description="blend strength s")}
    return Explorer(controls, compute_shift, plots.plot_shift, layout=plots.shift_layout, figsize=(6, 4.2),
                    title="<b>How strong is the shift?</b> &nbsp; "
                          f"<span style='color:{PALETTE['blue']}'>&#9679;</span> source-only accuracy on the target "
                          f"&nbsp; <span style='color:{PALETTE['vermillion']}'>&#9632;</span> domain-classifier accuracy")
