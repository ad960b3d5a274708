"""Typical wrong (and alternative right) answers for 03_gradient_boosting.ipynb."""

import numpy as np
from scipy.special import expit
from sklearn.tree import DecisionTreeRegressor

from mistakes import quiz, right, variants, wrong


# --------------------------------------------------------------------------- Exercise 1
def _gb_partitions(y, partitions, lr=0.1, *, init="mean", use_lr=True, leaf_of="residuals",
                   residual_from="current", sign=+1, in_place=False):
    """One student's answer with one slip switched on by a keyword."""
    y = np.asarray(y, dtype=float)
    F0 = float(np.median(y) if init == "median" else np.mean(y))
    F = np.full(len(y), F0)
    out = {"F0": F0, "residuals": [], "leaf_values": [], "predictions": []}
    for leaves in partitions:
        base = np.full(len(y), F0) if residual_from == "F0" else F
        r = sign * (y - base)
        source = y if leaf_of == "y" else r
        gammas = [float(np.mean(source[leaf])) for leaf in leaves]
        step = np.zeros(len(y))
        for leaf, g in zip(leaves, gammas):
            step[leaf] = g
        if in_place:
            F += (lr if use_lr else 1.0) * step
        else:
            F = F + (lr if use_lr else 1.0) * step
        out["residuals"].append(r)
        out["leaf_values"].append(gammas)
        out["predictions"].append(F)
    return out


def _gb_partitions_loops(y, partitions, lr=0.1):
    """Right: plain Python lists and a dict from sample to leaf value."""
    y = [float(v) for v in y]
    F = [sum(y) / len(y)] * len(y)
    result = {"F0": F[0], "residuals": [], "leaf_values": [], "predictions": []}
    for leaves in partitions:
        r = [yi - fi for yi, fi in zip(y, F)]
        values = [sum(r[i] for i in leaf) / len(leaf) for leaf in leaves]
        value_of = {i: v for leaf, v in zip(leaves, values) for i in leaf}
        F = [fi + lr * value_of[i] for i, fi in enumerate(F)]
        result["residuals"].append(np.array(r))
        result["leaf_values"].append(values)
        result["predictions"].append(np.array(F))
    return result


# --------------------------------------------------------------------------- Exercise 2
def _neg_grad(loss, y, F, *, flip=False, log_loss_raw=False, abs_as_squared=False, strict=True):
    y, F = np.asarray(y, float), np.asarray(F, float)
    if loss == "squared_error":
        g = y - F
    elif loss == "absolute_error":
        g = (y - F) if abs_as_squared else np.sign(y - F)
    elif loss == "log_loss":
        g = (y - F) if log_loss_raw else y - 1 / (1 + np.exp(-F))
    elif strict:
        raise ValueError(loss)
    else:
        return np.zeros_like(y)
    return -g if flip else g


def _neg_grad_alt(loss, y, F):
    """Right: a lookup table of functions, scipy's expit, np.where for the sign."""
    table = {"squared_error": lambda y, F: y - F,
             "absolute_error": lambda y, F: np.where(y > F, 1.0, np.where(y < F, -1.0, 0.0)),
             "log_loss": lambda y, F: y - expit(F)}
    if loss not in table:
        raise ValueError(f"unknown loss: {loss}")
    return table[loss](np.asarray(y, float), np.asarray(F, float))


# --------------------------------------------------------------------------- Exercise 3
class _GB:
    """A student's GBRegressorScratch; subclasses switch on one slip each."""

    shared_rng = True

    def __init__(self, n_estimators=100, learning_rate=0.1, max_depth=3, random_state=0):
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.max_depth = max_depth
        self.random_state = random_state

    def _init(self, y):
        return float(np.mean(y))

    def _target(self, y, F):
        return y - F

    def _lr_predict(self):
        return self.learning_rate

    def fit(self, X, y):
        y = np.asarray(y, float)
        self.init_ = self._init(y)
        F = np.full(len(y), self.init_)
        self.estimators_, self.train_loss_ = [], []
        rs = np.random.RandomState(self.random_state) if self.shared_rng else self.random_state
        for _ in range(self.n_estimators):
            tree = DecisionTreeRegressor(max_depth=self.max_depth, random_state=rs).fit(X, self._target(y, F))
            F = F + self.learning_rate * tree.predict(X)
            self.estimators_.append(tree)
            self.train_loss_.append(float(np.mean((y - F) ** 2)))
        return self

    def staged_predict(self, X):
        F = np.full(len(X), self.init_)
        for tree in self.estimators_:
            F = F + self._lr_predict() * tree.predict(X)
            yield F

    def predict(self, X):
        return list(self.staged_predict(X))[-1]


class _GBNoLrInPredict(_GB):
    def _lr_predict(self):
        return 1.0


class _GBFitsY(_GB):
    def _target(self, y, F):
        return y


class _GBInitZero(_GB):
    def _init(self, y):
        return 0.0


