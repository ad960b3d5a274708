"""Week 01 widgets: build each one, move its controls in Python, assert on state and figure.

Oracles are independent of the widget code: the lecture's worked numbers, scikit-learn's
estimators, and brute-force Haar sums.
"""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from sklearn.ensemble import AdaBoostClassifier, BaggingClassifier, GradientBoostingRegressor
from sklearn.tree import DecisionTreeClassifier

from dlcourse.boosting import sklearn_weak_learner, staged, widgets
from dlcourse.boosting.haar import HAAR_KINDS, haar_rectangles, haar_split
from dlcourse.boosting.plots import plot_haar_feature
from dlcourse.data import ADABOOST_TOY_MISTAKES, adaboost_toy, lfw_faces, two_moons
from dlcourse.widgetkit import TableArtist, figure_png
from dlcourse.widgetkit.testing import built as _built


def _table(explorer) -> TableArtist:
    tables = [a for a in explorer.fig.artists if isinstance(a, TableArtist)]
    tables += [a for ax in explorer.fig.axes for a in ax.artists if isinstance(a, TableArtist)]
    assert len(tables) == 1
    return tables[0]


# ------------------------------------------------------------------ W1.1 AdaBoost stepper
@pytest.fixture(scope="module")
def stepper():
    return _built(widgets.adaboost_stepper)


def test_stepper_reproduces_the_lecture_rounds(stepper):
    stepper.controls["use_typo"].value = False
    stepper.controls["t"].value = 3
    s = stepper.state
    np.testing.assert_allclose(s.alphas, [0.423649, 0.649641, 0.922913], atol=1e-6)
    assert s.eps_t == pytest.approx(3 / 22)
    assert s.train_error == 0.0
    assert s.D[0] == pytest.approx(1 / 22)
    np.testing.assert_allclose(s.D[[2, 5]], [7 / 66, 1 / 6])
    for t, mistakes in enumerate(ADABOOST_TOY_MISTAKES):        # shaded cells = the lecture's errors
        assert tuple(np.flatnonzero(s.wrong[t])) == mistakes


def test_stepper_marker_area_follows_the_weights(stepper):
    stepper.controls["t"].value = 3
    ax_points = stepper.fig.axes[0]
    sizes = ax_points.collections[0].get_sizes()
    ratio = sizes / stepper.state.D
    np.testing.assert_allclose(ratio, ratio[0])                  # area proportional to D_3(i)
    assert sizes[5] / sizes[0] == pytest.approx((1 / 6) / (1 / 22))
    assert len(stepper.fig.axes) == 3                             # points, regions, the D_t table


def test_stepper_draws_the_lecture_weights_table(stepper):
    stepper.controls["t"].value = 3
    table = _table(stepper)
    assert table.col_labels == ["i", "D1", "D2", "D3"]
    assert table.cells[0] == ["1", "0.100", "0.071", "0.045"]
    assert table.cells[2] == ["3", "0.100", "0.167", "0.106"]
    assert (2, 1) in table.highlight and (0, 3) in table.highlight and (0, 1) not in table.highlight


def test_slide_typo_changes_alpha3_but_not_the_training_predictions(stepper):
    stepper.controls["t"].value = 3
    stepper.controls["use_typo"].value = False
    correct, image = stepper.state.train_pred.copy(), stepper.image.value
    stepper.controls["use_typo"].value = True
    assert stepper.state.alphas[2] == pytest.approx(0.7378)
    np.testing.assert_array_equal(stepper.state.train_pred, correct)
    assert stepper.state.train_error == 0.0
    assert stepper.image.value != image
    stepper.controls["use_typo"].value = False


def test_next_round_and_reset_buttons_move_the_round(stepper):
    stepper.controls["t"].value = 1
    stepper.buttons["Next round"].click()
    stepper.buttons["Next round"].click()
    assert stepper.state.t == 3
    stepper.controls["t"].value = stepper.controls["t"].max
    stepper.buttons["Next round"].click()                         # stays at the last round
    assert stepper.state.t == stepper.controls["t"].max
    stepper.buttons["Reset"].click()
    assert stepper.controls["t"].value == 1 and stepper.state.t == 1


