"""Reference implementations of Week 01 against independent oracles (sklearn, skimage, the lecture)."""

import numpy as np
import pytest
from sklearn.datasets import load_diabetes, make_hastie_10_2
from sklearn.ensemble import AdaBoostClassifier, GradientBoostingRegressor
from sklearn.tree import DecisionTreeClassifier

from dlcourse.boosting import Stump, haar_feature_matrix, haar_rectangles, random_haar_features, sklearn_weak_learner
from dlcourse.boosting.adaboost import _AdaBoost, _alpha, _reweight
from dlcourse.boosting.bagging import _Bagging
from dlcourse.boosting.gradient_boosting import _GradientBoostingRegressor
from dlcourse.boosting import reference as ref
from dlcourse.data import ADABOOST_TOY_MISTAKES, adaboost_toy, ml2_grades

LECTURE_EPS = (0.3, 3 / 14, 3 / 22)
LECTURE_ALPHA = (0.5 * np.log(7 / 3), 0.5 * np.log(11 / 3), 0.5 * np.log(19 / 3))


def test_alpha_matches_the_lecture_and_is_zero_at_half_error():
    np.testing.assert_allclose([_alpha(e) for e in LECTURE_EPS], [0.423649, 0.649641, 0.922913], atol=1e-6)
    assert _alpha(0.5) == 0.0
    for bad in (0.0, 1.0, -0.1):
        with pytest.raises(ValueError):
            _alpha(bad)


def test_adaboost_reproduces_the_lecture_rounds_on_the_toy_set():
    X, y = adaboost_toy()
    model = _AdaBoost(n_rounds=3).fit(X, y)
    wrong_sets = [tuple(np.flatnonzero(h.predict(X) != y)) for h in model.learners_]
    assert wrong_sets == list(ADABOOST_TOY_MISTAKES)
    np.testing.assert_allclose(model.errors_, LECTURE_EPS, atol=1e-12)
    np.testing.assert_allclose(model.alphas_, LECTURE_ALPHA, atol=1e-12)
    np.testing.assert_allclose(model.Z_[:2], [0.916515, 0.820652], atol=1e-6)
    np.testing.assert_allclose(model.weights_[1], [1/14, 1/14, 1/6, 1/6, 1/6, 1/14, 1/14, 1/14, 1/14, 1/14])
    np.testing.assert_allclose(model.weights_[2], [1/22, 1/22, 7/66, 7/66, 7/66, 1/6, 1/6, 1/6, 1/22, 1/22])
    assert np.all(model.predict(X) == y)


def test_reweight_normalises_and_returns_z():
    D = np.full(10, 0.1)
    y = np.ones(10)
    h = np.ones(10)
    h[[2, 3, 4]] = -1
    D2, Z = _reweight(D, y, h, LECTURE_ALPHA[0])
    assert D2.sum() == pytest.approx(1.0)
    assert Z == pytest.approx(0.916515, abs=1e-6)


def test_fit_stump_is_the_weighted_optimum_by_brute_force():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(30, 3))
    y = rng.choice([-1, 1], 30)
    w = rng.random(30)
    w /= w.sum()
    stump = ref.fit_stump(X, y, w)
    best = min(w[np.where(X[:, f] < t, p, -p) != y].sum()
               for f in range(3) for t in np.unique(X[:, f]) for p in (1, -1))
    assert stump.error == pytest.approx(best, abs=1e-12)
    assert stump.error == pytest.approx(w[stump.predict(X) != y].sum(), abs=1e-12)


def test_adaboost_matches_sklearn_samme_exactly_with_sklearn_stumps():
    X, y = make_hastie_10_2(1000, random_state=0)
    stump = lambda: DecisionTreeClassifier(max_depth=1, random_state=0)  # noqa: E731
    ours = _AdaBoost(30, fit_weak=sklearn_weak_learner(stump)).fit(X, y)
    theirs = AdaBoostClassifier(estimator=stump(), n_estimators=30).fit(X, y)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    np.testing.assert_allclose(2 * np.array(ours.alphas_), theirs.estimator_weights_, rtol=1e-10)


def test_bootstrap_leaves_out_one_over_e():
    idx = ref.bootstrap_indices(10_000, np.random.default_rng(0))
    assert idx.min() >= 0 and idx.max() < 10_000
    assert np.unique(idx).size / 10_000 == pytest.approx(1 - np.exp(-1), abs=0.01)
    np.testing.assert_array_equal(idx, ref.bootstrap_indices(10_000, np.random.default_rng(0)))


