"""Typical wrong (and alternative right) answers for 01_ensembles.ipynb (voting and bagging)."""

from __future__ import annotations

import numpy as np
from scipy import stats

from mistakes import right, wrong


# ---------------------------------------------------------------- Exercise 1: bootstrap_indices
def _bootstrap_permutation(n, rng):
    return rng.permutation(n)                          # without replacement


def _bootstrap_off_by_one(n, rng):
    return rng.integers(0, n - 1, size=n)              # n - 1 is never drawn


def _bootstrap_global_state(n, rng):
    return np.random.randint(0, n, size=n)             # ignores rng, uses the global state


def _bootstrap_fixed_seed(n, rng):
    return np.random.default_rng(0).integers(0, n, size=n)   # ignores rng, always the same sample


def _bootstrap_floats(n, rng):
    return np.floor(rng.random(n) * n)                 # right values, float dtype


def _bootstrap_from_uniform(n, rng):
    return (rng.random(n) * n).astype(np.int64)        # floor of U[0, n): uniform over range(n)


# ---------------------------------------------------------------- Exercise 2: hard_vote
def _hard_vote_ties_high(preds):
    preds = np.asarray(preds)
    labels = np.unique(preds)[::-1]                    # descending: the first maximum is the HIGHEST label
    counts = (preds[:, :, None] == labels).sum(axis=0)
    return labels[np.argmax(counts, axis=1)]


def _hard_vote_position(preds):
    preds = np.asarray(preds)
    labels = np.unique(preds)
    counts = (preds[:, :, None] == labels).sum(axis=0)
    return np.argmax(counts, axis=1)                   # position in labels, not the label


def _hard_vote_wrong_axis(preds):
    return stats.mode(np.asarray(preds), axis=1).mode  # one value per MODEL


def _hard_vote_rounded_mean(preds):
    return np.round(np.asarray(preds).mean(axis=0)).astype(int)   # fine for 0/1 only


def _hard_vote_scipy(preds):
    return stats.mode(np.asarray(preds), axis=0).mode


def _hard_vote_bincount_loop(preds):
    preds = np.asarray(preds)
    return np.array([np.argmax(np.bincount(column)) for column in preds.T])


# ---------------------------------------------------------------- Exercise 3: soft_vote
def _soft_vote_argmax_first(probas):
    votes = np.argmax(np.asarray(probas), axis=2)      # (M, N): hard labels first
    return np.array([np.argmax(np.bincount(column)) for column in votes.T])


def _soft_vote_max(probas):
    return np.argmax(np.asarray(probas).max(axis=0), axis=1)      # the most confident model decides


def _soft_vote_wrong_axis(probas):
    return np.argmax(np.asarray(probas).mean(axis=1), axis=1)     # averages over samples


def _soft_vote_sum(probas):
    return np.argmax(np.sum(probas, axis=0), axis=-1)


def _soft_vote_einsum(probas):
    return np.einsum("mnc->nc", np.asarray(probas)).argmax(axis=1)


# ---------------------------------------------------------------- Exercise 4: BaggingClassifierScratch
def _vote(preds):
    """Majority of each column of (M, N) labels, ties to the lowest label."""
    preds = np.asarray(preds)
    labels = np.unique(preds)
    return labels[np.argmax((preds[:, :, None] == labels).sum(axis=0), axis=1)]


class _Bagging:
    """A correct reference written differently from the notebook's; mistakes override one step."""

    def __init__(self, base_factory, n_estimators=25, random_state=None):
        self.base_factory = base_factory
        self.n_estimators = n_estimators
        self.random_state = random_state

    def _samples(self, n):
        rng = np.random.default_rng(self.random_state)
        return [rng.integers(0, n, size=n) for _ in range(self.n_estimators)]

    def _oob_mask(self, n):
        out = np.ones((self.n_estimators, n), dtype=bool)          # (M, n) True = out of bag
        for m, idx in enumerate(self.estimators_samples_):
            out[m, idx] = False
        return out

    def _oob_score(self, preds, y, out):
        has = out.any(axis=0)
        oob = [_vote(preds[out[:, i], i][:, None])[0] for i in np.flatnonzero(has)]
        return float(np.mean(np.array(oob) == y[has]))

    def fit(self, X, y):
        X, y = np.asarray(X), np.asarray(y)
        self.estimators_samples_ = self._samples(len(y))
        self.estimators_ = [self.base_factory().fit(X[idx], y[idx]) for idx in self.estimators_samples_]
        preds = np.stack([est.predict(X) for est in self.estimators_])
        self.oob_score_ = self._oob_score(preds, y, self._oob_mask(len(y)))
        return self

    def predict(self, X):
        return _vote(np.stack([est.predict(X) for est in self.estimators_]))


class _BaggingOobAllEstimators(_Bagging):
    def _oob_mask(self, n):                            # every estimator votes on every sample
        return np.ones((self.n_estimators, n), dtype=bool)


class _BaggingOobInBag(_Bagging):
    def _oob_mask(self, n):                            # the estimators that SAW the sample vote
        return ~super()._oob_mask(n)


class _BaggingOobOverAllSamples(_Bagging):
    def _oob_score(self, preds, y, out):               # samples with no OOB voter count as errors
        oob = np.full(len(y), -1)
        for i in np.flatnonzero(out.any(axis=0)):
            oob[i] = _vote(preds[out[:, i], i][:, None])[0]
        return float(np.mean(oob == y))