def test_stepper_runs_a_students_weak_learner_and_draws_its_split():
    X, y = adaboost_toy()
    fit = sklearn_weak_learner(lambda: DecisionTreeClassifier(max_depth=1, random_state=0))
    explorer = _built(widgets.adaboost_stepper, X=X, y=y, fit_stump=fit, n_rounds=5)
    explorer.controls["t"].value = 5
    assert explorer.state.stump is not None                    # split read from tree_
    assert explorer.state.stump.feature in (0, 1)


def test_stepper_table_stays_readable_on_a_larger_set():
    X, y = two_moons(60, 0.3, rng=0)                              # labels {0, 1} are accepted
    explorer = _built(widgets.adaboost_stepper, X=X, y=y, n_rounds=15)
    explorer.controls["t"].value = 15
    table = _table(explorer)
    assert len(table.cells) == 12 and table.col_labels[1] == "D6" and table.col_labels[-1] == "D15"
    D = explorer.state.D
    shown = [int(row[0]) - 1 for row in table.cells]
    assert D[shown].min() >= np.sort(D)[-12]                     # the 12 heaviest samples


def test_a_broken_student_function_is_reported_not_raised():
    def fit_stump(X, y, w):
        raise NotImplementedError("write fit_stump first")
    explorer = widgets.adaboost_stepper(fit_stump=fit_stump)      # raise_errors is False
    assert "NotImplementedError" in explorer.message.value
    assert "write fit_stump first" in explorer.message.value


def test_a_wrong_shaped_stump_gets_a_readable_message():
    class Flat:
        def predict(self, X):
            return np.ones((len(X), 1))
    explorer = widgets.adaboost_stepper(fit_stump=lambda X, y, w: Flat())
    assert "must return shape (10,)" in explorer.message.value


# ------------------------------------------------------------------ W1.2 bagging vs boosting
@pytest.fixture(scope="module")
def bagboost():
    return _built(widgets.bagging_vs_boosting, n_max=40)


def test_moving_n_estimators_only_indexes_the_cached_fits(bagboost):
    bagboost.controls["n_estimators"].value = 5
    before = bagboost.image.value
    bagboost.controls["n_estimators"].value = 40
    s = bagboost.state
    assert s.fit_seconds == 0.0
    assert bagboost.image.value != before
    assert s.bag_scores.shape == (64 * 64,) and np.abs(s.bag_scores).max() <= 1.0
    assert all(len(c) == 40 for c in s.curves.values())
    assert len(bagboost.fig.axes) == 3


def test_final_stage_matches_scikit_learn(bagboost):
    bagboost.controls["n_estimators"].value = 40
    s = bagboost.state
    d = s.data
    bag = BaggingClassifier(DecisionTreeClassifier(max_depth=s.bag_depth), n_estimators=40,
                            random_state=0).fit(d["X_train"], d["y_train"])
    ada = AdaBoostClassifier(DecisionTreeClassifier(max_depth=s.boost_depth), n_estimators=40,
                             random_state=0).fit(d["X_train"], d["y_train"])
    assert s.bag_test_error == pytest.approx(1 - bag.score(d["X_test"], d["y_test"]))
    assert s.boost_test_error == pytest.approx(1 - ada.score(d["X_test"], d["y_test"]))
    assert s.curves["bagging train"][-1] == pytest.approx(1 - bag.score(d["X_train"], d["y_train"]))


