"""Week 11 widget: the TrAdaBoost stepper. Pure compute -> frozen state checked against a fit
written here; the builder moves its controls and renders without errors; students' functions
are used."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from dlcourse.adaptation import reference as ref
from dlcourse.adaptation import tradaboost, widgets


def _built(explorer):
    explorer.raise_errors = True
    assert explorer.message.value == "", explorer.message.value
    assert explorer.image.value[:8] == b"\x89PNG\r\n\x1a\n"
    return explorer


def test_state_is_a_frozen_dataclass():
    state = widgets.compute_tradaboost("lecture", 3)
    assert dataclasses.is_dataclass(state)
    with pytest.raises(dataclasses.FrozenInstanceError):
        state.round = 4


@pytest.mark.parametrize("variant", ["lecture", "paper"])
def test_state_weights_follow_the_rule(variant):
    """Round 0 -> 1 by hand: stumps on the pooled data, the lecture's or the paper's source factor."""
    from sklearn.tree import DecisionTreeClassifier
    Xs, ys, rel, Xt, yt, _, _ = tradaboost.old_new_reviews(rng=0)
    n, m = len(Xs), len(Xt)
    w = np.r_[np.full(n, 1 / n), np.full(m, 1 / m)] / 2
    X, y = np.vstack([Xs, Xt]), np.r_[ys, yt]
    miss = DecisionTreeClassifier(max_depth=1, random_state=0).fit(X, y, sample_weight=w).predict(X) != y
    e = w[n:][miss[n:]].sum() / w[n:].sum()
    beta = 1 / (1 + math.sqrt(2 * math.log(n) / widgets.N_ROUNDS))
    src = np.where(miss[:n], w[:n] * (math.exp(-beta) if variant == "lecture" else beta), w[:n])
    e = min(max(e, 1e-10), 0.499)                                  # the fit clips e_t as the paper assumes e_t < 1/2
    tgt = np.where(miss[n:], w[n:] * (1 - e) / e, w[n:])
    expected = np.r_[src, tgt] / (src.sum() + tgt.sum())
    state = widgets.compute_tradaboost(variant, 1)
    assert np.allclose(state.weights, expected)
    assert np.isclose(state.share_relevant[1] + state.share_misleading[1] + state.share_target[1], 1.0)


def test_misleading_source_fades():
    state = widgets.compute_tradaboost("lecture", widgets.N_ROUNDS)
    assert state.share_misleading[-1] < state.share_misleading[0]
    assert state.accuracy > 0.95


def test_builder_moves_controls_and_uses_the_students_update():
    calls = []

    def update(*args):
        calls.append(args[-1])
        return ref.tradaboost_update(*args)

    ex = _built(widgets.tradaboost_stepper(update=update))
    assert set(calls) == {"lecture", "paper"}
    for r in (0, 7, widgets.N_ROUNDS):
        ex.controls["round"].value = r
        _built(ex)
    ex.controls["variant"].value = "paper"
    ex.buttons["Next round"].click()
    assert ex.state.round == widgets.N_ROUNDS and ex.state.variant == "paper"


def test_broken_student_update_fails_when_built():
    def broken(*args):
        raise ValueError("student bug")

    with pytest.raises(ValueError, match="student bug"):
        widgets.tradaboost_stepper(update=broken)       # the fit runs at build time, so the error shows at once


def test_shift_explorer_state_against_sklearn_and_the_blend():
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split

    from dlcourse.data.domains import digits_domains

    state = widgets.compute_shift(2)
    assert dataclasses.is_dataclass(state) and state.strength == widgets.STRENGTHS[2]
    d = digits_domains(state.strength, rng=0)
    X = np.vstack([d["Xs_train"].reshape(len(d["Xs_train"]), -1), d["Xt_train"].reshape(len(d["Xt_train"]), -1)])
    y = np.r_[np.zeros(len(d["Xs_train"])), np.ones(len(d["Xt_train"]))]
    Xa, Xb, ya, yb = train_test_split(X, y, test_size=0.5, random_state=0, stratify=y)
    assert np.isclose(state.domain_accuracy[2], LogisticRegression(max_iter=2000).fit(Xa, ya).score(Xb, yb))
    assert state.montage.shape == (8, 64, 3)
    assert np.allclose(state.montage[:, :8], np.transpose(d["Xt_test"][0], (1, 2, 0)))
    assert abs(state.domain_accuracy[0] - 0.5) < 0.1 and state.domain_accuracy[-1] > 0.95
    assert state.source_only[0] > 0.9 and state.source_only[-1] < state.source_only[0] - 0.3


def test_shift_explorer_builds_and_moves():
    ex = _built(widgets.shift_explorer())
    for i in range(len(widgets.STRENGTHS)):
        ex.controls["index"].value = i
        _built(ex)
    assert ex.state.index == len(widgets.STRENGTHS) - 1


def test_dann_lab_state_and_lookup():
    """The lab only looks results up: the state's curve is that of the run with the chosen settings,
    source-only is the weight-0 run, the projection keeps the pooled features centred."""
    state = widgets.compute_dann_lab("ramp", 1.0, 200)
    assert dataclasses.is_dataclass(state)
    with pytest.raises(dataclasses.FrozenInstanceError):
        state.epoch = 20
    assert len(state.curve) == 200 and len(state.source_curve) == 200
    assert state.fs.shape == (200, 2) and state.ft.shape == (200, 2)
    P = np.vstack([state.fs, state.ft])
    assert np.allclose(P.mean(0), 0.0, atol=1e-4), "projection of the last epoch is centred on the pooled features"
    src = widgets.compute_dann_lab("constant", 0.0, 20)
    assert src.curve == src.source_curve
    assert widgets.compute_dann_lab("constant", 1.0, 200).lambdas[-1] == pytest.approx(1.0)
    assert widgets.compute_dann_lab("ramp", 1.0, 200).lambdas[0] < 0.2


def test_dann_lab_builds_and_moves():
    ex = _built(widgets.dann_lab())
    for name, value in (("weight", 0.3), ("schedule", "constant"), ("epoch", 20)):
        ex.controls[name].value = value
        assert ex.message.value == ""
    assert ex.state.weight == 0.3 and ex.state.schedule == "constant" and ex.state.epoch == 20