class _GBTreeSeed(_GB):
    """Right: random_state=self.random_state for every tree, and a vectorised predict."""
    shared_rng = False

    def staged_predict(self, X):
        steps = np.array([t.predict(X) for t in self.estimators_])      # (M, N)
        for F in self.init_ + self.learning_rate * np.cumsum(steps, axis=0):
            yield F

    def predict(self, X):
        return self.init_ + self.learning_rate * np.sum([t.predict(X) for t in self.estimators_], axis=0)


CASES = [
    wrong("test_gb_fixed_partitions", "F0 = median of y instead of the mean",
          gb_fixed_partitions=lambda y, p, lr=0.1: _gb_partitions(y, p, lr, init="median")),
    wrong("test_gb_fixed_partitions", "residual = predicted - observed (sign flipped)",
          gb_fixed_partitions=lambda y, p, lr=0.1: _gb_partitions(y, p, lr, sign=-1)),
    wrong("test_gb_fixed_partitions", "forgets the learning rate in the update",
          gb_fixed_partitions=lambda y, p, lr=0.1: _gb_partitions(y, p, lr, use_lr=False)),
    wrong("test_gb_fixed_partitions", "leaf value = mean of y instead of mean residual",
          gb_fixed_partitions=lambda y, p, lr=0.1: _gb_partitions(y, p, lr, leaf_of="y")),
    wrong("test_gb_fixed_partitions", "residuals computed from F0 every round",
          gb_fixed_partitions=lambda y, p, lr=0.1: _gb_partitions(y, p, lr, residual_from="F0")),
    wrong("test_gb_fixed_partitions", "updates F in place, so every stored prediction is the last one",
          gb_fixed_partitions=lambda y, p, lr=0.1: _gb_partitions(y, p, lr, in_place=True)),
    right("test_gb_fixed_partitions", "pure-Python loops with a sample -> leaf-value dict",
          gb_fixed_partitions=_gb_partitions_loops),

    *variants("test_negative_gradient", "negative_gradient", _neg_grad, wrong={
        "returns the gradient (sign flipped)": dict(flip=True),
        "log_loss returns y - F (forgets the sigmoid)": dict(log_loss_raw=True),
        "absolute_error returns y - F": dict(abs_as_squared=True),
        "unknown loss returns zeros instead of raising": dict(strict=False),
    }),
    right("test_negative_gradient", "dict of lambdas, scipy expit, np.where for the sign",
          negative_gradient=_neg_grad_alt),

    wrong("test_GBRegressorScratch", "forgets the learning rate in predict (uses it in fit)",
          GBRegressorScratch=_GBNoLrInPredict),
    wrong("test_GBRegressorScratch", "fits every tree to y instead of the residuals",
          GBRegressorScratch=_GBFitsY),
    wrong("test_GBRegressorScratch", "init_ = 0 instead of the mean of y",
          GBRegressorScratch=_GBInitZero),
    right("test_GBRegressorScratch", "shared RandomState across trees (as scikit-learn)",
          GBRegressorScratch=_GB),
    right("test_GBRegressorScratch", "random_state=0 per tree, cumulative-sum staged_predict",
          GBRegressorScratch=_GBTreeSeed),
]

# --------------------------------------------------------------------------- the week's quiz
# Quiz items: equivalent forms of the right answer are accepted, typical wrong answers rejected.
CASES += [
    *quiz("q1", wrong={
        "the slide's truncated weights: 2 x 0.142": 0.284,
        "counts the misclassified samples instead of summing their weights": 2,
        "left unanswered": None,
    }, right={
        "the fraction as a string": "2/7",
        "four decimals": 0.2857,
        "a NumPy float": np.float64(2) / 7,
    }),

    *quiz("q2", wrong={
        "the integral image alone (d)": "d",
        "confuses the cascade with bagging (c)": "c",
        "two letters": "b, d",
    }, right={"upper case with brackets": "(B)", "lower case": "b"}),

    *quiz("q3", wrong={
        "no early exit: every window pays for every stage": 62,
        "multiplies by the rejected fractions instead of those that pass": 42,
        "a string that is not a number": "six",
    }, right={"an int": 6, "a string": "6", "the sum written out": 2 + 0.2 * 10 + 0.04 * 50}),

    *quiz("q4", wrong={
        "F0 = median and residual = predicted - observed": {"F0": "e", "pseudo-residual": "f", "leaf value": "c", "step": "d"},
        "leaf value and step swapped": {"F0": "a", "pseudo-residual": "b", "leaf value": "d", "step": "c"},
        "a list instead of a dict": ["a", "b", "c", "d"],
    }, right={
        "upper-case letters": {"F0": "A", "pseudo-residual": "B", "leaf value": "C", "step": "D"},
        "the keys in another order": {"step": "d", "leaf value": "c", "pseudo-residual": "b", "F0": "a"},
    }),

    *quiz("q5", wrong={
        "believes bagging removes a shared bias": {"a", "b", "c", "e"},
        "forgets the random forest": {"a", "b"},
        "only gradient boosting's squared loss": {"d"},
    }, right={
        "a list in another order": ["e", "a", "b"],
        "a comma-separated string": "a, b, e",
    }),
]