class _BaggingSameSample(_Bagging):
    def _samples(self, n):                             # one bootstrap sample reused by every estimator
        idx = np.random.default_rng(self.random_state).integers(0, n, size=n)
        return [idx] * self.n_estimators


class _BaggingNoBootstrap(_Bagging):
    def _samples(self, n):                             # every estimator sees the full data
        return [np.arange(n) for _ in range(self.n_estimators)]


class _BaggingRngInLoop(_Bagging):
    def _samples(self, n):                             # a new rng from the same seed in every round
        return [np.random.default_rng(self.random_state).integers(0, n, size=n)
                for _ in range(self.n_estimators)]


class _BaggingUnseeded(_Bagging):
    def _samples(self, n):                             # random_state ignored
        rng = np.random.default_rng()
        return [rng.integers(0, n, size=n) for _ in range(self.n_estimators)]


class _BaggingPredictTiesHigh(_Bagging):
    def predict(self, X):
        P = np.stack([est.predict(X) for est in self.estimators_])
        return (P.mean(axis=0) >= 0.5).astype(int)    # a 2-2 tie becomes 1


class _BaggingVectorised(_Bagging):
    """Alternative right answer: samples as an (M, n) array, OOB votes counted with one array op."""

    def fit(self, X, y):
        X, y = np.asarray(X), np.asarray(y)
        n = len(y)
        rng = np.random.default_rng(self.random_state)
        self.estimators_samples_ = np.stack([rng.choice(n, size=n) for _ in range(self.n_estimators)])
        self.estimators_ = [self.base_factory().fit(X[s], y[s]) for s in self.estimators_samples_]
        preds = np.stack([est.predict(X) for est in self.estimators_])             # (M, n)
        out = np.ones(preds.shape, dtype=bool)
        np.put_along_axis(out, self.estimators_samples_, False, axis=1)
        labels = np.unique(y)                                                       # (L,)
        votes = ((preds[:, :, None] == labels) & out[:, :, None]).sum(axis=0)       # (n, L)
        has = out.any(axis=0)
        self.oob_score_ = float(np.mean(labels[np.argmax(votes, axis=1)][has] == y[has]))
        return self


CASES = [
    wrong("test_bootstrap_indices", "samples without replacement", bootstrap_indices=_bootstrap_permutation),
    wrong("test_bootstrap_indices", "integers(0, n - 1): n - 1 unreachable", bootstrap_indices=_bootstrap_off_by_one),
    wrong("test_bootstrap_indices", "np.random global state instead of rng", bootstrap_indices=_bootstrap_global_state),
    wrong("test_bootstrap_indices", "fixed seed inside, rng ignored", bootstrap_indices=_bootstrap_fixed_seed),
    wrong("test_bootstrap_indices", "float indices", bootstrap_indices=_bootstrap_floats),
    right("test_bootstrap_indices", "rng.choice(n, n)", bootstrap_indices=lambda n, rng: rng.choice(n, n)),
    right("test_bootstrap_indices", "floor of n * uniform", bootstrap_indices=_bootstrap_from_uniform),

    wrong("test_hard_vote", "ties go to the highest label", hard_vote=_hard_vote_ties_high),
    wrong("test_hard_vote", "returns the position in np.unique, not the label", hard_vote=_hard_vote_position),
    wrong("test_hard_vote", "votes along the sample axis", hard_vote=_hard_vote_wrong_axis),
    wrong("test_hard_vote", "rounds the mean label", hard_vote=_hard_vote_rounded_mean),
    right("test_hard_vote", "scipy.stats.mode", hard_vote=_hard_vote_scipy),
    right("test_hard_vote", "bincount per column", hard_vote=_hard_vote_bincount_loop),

    wrong("test_soft_vote", "argmax per model, then hard vote", soft_vote=_soft_vote_argmax_first),
    wrong("test_soft_vote", "max over models instead of the mean", soft_vote=_soft_vote_max),
    wrong("test_soft_vote", "averages over the sample axis", soft_vote=_soft_vote_wrong_axis),
    right("test_soft_vote", "sum instead of mean", soft_vote=_soft_vote_sum),
    right("test_soft_vote", "einsum", soft_vote=_soft_vote_einsum),

    wrong("test_BaggingClassifierScratch", "OOB vote by all estimators", BaggingClassifierScratch=_BaggingOobAllEstimators),
    wrong("test_BaggingClassifierScratch", "OOB vote by the in-bag estimators", BaggingClassifierScratch=_BaggingOobInBag),
    wrong("test_BaggingClassifierScratch", "OOB averaged over all samples", BaggingClassifierScratch=_BaggingOobOverAllSamples),
    wrong("test_BaggingClassifierScratch", "one bootstrap sample for all estimators", BaggingClassifierScratch=_BaggingSameSample),
    wrong("test_BaggingClassifierScratch", "no bootstrap (full data)", BaggingClassifierScratch=_BaggingNoBootstrap),
    wrong("test_BaggingClassifierScratch", "rng re-created in the loop", BaggingClassifierScratch=_BaggingRngInLoop),
    wrong("test_BaggingClassifierScratch", "random_state ignored", BaggingClassifierScratch=_BaggingUnseeded),
    wrong("test_BaggingClassifierScratch", "predict ties go to the higher label", BaggingClassifierScratch=_BaggingPredictTiesHigh),
    right("test_BaggingClassifierScratch", "same algorithm, other code", BaggingClassifierScratch=_Bagging),
    right("test_BaggingClassifierScratch", "vectorised OOB, samples as one array", BaggingClassifierScratch=_BaggingVectorised),
]
