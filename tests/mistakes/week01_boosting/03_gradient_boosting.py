"""Typical wrong (and alternative right) answers for 03_gradient_boosting.ipynb."""

import numpy as np
from scipy.special import expit
from sklearn.tree import DecisionTreeRegressor

from mistakes import right, wrong


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

    wrong("test_negative_gradient", "returns the gradient (sign flipped)",
          negative_gradient=lambda loss, y, F: _neg_grad(loss, y, F, flip=True)),
    wrong("test_negative_gradient", "log_loss returns y - F (forgets the sigmoid)",
          negative_gradient=lambda loss, y, F: _neg_grad(loss, y, F, log_loss_raw=True)),
    wrong("test_negative_gradient", "absolute_error returns y - F",
          negative_gradient=lambda loss, y, F: _neg_grad(loss, y, F, abs_as_squared=True)),
    wrong("test_negative_gradient", "unknown loss returns zeros instead of raising",
          negative_gradient=lambda loss, y, F: _neg_grad(loss, y, F, strict=False)),
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
    wrong("test_quiz_q1", "the slide's truncated weights: 2 x 0.142", q1=0.284),
    wrong("test_quiz_q1", "counts the misclassified samples instead of summing their weights", q1=2),
    wrong("test_quiz_q1", "left unanswered", q1=None),
    right("test_quiz_q1", "the fraction as a string", q1="2/7"),
    right("test_quiz_q1", "four decimals", q1=0.2857),
    right("test_quiz_q1", "a NumPy float", q1=np.float64(2) / 7),

    wrong("test_quiz_q2", "the integral image alone (d)", q2="d"),
    wrong("test_quiz_q2", "confuses the cascade with bagging (c)", q2="c"),
    wrong("test_quiz_q2", "two letters", q2="b, d"),
    right("test_quiz_q2", "upper case with brackets", q2="(B)"),
    right("test_quiz_q2", "lower case", q2="b"),

    wrong("test_quiz_q3", "no early exit: every window pays for every stage", q3=62),
    wrong("test_quiz_q3", "multiplies by the rejected fractions instead of those that pass", q3=42),
    wrong("test_quiz_q3", "a string that is not a number", q3="six"),
    right("test_quiz_q3", "an int", q3=6),
    right("test_quiz_q3", "a string", q3="6"),
    right("test_quiz_q3", "the sum written out", q3=2 + 0.2 * 10 + 0.04 * 50),

    wrong("test_quiz_q4", "F0 = median and residual = predicted - observed",
          q4={"F0": "e", "pseudo-residual": "f", "leaf value": "c", "step": "d"}),
    wrong("test_quiz_q4", "leaf value and step swapped",
          q4={"F0": "a", "pseudo-residual": "b", "leaf value": "d", "step": "c"}),
    wrong("test_quiz_q4", "a list instead of a dict", q4=["a", "b", "c", "d"]),
    right("test_quiz_q4", "upper-case letters", q4={"F0": "A", "pseudo-residual": "B", "leaf value": "C", "step": "D"}),
    right("test_quiz_q4", "the keys in another order",
          q4={"step": "d", "leaf value": "c", "pseudo-residual": "b", "F0": "a"}),

    wrong("test_quiz_q5", "believes bagging removes a shared bias", q5={"a", "b", "c", "e"}),
    wrong("test_quiz_q5", "forgets the random forest", q5={"a", "b"}),
    wrong("test_quiz_q5", "only gradient boosting's squared loss", q5={"d"}),
    right("test_quiz_q5", "a list in another order", q5=["e", "a", "b"]),
    right("test_quiz_q5", "a comma-separated string", q5="a, b, e"),
]