def test_votes_break_ties_to_the_lowest_label_and_average_probabilities():
    np.testing.assert_array_equal(ref.hard_vote(np.array([[2, 1, 0], [1, 1, 2]])), [1, 1, 0])
    probas = np.array([[[0.9, 0.1]], [[0.4, 0.6]], [[0.4, 0.6]]])
    assert ref.soft_vote(probas)[0] == 0          # mean 0.567 vs 0.433, while the hard vote says 1
    assert ref.hard_vote(probas.argmax(axis=2))[0] == 1


def test_bagging_oob_score_uses_only_out_of_bag_models():
    from sklearn.datasets import make_moons
    X, y = make_moons(200, noise=0.3, random_state=0)
    model = _Bagging(lambda: DecisionTreeClassifier(random_state=0), 15, random_state=0).fit(X, y)
    preds = np.stack([e.predict(X) for e in model.estimators_])
    correct = []
    for i in range(len(y)):
        voters = [m for m, idx in enumerate(model.estimators_samples_) if i not in set(idx)]
        if voters:
            values, counts = np.unique(preds[voters, i], return_counts=True)
            correct.append(values[np.argmax(counts)] == y[i])
    assert model.oob_score_ == pytest.approx(np.mean(correct))
    assert model.oob_score_ < 1.0  # in-bag contamination would give ~1.0 for unpruned trees


def test_gb_fixed_partitions_reproduces_the_ml2_grade_table():
    g = ml2_grades()
    out = ref.gb_fixed_partitions(g["y"], g["partitions"], g["learning_rate"])
    assert out["F0"] == 73
    np.testing.assert_allclose(out["residuals"][0], [17, -18, 11, -9, 5, -6])
    np.testing.assert_allclose(out["predictions"][0], [74.1, 71.2, 74.1, 72.1, 74.1, 72.4])
    np.testing.assert_allclose(out["predictions"][1], [75.09, 69.58, 75.09, 71.425, 75.09, 71.725])
    new = out["F0"] + sum(0.1 * leaves[0] for leaves in out["leaf_values"])
    assert new == pytest.approx(75.09)


def test_gradient_boosting_matches_sklearn_on_diabetes():
    X, y = load_diabetes(return_X_y=True)
    ours = _GradientBoostingRegressor(50, 0.1, 2, random_state=0).fit(X, y)
    theirs = GradientBoostingRegressor(n_estimators=50, learning_rate=0.1, max_depth=2, random_state=0).fit(X, y)
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), atol=1e-8)
    assert np.all(np.diff(ours.train_loss_) <= 1e-12)


def test_absolute_loss_starts_at_the_median_and_decreases_mae():
    X, y = load_diabetes(return_X_y=True)
    model = _GradientBoostingRegressor(30, 0.1, 2, loss="absolute_error").fit(X, y)
    assert model.init_ == np.median(y)
    assert model.train_loss_[-1] < np.mean(np.abs(y - np.median(y)))


def test_integral_image_matches_skimage_and_brute_force():
    from skimage.transform import integral_image
    img = np.random.default_rng(0).random((25, 25))
    ii = ref.integral_image(img)
    np.testing.assert_allclose(ii[1:, 1:], integral_image(img))
    assert ref.rect_sum(ii, 3, 4, 5, 6) == pytest.approx(img[3:8, 4:10].sum())


@pytest.mark.parametrize("kind", ["2h", "2v", "3h", "4"])
def test_haar_feature_vectorised_equals_single_and_brute_force(kind):
    rng = np.random.default_rng(1)
    images = rng.random((4, 25, 25))
    feats = [f for f in random_haar_features(40, (25, 25), rng=2) if f[0] == kind][:3]
    matrix = haar_feature_matrix(images, feats)
    for j, feat in enumerate(feats):
        brute = [sum(s * im[r:r + h, c:c + w].sum() for s, r, c, h, w in haar_rectangles(*feat)) for im in images]
        np.testing.assert_allclose(matrix[:, j], brute)
        assert ref.haar_feature(ref.integral_image(images[0]), *feat) == pytest.approx(brute[0])


def test_two_rectangle_features_ignore_brightness():
    img = np.random.default_rng(0).random((12, 12))
    for kind in ("2h", "2v", "4"):
        a = ref.haar_feature(ref.integral_image(img), kind, 2, 2, 6, 6)
        b = ref.haar_feature(ref.integral_image(img + 5.0), kind, 2, 2, 6, 6)
        assert a == pytest.approx(b)


def test_invalid_haar_window_is_a_clear_error():
    with pytest.raises(ValueError, match="divisible"):
        haar_rectangles("3h", 0, 0, 4, 4)


def test_stump_predicts_polarity_left_of_threshold():
    s = Stump(feature=1, threshold=5.5, polarity=-1, error=0.0)
    np.testing.assert_array_equal(s.predict(np.array([[0, 1], [0, 9]])), [-1, 1])
