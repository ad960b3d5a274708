"""Typical wrong (and alternative right) answers for week01_boosting/02_adaboost.ipynb."""

import numpy as np
from mistakes import right, variants, wrong

from dlcourse.boosting import Stump


# ----------------------------------------------------------------------------- adaboost_alpha
def _alpha_checked(eps):
    if not 0.0 < eps < 1.0:
        raise ValueError("eps out of range")
    return eps


def _alpha_no_half(eps):
    _alpha_checked(eps)
    return float(np.log((1 - eps) / eps))


def _alpha_log10(eps):
    _alpha_checked(eps)
    return 0.5 * float(np.log10((1 - eps) / eps))


def _alpha_inverted(eps):
    _alpha_checked(eps)
    return 0.5 * float(np.log(eps / (1 - eps)))


def _alpha_no_check(eps):
    return 0.5 * float(np.log((1 - eps) / eps)) if 0 < eps < 1 else float("inf")


def _alpha_arctanh(eps):
    if eps <= 0 or eps >= 1:
        raise ValueError("eps must be in (0, 1)")
    return float(np.arctanh(1 - 2 * eps))          # 1/2 ln((1 + x) / (1 - x)) with x = 1 - 2 eps


# -------------------------------------------------------------------------- adaboost_reweight
def _reweight_unnormalised(D, y, h, alpha):
    new = D * np.exp(-alpha * y * h)
    return new, float(new.sum())


def _reweight_sign_flipped(D, y, h, alpha):
    new = D * np.exp(alpha * y * h)
    return new / new.sum(), float(new.sum())


def _reweight_Z_old(D, y, h, alpha):
    Z = float(np.sum(D))
    return D * np.exp(-alpha * y * h) / Z, Z


def _reweight_in_place(D, y, h, alpha):
    D *= np.exp(-alpha * y * h)
    Z = float(D.sum())
    D /= Z
    return D, Z


def _reweight_where(D, y, h, alpha):
    new = np.where(y == h, D * np.exp(-alpha), D * np.exp(alpha))
    return new / new.sum(), float(new.sum())


# ---------------------------------------------------------------------------------- fit_stump
def _stump_search(X, y, w, *, weighted=True, polarities=(1, -1), threshold="midpoint", strict=True):
    """Loop search with switches for each slip; the defaults give a correct stump."""
    X, y, w = np.asarray(X, float), np.asarray(y), np.asarray(w, float)
    best = None
    for f in range(X.shape[1]):
        v = np.unique(X[:, f])
        for k in range(len(v) - 1):
            t = {"midpoint": (v[k] + v[k + 1]) / 2, "upper": v[k + 1]}[threshold]
            for p in polarities:
                pred = np.where(X[:, f] < t, p, -p)
                err = float(w[pred != y].sum()) if weighted else float(np.mean(pred != y))
                better = best is None or (err < best[0] - 1e-12 if strict else err <= best[0] + 1e-12)
                if better:
                    best = (err, f, float(t), p)
    return Stump(best[1], best[2], best[3], best[0])


def _stump_loop(X, y, w):
    return _stump_search(X, y, w)


# ---------------------------------------------------------------------------- AdaBoostScratch
class _AdaBoostOK:
    """A correct, self-contained AdaBoost; the wrong variants below change one thing each."""

    def __init__(self, n_rounds=50, base_learner=None):
        self.n_rounds = n_rounds
        self.base_learner = base_learner

    def _learner(self, X, y, D):
        if self.base_learner is None:
            return _stump_loop(X, y, D)
        return self.base_learner().fit(X, y, sample_weight=D)

    def _update(self, D, y, h, alpha):
        new = D * np.exp(-alpha * y * h)
        return new / new.sum()

    def fit(self, X, y):
        X, y = np.asarray(X, float), np.asarray(y)
        D = np.full(len(y), 1 / len(y))
        self.learners_, alphas, errors = [], [], []
        for _ in range(self.n_rounds):
            learner = self._learner(X, y, D)
            h = learner.predict(X)
            eps = float(np.clip(D[h != y].sum(), 1e-10, 1 - 1e-10))
            alpha = 0.5 * np.log((1 - eps) / eps)
            D = self._update(D, y, h, alpha)
            self.learners_.append(learner)
            alphas.append(alpha)
            errors.append(eps)
        self.alphas_, self.errors_ = np.array(alphas), np.array(errors)
        return self

    def _votes(self):
        return self.alphas_

    def decision_function(self, X):
        H = np.array([learner.predict(np.asarray(X, float)) for learner in self.learners_])   # (T, N)
        return np.asarray(self._votes()) @ H

    def predict(self, X):
        return np.where(self.decision_function(X) >= 0, 1, -1)

    def staged_predict(self, X):
        H = np.array([learner.predict(np.asarray(X, float)) for learner in self.learners_])   # (T, N)
        for score in np.cumsum(np.asarray(self._votes())[:, None] * H, axis=0):
            yield np.where(score >= 0, 1, -1)