def test_new_noise_or_depth_refits_and_reports_the_time(bagboost):
    bagboost.controls["noise"].value = 0.1
    assert bagboost.state.fit_seconds > 0
    assert bagboost.state.noise == 0.1
    bagboost.controls["boost_depth"].value = 2
    assert bagboost.state.fit_seconds > 0 and bagboost.state.boost_depth == 2
    bagboost.controls["noise"].value = 0.3                          # back: a cache hit
    bagboost.controls["boost_depth"].value = 1
    assert bagboost.state.fit_seconds == 0.0


class TinyBagging:
    """The notebook's BaggingClassifierScratch contract, written independently: bootstrap, hard vote."""

    calls: list = []

    def __init__(self, base_factory, n_estimators=25, random_state=None):
        self.base_factory, self.n_estimators, self.random_state = base_factory, n_estimators, random_state
        TinyBagging.calls.append((n_estimators, random_state))

    def fit(self, X, y):
        rng = np.random.default_rng(self.random_state)
        self.estimators_samples_ = [rng.integers(0, len(y), len(y)) for _ in range(self.n_estimators)]
        self.estimators_ = [self.base_factory().fit(X[i], y[i]) for i in self.estimators_samples_]
        self.oob_score_ = 0.0
        return self

    def predict(self, X):
        return (np.mean([e.predict(X) for e in self.estimators_], axis=0) > 0.5).astype(int)


def test_bagging_side_runs_the_students_class():
    TinyBagging.calls.clear()
    explorer = _built(widgets.bagging_vs_boosting, n_max=15, bagging_factory=TinyBagging)
    assert TinyBagging.calls == [(15, 0)]
    d = explorer.state.data
    oracle = TinyBagging(lambda: DecisionTreeClassifier(max_depth=None, random_state=0), 15, random_state=0)
    oracle.fit(d["X_train"], d["y_train"])
    explorer.controls["n_estimators"].value = 15
    assert explorer.state.bag_test_error == pytest.approx(np.mean(oracle.predict(d["X_test"]) != d["y_test"]))
    explorer.controls["n_estimators"].value = 4                     # the vote of the first 4 trees only
    oracle.estimators_ = oracle.estimators_[:4]
    assert explorer.state.bag_test_error == pytest.approx(np.mean(oracle.predict(d["X_test"]) != d["y_test"]))
    assert set(np.unique(explorer.state.bag_scores)) <= {-1.0, -0.5, 0.0, 0.5, 1.0}   # votes out of 4


def test_a_bagging_class_without_estimators_gets_a_readable_message():
    class NoEstimators(TinyBagging):
        def fit(self, X, y):
            return self
    explorer = widgets.bagging_vs_boosting(n_max=5, bagging_factory=NoEstimators)
    assert "estimators_ must hold n_estimators=5" in explorer.message.value


def test_staged_mean_is_the_running_vote():
    votes = np.array([[1.0, 0.0], [0.0, 0.0], [1.0, 1.0]])          # (M, N)
    np.testing.assert_allclose(staged.staged_mean(votes), [[1, 0], [0.5, 0], [2 / 3, 1 / 3]])


# ------------------------------------------------------------------ W1.3 1-D gradient boosting
@pytest.fixture(scope="module")
def gb1d():
    return _built(widgets.gradient_boosting_1d, n_max=50)


def test_gradient_boosting_matches_scikit_learn_stage_by_stage(gb1d):
    gb1d.controls["n_stages"].value = 10
    s = gb1d.state
    x, y = s.x[:, None], s.y
    sk = GradientBoostingRegressor(n_estimators=50, learning_rate=0.1, max_depth=1,
                                   random_state=0).fit(x, y)
    sk_train_mse = [np.mean((F - y) ** 2) for F in sk.staged_predict(x)]
    np.testing.assert_allclose(s.train_mse, sk_train_mse, rtol=1e-9)
    F_grid = list(sk.staged_predict(s.x_grid[:, None]))
    np.testing.assert_allclose(s.F_grid, F_grid[9], atol=1e-9)
    np.testing.assert_allclose(s.h_grid * 0.1, F_grid[9] - F_grid[8], atol=1e-9)


