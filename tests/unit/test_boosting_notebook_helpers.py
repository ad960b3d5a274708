"""Week 01 notebook helpers (stacking's inputs, staged curves, printed tables, figures) against
independent oracles: scikit-learn's own stacking and staged scores, the numbers put into a table."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, make_hastie_10_2
from sklearn.ensemble import AdaBoostClassifier, GradientBoostingRegressor, StackingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

from dlcourse.boosting import plots
from dlcourse.boosting.stacking import meta_features, training_accuracy_table
from dlcourse.boosting.staged import staged_error, staged_error_curves, train_test_curves
from dlcourse.boosting.tables import columns_table
from dlcourse.data import ml2_grades


@pytest.fixture(scope="module")
def cancer():
    X, y = load_breast_cancer(return_X_y=True)
    return X[::2], y[::2]


MEMBERS = [("lr", make_pipeline(StandardScaler(), LogisticRegression())),
           ("tree", DecisionTreeClassifier(max_depth=4, random_state=0)), ("gnb", GaussianNB())]


def test_out_of_fold_features_are_what_stacking_classifier_trains_its_meta_learner_on(cancer):
    X, y = cancer
    features = meta_features(MEMBERS, X, y, cv=5)
    assert list(features) == ["in-sample", "out-of-fold"]
    assert features["out-of-fold"].shape == features["in-sample"].shape == (len(y), 3)
    stack = StackingClassifier(estimators=MEMBERS, final_estimator=LogisticRegression(), cv=5).fit(X, y)
    ours = LogisticRegression().fit(features["out-of-fold"], y).coef_
    np.testing.assert_allclose(ours, stack.final_estimator_.coef_, rtol=1e-6)
    # in-sample: the members refitted on everything (StackingClassifier's estimators_), asked about X
    want = np.column_stack([est.predict_proba(X)[:, 1] for est in stack.estimators_])
    np.testing.assert_allclose(features["in-sample"], want, rtol=1e-9)
    # the trap is visible: the deep tree looks better in-sample than out-of-fold
    assert np.mean((features["in-sample"][:, 1] > 0.5) == y) > np.mean((features["out-of-fold"][:, 1] > 0.5) == y)


def test_training_accuracy_table_prints_each_members_accuracy():
    y = np.array([0, 1, 1, 0])
    feats = {"in-sample": np.array([[0.1, 0.9], [0.8, 0.2], [0.7, 0.6], [0.2, 0.4]]),
             "out-of-fold": np.array([[0.9, 0.9], [0.8, 0.2], [0.7, 0.6], [0.2, 0.4]])}
    text = training_accuracy_table(feats, y, ["a", "b"]).splitlines()
    assert text[0].split()[-2:] == ["a", "b"]
    numbers = [np.array(line[line.index("[") + 1:line.index("]")].split(), float) for line in text[1:]]
    assert "in-sample (memorised)" in text[1] and "out-of-fold (honest)" in text[2]
    np.testing.assert_allclose(numbers[0], [1.0, 0.5])        # column a right on all 4, column b on 2
    np.testing.assert_allclose(numbers[1], [0.75, 0.5])


def test_staged_error_matches_sklearn_staged_score():
    X, y = make_hastie_10_2(n_samples=600, random_state=0)
    model = AdaBoostClassifier(estimator=DecisionTreeClassifier(max_depth=1), n_estimators=20,
                               random_state=0).fit(X[:400], y[:400])
    want = 1 - np.array(list(model.staged_score(X[400:], y[400:])))
    np.testing.assert_allclose(staged_error(model, X[400:], y[400:]), want, atol=1e-12)
    curves = staged_error_curves({"b": model, "a": model}, X[400:], y[400:])
    assert list(curves) == ["b", "a"] and curves["a"].shape == (20,)
    with pytest.raises(ValueError):
        staged_error(model, X, y, loss="mae")


def test_train_test_curves_are_staged_mse_per_model_and_split():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(120, 3)), rng.normal(size=120)
    gb = GradientBoostingRegressor(n_estimators=15, max_depth=2, random_state=0).fit(X[:80], y[:80])
    curves = train_test_curves({"m": gb}, (X[:80], y[:80]), (X[80:], y[80:]), loss="mse")
    assert list(curves) == ["train (m)", "test (m)"]
    assert np.isclose(curves["test (m)"][-1], np.mean((gb.predict(X[80:]) - y[80:]) ** 2))
    np.testing.assert_allclose(curves["train (m)"], gb.train_score_, rtol=1e-9)   # sklearn's own training loss


def test_columns_table_lays_out_numbered_rows_and_a_sparse_footer():
    text = columns_table({"D1": np.array([0.5, 0.25]), "D2": np.array([0.125, 1.0])}, footer={"Z": {"D2": 0.75}})
    lines = text.splitlines()
    assert lines[0].split() == ["sample", "D1", "D2"]
    assert lines[1].split() == ["1", "0.5000", "0.1250"] and lines[2].split() == ["2", "0.2500", "1.0000"]
    assert lines[3].split() == ["Z", "0.7500"] and lines[3].index("0.7500") > lines[1].index("0.5000")
    assert len({len(line) for line in lines}) == 1


def test_week01_figures_draw_their_data():
    data = ml2_grades()
    y = data["y"]
    fig, axes = plt.subplots(2, 3)
    curves = {"train (a)": np.array([3.0, 2.0, 1.0]), "test (a)": np.array([3.0, 1.0, 2.0]),
              "train (ref)": np.array([3.0, 2.0, 1.5]), "test (ref)": np.array([3.0, 2.5, 2.0])}
    plots.plot_train_test_curves(axes[0, 0], curves, reference="ref")
    assert [l.get_xdata()[0] for l in axes[0, 0].lines if l.get_linestyle() == ":" and len(l.get_xdata()) == 2] == [2]
    plots.plot_staged_vs_reference(axes[0, 1], {"a": np.array([0.4, 0.3]), "ref": np.array([0.5, 0.2])}, "ref")
    assert axes[0, 1].lines[-1].get_ydata()[0] == 0.4                  # dotted: the first curve's stage 1
    path = np.vstack([np.full(6, y.mean()), y])                          # (2, 6): F_0, then the targets
    plots.plot_prediction_walks(axes[0, 2], path, y)
    assert len(axes[0, 2].lines) == 12
    plots.plot_function_space(axes[1, 0], {"p": path}, y, idx=(0, 4))
    np.testing.assert_allclose(axes[1, 0].lines[0].get_xydata()[-1], y[[0, 4]])
    res = {"F0": float(y.mean()), "residuals": [y - y.mean(), y - y.mean()], "predictions": [y, y]}
    plots.plot_ml2_table(axes[1, 1], data, res)
    assert "F0 = " in axes[1, 1].get_title()
    plt.close(fig)