class _AdaBoostNoReweight(_AdaBoostOK):
    def _update(self, D, y, h, alpha):
        return D                                            # every round sees D_1


class _AdaBoostPlainVote(_AdaBoostOK):
    def _votes(self):
        return np.ones(len(self.learners_))                 # each learner votes with weight 1


class _AdaBoostAlphaNoHalf(_AdaBoostOK):
    def fit(self, X, y):
        super().fit(X, y)
        self.alphas_ = 2 * self.alphas_                     # reports ln((1 - eps) / eps)
        return self

    def _votes(self):
        return self.alphas_                                 # same predictions as the right answer


class _AdaBoostNpSign(_AdaBoostOK):
    """predict and staged_predict with np.sign: a score of exactly 0 gives 0, not +1."""

    def predict(self, X):
        return np.sign(self.decision_function(X))

    def staged_predict(self, X):
        H = np.array([learner.predict(np.asarray(X, float)) for learner in self.learners_])   # (T, N)
        yield from np.sign(np.cumsum(np.asarray(self._votes())[:, None] * H, axis=0))


class _AdaBoostNoClip(_AdaBoostOK):
    """eps is not clipped: a perfect stump gets eps = 0 and an infinite alpha."""

    def fit(self, X, y):
        X, y = np.asarray(X, float), np.asarray(y)
        D = np.full(len(y), 1 / len(y))
        self.learners_, alphas, errors = [], [], []
        for _ in range(self.n_rounds):
            learner = self._learner(X, y, D)
            h = learner.predict(X)
            eps = float(D[h != y].sum())
            with np.errstate(divide="ignore", invalid="ignore"):
                alpha = 0.5 * np.log((1 - eps) / eps)
                D = self._update(D, y, h, alpha)
            self.learners_.append(learner)
            alphas.append(alpha)
            errors.append(eps)
        self.alphas_, self.errors_ = np.array(alphas), np.array(errors)
        return self


class _AdaBoostSamme(_AdaBoostOK):
    """Alternative right: SAMME-style update, wrong samples times e^{2 alpha}, then normalise."""

    def _update(self, D, y, h, alpha):
        new = D * np.exp(2 * alpha * (h != y))
        return new / new.sum()


# ----------------------------------------------------------------------- integral image, rects
def _ii_unpadded(img):
    return np.asarray(img, float).cumsum(axis=0).cumsum(axis=1)


def _ii_one_axis(img):
    img = np.asarray(img, float)
    ii = np.zeros((img.shape[0] + 1, img.shape[1] + 1))
    ii[1:, 1:] = img.cumsum(axis=0)
    return ii


def _ii_loop(img):
    img = np.asarray(img, float)
    H, W = img.shape
    ii = np.zeros((H + 1, W + 1))
    for r in range(1, H + 1):
        for c in range(1, W + 1):
            ii[r, c] = ii[r - 1, c] + ii[r, c - 1] - ii[r - 1, c - 1] + img[r - 1, c - 1]
    return ii


def _ii_pad(img):
    return np.pad(np.cumsum(np.cumsum(np.asarray(img, float), 0), 1), ((1, 0), (1, 0)))


def _rect_sum_shifted(ii, r, c, h, w):
    return float(ii[r + h - 1, c + w - 1] - ii[r - 1, c + w - 1] - ii[r + h - 1, c - 1] + ii[r - 1, c - 1])


def _rect_sum_no_corner(ii, r, c, h, w):
    return float(ii[r + h, c + w] - ii[r, c + w] - ii[r + h, c])


def _rect_sum_diff(ii, r, c, h, w):
    block = ii[[r, r + h]][:, [c, c + w]]                  # the four corners, (2, 2)
    return float(np.diff(np.diff(block, axis=0), axis=1)[0, 0])


# ------------------------------------------------------------------------------ haar_feature
def _rs(ii, r, c, h, w):
    return float(ii[r + h, c + w] - ii[r, c + w] - ii[r + h, c] + ii[r, c])