def test_first_residuals_are_y_minus_the_mean(gb1d):
    gb1d.controls["n_stages"].value = 1
    s = gb1d.state
    np.testing.assert_allclose(s.residuals, s.y - s.y.mean())
    assert np.all(np.diff(s.train_mse) <= 1e-12)               # training loss never goes up


def test_step_button_and_stage_changes_reuse_the_fit(gb1d):
    gb1d.controls["n_stages"].value = 4
    gb1d.buttons["Step"].click()
    assert gb1d.state.M == 5 and gb1d.state.fit_seconds == 0.0
    before = gb1d.image.value
    gb1d.controls["nu"].value = 1.0
    assert gb1d.state.fit_seconds > 0 and gb1d.image.value != before
    assert len(gb1d.fig.axes) == 3
    gb1d.buttons["Reset"].click()
    assert gb1d.state.M == 1
    gb1d.controls["nu"].value = 0.1


def test_outliers_raise_the_training_loss(gb1d):
    gb1d.controls["n_stages"].value = 50
    clean = gb1d.state.train_mse[-1]
    gb1d.controls["outliers"].value = True
    assert gb1d.state.train_mse[-1] > clean
    gb1d.controls["outliers"].value = False


def test_gradient_boosting_accepts_a_students_regressor():
    factory = lambda **kw: GradientBoostingRegressor(random_state=0, **kw)
    explorer = _built(widgets.gradient_boosting_1d, n_max=20, regressor=factory)
    explorer.controls["n_stages"].value = 20
    assert explorer.state.train_mse.shape == (20,)


# ------------------------------------------------------------------ W1.4 ML2-grade table
def test_ml2_table_reproduces_the_corrected_lecture_numbers():
    explorer = _built(widgets.ml2_grade_table)
    s = explorer.state
    assert s.F0 == pytest.approx(73)
    np.testing.assert_allclose(s.r1, [17, -18, 11, -9, 5, -6])
    np.testing.assert_allclose(s.F1, [74.1, 71.2, 74.1, 72.1, 74.1, 72.4])
    np.testing.assert_allclose(s.F2, [75.09, 69.58, 75.09, 71.425, 75.09, 71.725])
    assert s.r3[2] == pytest.approx(8.91)
    assert s.new_prediction == pytest.approx(75.09)
    table = _table(explorer)
    assert table.cells[2][9] == "75.09" and (2, 9) in table.highlight
    assert table.cells[6][9] == "75.09"                            # the new student's row


def test_ml2_table_follows_nu_and_edited_marks():
    explorer = _built(widgets.ml2_grade_table)
    explorer.controls["nu"].value = 0.5
    # by hand: leaf {1,3,5} gets 11 then mean(90, 84, 78) - 78.5 = 5.5
    assert explorer.state.F2[0] == pytest.approx(73 + 0.5 * 11 + 0.5 * 5.5)
    assert explorer.state.new_prediction == pytest.approx(81.25)
    explorer.controls["y1"].value = 96.0
    assert explorer.state.F0 == pytest.approx((96 + 55 + 84 + 64 + 78 + 67) / 6)
    assert not explorer.state.as_lecture


def test_ml2_table_reports_a_broken_student_function():
    def gb_fixed_partitions(y, partitions, lr=0.1):
        return {"F0": 73.0}
    explorer = widgets.ml2_grade_table(gb_fixed_partitions=gb_fixed_partitions)
    assert "KeyError" in explorer.message.value


