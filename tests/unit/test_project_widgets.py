"""Week 06 widget: the diagnosis explorer shows the gaps that the closed forms give, uses the student's
function, and every control redraws without an error."""

from __future__ import annotations

import dataclasses

import pytest

from dlcourse.project import widgets
from dlcourse.widgetkit import text_strings
from dlcourse.widgetkit.testing import built


def test_state_is_frozen_and_follows_the_closed_forms():
    s = widgets.compute_diagnosis(human=1, train_err=0.08, dev_err=0.10)     # typical doctor, 1 %
    assert (s.avoidable_bias, s.variance) == pytest.approx((0.07, 0.02)) and s.focus == "bias"
    s = widgets.compute_diagnosis(human=0, train_err=0.035, dev_err=0.10)    # typical person, 3 %
    assert s.avoidable_bias == pytest.approx(0.005) and s.focus == "variance"
    assert widgets.compute_diagnosis(human=3, train_err=0.003, dev_err=0.004).focus == "unclear"
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.focus = "bias"


def test_the_figure_names_the_gaps_and_the_focus():
    ex = built(widgets.diagnosis_explorer)
    with ex.hold():
        ex.controls["human"].value = 4
        ex.controls["train_err"].value = 0.15
        ex.controls["dev_err"].value = 0.30
    strings = " ".join(text_strings(ex.fig.axes[0]))
    assert "avoidable bias +15.0 pts" in strings and "variance +15.0 pts" in strings
    assert "focus: avoidable bias" in strings
    heights = sorted(round(p.get_height(), 3) for p in ex.fig.axes[0].patches)
    assert heights == [0.0, 0.15, 0.3]


def test_the_students_function_makes_the_diagnosis():
    def always_variance(train_err, dev_err, human_err=0.0, tol=0.02):
        return {"avoidable_bias": train_err - human_err, "variance": dev_err - train_err, "focus": "variance"}

    ex = built(widgets.diagnosis_explorer, diagnose=always_variance)
    assert ex.state.focus == "variance"
    assert any("focus: variance" in s for s in text_strings(ex.fig.axes[0]))