def _haar_reference(ii, kind, r, c, h, w):
    if kind == "2h":
        if w % 2:
            raise ValueError
        return _rs(ii, r, c + w // 2, h, w // 2) - _rs(ii, r, c, h, w // 2)
    if kind == "2v":
        if h % 2:
            raise ValueError
        return _rs(ii, r + h // 2, c, h // 2, w) - _rs(ii, r, c, h // 2, w)
    if kind == "3h":
        if w % 3:
            raise ValueError
        s = w // 3
        return _rs(ii, r, c + s, h, s) - _rs(ii, r, c, h, s) - _rs(ii, r, c + 2 * s, h, s)
    if kind == "4":
        if h % 2 or w % 2:
            raise ValueError
        a, b = h // 2, w // 2
        return (_rs(ii, r, c + b, a, b) + _rs(ii, r + a, c, a, b)
                - _rs(ii, r, c, a, b) - _rs(ii, r + a, c + b, a, b))
    raise ValueError(kind)


def _haar_white_minus_grey(ii, kind, r, c, h, w):
    return -_haar_reference(ii, kind, r, c, h, w)


def _haar_3h_rows(ii, kind, r, c, h, w):
    if kind == "3h":
        if w % 3:
            raise ValueError
        s = h // 3                                             # splits the rows instead of the columns
        return _rs(ii, r + s, c, s, w) - _rs(ii, r, c, s, w) - _rs(ii, r + 2 * s, c, s, w)
    return _haar_reference(ii, kind, r, c, h, w)


def _haar_3h_balanced(ii, kind, r, c, h, w):
    if kind == "3h":
        if w % 3:
            raise ValueError
        s = w // 3                                             # halves the white sums ("balanced" variant)
        return _rs(ii, r, c + s, h, s) - 0.5 * (_rs(ii, r, c, h, s) + _rs(ii, r, c + 2 * s, h, s))
    return _haar_reference(ii, kind, r, c, h, w)


def _haar_no_check(ii, kind, r, c, h, w):
    if kind == "2h":                                           # integer division silently drops a column
        return _rs(ii, r, c + w // 2, h, w // 2) - _rs(ii, r, c, h, w // 2)
    return _haar_reference(ii, kind, r, c, h, w)


CASES = [
    wrong("test_adaboost_alpha", "missing 1/2", adaboost_alpha=_alpha_no_half),
    wrong("test_adaboost_alpha", "log10 instead of ln", adaboost_alpha=_alpha_log10),
    wrong("test_adaboost_alpha", "ratio inverted", adaboost_alpha=_alpha_inverted),
    wrong("test_adaboost_alpha", "no ValueError outside (0, 1)", adaboost_alpha=_alpha_no_check),
    right("test_adaboost_alpha", "arctanh(1 - 2 eps)", adaboost_alpha=_alpha_arctanh),

    wrong("test_adaboost_reweight", "not normalised", adaboost_reweight=_reweight_unnormalised),
    wrong("test_adaboost_reweight", "sign flipped: exp(+alpha y h)", adaboost_reweight=_reweight_sign_flipped),
    wrong("test_adaboost_reweight", "Z = sum of the old weights", adaboost_reweight=_reweight_Z_old),
    wrong("test_adaboost_reweight", "modifies D in place", adaboost_reweight=_reweight_in_place),
    right("test_adaboost_reweight", "np.where on right/wrong", adaboost_reweight=_reweight_where),

    *variants("test_fit_stump", "fit_stump", _stump_search, wrong={
        "unweighted error": dict(weighted=False),
        "only polarity +1": dict(polarities=(1,)),
        "threshold at a data value": dict(threshold='upper'),
        "ties go to the last candidate": dict(strict=False),
    }, right={"plain triple loop": {}}),

    wrong("test_AdaBoostScratch", "weights not updated between rounds", AdaBoostScratch=_AdaBoostNoReweight),
    wrong("test_AdaBoostScratch", "unweighted vote in decision_function", AdaBoostScratch=_AdaBoostPlainVote),
    wrong("test_AdaBoostScratch", "alpha without the 1/2 (same predictions)", AdaBoostScratch=_AdaBoostAlphaNoHalf),
    wrong("test_AdaBoostScratch", "np.sign in predict: a score of exactly 0 gives 0, not +1",
          AdaBoostScratch=_AdaBoostNpSign),
    wrong("test_AdaBoostScratch", "eps not clipped: a perfect stump gets an infinite alpha",
          AdaBoostScratch=_AdaBoostNoClip),
    right("test_AdaBoostScratch", "SAMME-style update and matrix vote", AdaBoostScratch=_AdaBoostSamme),

    wrong("test_integral_image", "unpadded integral image", integral_image=_ii_unpadded),
    wrong("test_integral_image", "cumsum over one axis only", integral_image=_ii_one_axis),
    wrong("test_integral_image", "rect_sum indices shifted by one", rect_sum=_rect_sum_shifted),
    wrong("test_integral_image", "rect_sum without the + ii[r, c] corner", rect_sum=_rect_sum_no_corner),
    right("test_integral_image", "recurrence loop + np.diff corners", integral_image=_ii_loop, rect_sum=_rect_sum_diff),
    right("test_integral_image", "np.pad of the cumulative sums", integral_image=_ii_pad),

    wrong("test_haar_feature", "white - grey", haar_feature=_haar_white_minus_grey),
    wrong("test_haar_feature", "'3h' split into rows", haar_feature=_haar_3h_rows),
    wrong("test_haar_feature", "'3h' with halved white sums", haar_feature=_haar_3h_balanced),
    wrong("test_haar_feature", "no ValueError for an odd '2h' width", haar_feature=_haar_no_check),
    right("test_haar_feature", "explicit per-kind rectangle sums", haar_feature=_haar_reference),
]
