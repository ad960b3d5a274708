"""Typical wrong (and alternative right) answers for week11_domain_adaptation/03_tradaboost.ipynb."""

import math

import numpy as np
from mistakes import quiz, right, variants, wrong


# ------------------------------------------------------------------------------ TrAdaBoost
def _err_unnormalised(w_tgt, miss_tgt):
    return float(np.sum(np.asarray(w_tgt) * np.asarray(miss_tgt)))


def _err_fraction(w_tgt, miss_tgt):
    return float(np.mean(miss_tgt))


def _err_loop(w_tgt, miss_tgt):
    num = den = 0.0
    for w, miss in zip(w_tgt, miss_tgt):
        den += w
        num += w if miss else 0.0
    return num / den


def _update(w_src, w_tgt, miss_src, miss_tgt, e_t, n, N, variant="lecture", *, src_sign=-1.0, half=False,
            same_rule=False):
    alpha_t = math.log((1 - e_t) / e_t) * (0.5 if half else 1.0)
    a = 1 / (1 + math.sqrt(2 * math.log(n) / N))
    ms, mt = np.asarray(miss_src, float), np.asarray(miss_tgt, float)
    if variant == "lecture" or same_rule:
        fs = np.exp(src_sign * a * ms)
    else:
        fs = a ** ms
    return np.asarray(w_src, float) * fs, np.asarray(w_tgt, float) * np.exp(alpha_t * mt), alpha_t, a


def _update_where(w_src, w_tgt, miss_src, miss_tgt, e_t, n, N, variant="lecture"):
    beta = 1.0 / (1.0 + np.sqrt(2.0 * np.log(n) / N))
    shrink = np.exp(-beta) if variant == "lecture" else beta
    return (np.where(miss_src, np.asarray(w_src) * shrink, w_src), np.where(miss_tgt, np.asarray(w_tgt) * (1 - e_t) / e_t, w_tgt),
            float(np.log((1 - e_t) / e_t)), float(beta))


def _round_generic(w_src, w_tgt, miss_src, miss_tgt, N, variant="lecture", *, normalise="joint"):
    from dlcourse.adaptation import reference as ref
    e_t = ref.tradaboost_error(w_tgt, miss_tgt)
    s, t, a, _ = ref.tradaboost_update(w_src, w_tgt, miss_src, miss_tgt, e_t, len(w_src), N, variant)
    if normalise == "joint":
        z = s.sum() + t.sum()
        return s / z, t / z, a
    if normalise == "separate":
        return s / s.sum(), t / t.sum(), a
    return s, t, a


def _round_concat(w_src, w_tgt, miss_src, miss_tgt, N, variant="lecture"):
    from dlcourse.adaptation import reference as ref
    e_t = ref.tradaboost_error(w_tgt, miss_tgt)
    s, t, a, _ = ref.tradaboost_update(w_src, w_tgt, miss_src, miss_tgt, e_t, len(w_src), N, variant)
    w = np.concatenate([s, t])
    w = w / w.sum()
    return w[:len(s)], w[len(s):], a


CASES = [
    wrong("test_tradaboost_error", "not normalised by the target weights", tradaboost_error=_err_unnormalised),
    wrong("test_tradaboost_error", "unweighted fraction", tradaboost_error=_err_fraction),
    right("test_tradaboost_error", "a Python loop", tradaboost_error=_err_loop),
    *variants("test_tradaboost_update", "tradaboost_update", _update,
              wrong={"source weights raised on errors": {"src_sign": +1.0}, "AdaBoost's 1/2 in alpha_t": {"half": True},
                     "paper variant ignored": {"same_rule": True}},
              right={"the reference written with flags off": {}}),
    right("test_tradaboost_update", "np.where and (1 - e) / e", tradaboost_update=_update_where),
    *variants("test_tradaboost_round", "tradaboost_round", _round_generic,
              wrong={"weights not renormalised": {"normalise": "none"},
                     "source and target normalised separately": {"normalise": "separate"}},
              right={"normalised jointly (flags off)": {}}),
    right("test_tradaboost_round", "one concatenated vector", tradaboost_round=_round_concat),
    *quiz("q1", wrong={"TrAdaBoost worse": "b", "equal": "d"}, right={"upper case": "A"}, test="test_q1"),
]