# ------------------------------------------------------------------ W1.5 Haar explorer
def _brute_force(images, kind, r, c, h, w):
    """grey - white by direct slicing; independent of the integral image."""
    box = lambda rr, cc, hh, ww: images[:, rr:rr + hh, cc:cc + ww].sum(axis=(1, 2))
    if kind == "2v":
        return box(r + h // 2, c, h // 2, w) - box(r, c, h // 2, w)
    if kind == "2h":
        return box(r, c + w // 2, h, w // 2) - box(r, c, h, w // 2)
    if kind == "3h":
        t = w // 3
        return box(r, c + t, h, t) - box(r, c, h, t) - box(r, c + 2 * t, h, t)
    hh, hw = h // 2, w // 2
    return box(r, c + hw, hh, hw) + box(r + hh, c, hh, hw) - box(r, c, hh, hw) - box(r + hh, c + hw, hh, hw)


@pytest.fixture(scope="module")
def haar():
    return _built(widgets.haar_explorer)


@pytest.mark.parametrize("kind", ["2h", "2v", "3h", "4"])
def test_haar_responses_match_brute_force_sums(haar, kind):
    images, _ = lfw_faces()
    for name, value in (("kind", kind), ("row", 5), ("col", 4), ("height", 8), ("width", 12)):
        haar.controls[name].value = value
    assert haar.state.feature == (kind, 5, 4, 8, 12) and haar.state.note == ""
    np.testing.assert_allclose(haar.state.values, _brute_force(images, kind, 5, 4, 8, 12), atol=1e-9)
    assert 0.5 <= haar.state.accuracy <= 1.0


def test_invalid_haar_sizes_are_snapped_not_crashed(haar):
    haar.controls["kind"].value = "2h"
    haar.controls["col"].value = 2
    haar.controls["width"].value = 7                               # odd: not splittable in two
    assert haar.state.feature[4] == 6 and "width 7→6" in haar.state.note
    haar.controls["kind"].value = "2v"
    haar.controls["row"].value = 24                                # a 2-row feature cannot start here
    kind, r, c, h, w = haar.state.feature
    assert (r, h) == (23, 2) and r + h <= 25
    haar.controls["row"].value = 5


def test_haar_image_changes_with_the_feature(haar):
    haar.controls["kind"].value = "2v"
    before = haar.image.value
    haar.controls["kind"].value = "4"
    assert haar.image.value != before
    assert len(haar.fig.axes) == 2


@pytest.mark.parametrize("kind", HAAR_KINDS)
def test_haar_split_matches_the_rectangles(kind):
    rows, cols = haar_split(kind)
    assert len(haar_rectangles(kind, 0, 0, 6 * rows, 6 * cols)) == rows * cols


def test_haar_overlay_keeps_the_face_visible():
    fig = Figure()
    ax = fig.add_subplot()
    plot_haar_feature(ax, np.zeros((25, 25)), ("2h", 2, 2, 10, 10))
    faces = [p.get_facecolor() for p in ax.patches if isinstance(p, Rectangle)]
    assert len(faces) == 2 and all(f[3] <= 0.35 for f in faces)
    assert len({p.get_edgecolor() for p in ax.patches}) == 2     # grey and white told apart by outline
    plot_haar_feature(ax, np.zeros((25, 25)), ("2h", 2, 2, 10, 10), fill_alpha=0)
    assert not any(p.get_fill() for p in ax.patches[2:])          # outlines only


def test_haar_explorer_runs_the_students_integral_image():
    def integral_image(img):                                      # unpadded (H, W), then padded here
        ii = np.zeros((img.shape[0] + 1, img.shape[1] + 1))
        ii[1:, 1:] = np.cumsum(np.cumsum(img, 0), 1)
        return ii

    def haar_feature(ii, kind, r, c, h, w):
        s = lambda rr, cc, hh, ww: ii[rr + hh, cc + ww] - ii[rr, cc + ww] - ii[rr + hh, cc] + ii[rr, cc]
        assert kind == "2v"
        return s(r + h // 2, c, h // 2, w) - s(r, c, h // 2, w)
    explorer = _built(widgets.haar_explorer, integral_image=integral_image, haar_feature=haar_feature)
    images, _ = lfw_faces()
    np.testing.assert_allclose(explorer.state.values, _brute_force(images, "2v", 6, 3, 6, 18), atol=1e-9)
