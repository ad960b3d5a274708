"""dlcourse.project.structuring: the graded references against closed forms and scikit-learn, and the real
runs the week 06 notebook reads (their diagnosis is what the notebook's text says it is)."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest

from dlcourse.project import reference as ref
from dlcourse.project.structuring import (bias_variance_runs, confusion_tags, error_analysis_run, mismatch_errors,
                                          plot_confusion, plot_error_curves, plot_misclassified)

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


@pytest.mark.parametrize("train,dev,focus", [(0.01, 0.11, "variance"), (0.15, 0.16, "bias"), (0.15, 0.30, "bias"),
                                             (0.005, 0.01, "none")])
def test_diagnose_reads_the_bias_variance_table_in_the_recipes_order(train, dev, focus):
    d = ref.diagnose(train, dev)
    assert d["focus"] == focus
    assert d["avoidable_bias"] == pytest.approx(train) and d["variance"] == pytest.approx(dev - train)


def test_diagnose_uses_the_human_level_error_as_the_bias_baseline():
    assert ref.diagnose(0.08, 0.10, 0.01, tol=0.01)["focus"] == "bias"
    b = ref.diagnose(0.08, 0.10, 0.075, tol=0.01)
    assert b["focus"] == "variance" and b["avoidable_bias"] == pytest.approx(0.005)
    assert ref.diagnose(0.003, 0.004, 0.005)["focus"] == "unclear"


def test_confusion_matrix_matches_scikit_learn_with_a_missing_class():
    from sklearn.metrics import confusion_matrix

    rng = np.random.default_rng(0)
    yt, yp = rng.integers(0, 5, 300), rng.integers(0, 5, 300)
    np.testing.assert_array_equal(ref.confusion_matrix(yt, yp, 6), confusion_matrix(yt, yp, labels=range(6)))


def test_error_ceiling_is_the_lectures_dog_example():
    assert ref.error_ceiling(0.10, {"dog": 5}, 100)["dog"] == pytest.approx(0.095)


def test_select_model_picks_b_and_refuses_an_impossible_budget():
    table = [{"name": "A", "acc": 0.90, "ms": 80}, {"name": "B", "acc": 0.92, "ms": 95},
             {"name": "C", "acc": 0.95, "ms": 1500}]
    assert ref.select_model(table, "acc", {"ms": 100}) == "B"
    assert ref.select_model(table, "acc", {"ms": 95}) == "B"
    with pytest.raises(ValueError):
        ref.select_model(table, "acc", {"ms": 10})


def test_confusion_tags_count_only_the_errors():
    tags = confusion_tags(np.array([3, 3, 1, 2]), np.array([5, 5, 1, 1]))
    assert tags == {"3 -> 5": 2, "2 -> 1": 1}
    assert confusion_tags([0, 1], [1, 0], names=["cat", "dog"]) == {"cat -> dog": 1, "dog -> cat": 1}


def test_the_three_real_runs_show_bias_variance_and_neither():
    runs = bias_variance_runs(epochs=15, seed=0)
    focus = [ref.diagnose(r.train_err[-1], r.dev_err[-1])["focus"] for r in runs]
    assert focus == ["bias", "variance", "none"], [(r.name, r.train_err[-1], r.dev_err[-1]) for r in runs]
    assert all(len(r.train_err) == len(r.dev_err) == 15 for r in runs)
    assert runs[0].n_params == 170 and runs[1].n_params > 10 * runs[2].n_params
    fig, ax = plt.subplots()
    plot_error_curves(ax, runs[1], human_err=0.0)
    assert len(ax.lines) == 3
    plt.close(fig)


def test_error_analysis_run_has_a_few_percent_of_errors_and_plots_them():
    ea = error_analysis_run(seed=0, n_train=300)
    assert ea["X_dev"].shape == (500, 1, 8, 8) and ea["proba"].shape == (500, 10)
    np.testing.assert_allclose(ea["proba"].sum(axis=1), 1.0, rtol=1e-5)
    err = np.mean(ea["y_pred"] != ea["y_dev"])
    assert 0.01 < err < 0.15
    fig, axes = plt.subplots(2, 3)
    plot_misclassified(axes, ea["X_dev"], ea["y_dev"], ea["y_pred"])
    plot_confusion(axes[0, 0], ref.confusion_matrix(ea["y_dev"], ea["y_pred"], 10))
    assert axes[0, 1].get_title().count("->") == 1
    plt.close(fig)


def test_mismatched_dev_set_is_dominated_by_data_mismatch():
    e = mismatch_errors(seed=0)
    assert e["train"] <= e["train-dev"] < 0.10
    assert e["dev"] - e["train-dev"] > 0.3, e
