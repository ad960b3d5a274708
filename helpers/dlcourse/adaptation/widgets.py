"""Week 11 widgets (only this module imports ipywidgets): the TrAdaBoost stepper."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import ipywidgets as W
import numpy as np

from ..widgetkit import Explorer
from . import plots
from .tradaboost import fit_tradaboost, old_new_reviews, predict_tradaboost

__all__ = ["TrAdaBoostState", "compute_tradaboost", "tradaboost_stepper"]

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
