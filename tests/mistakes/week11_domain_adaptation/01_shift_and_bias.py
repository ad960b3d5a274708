"""Typical wrong (and alternative right) answers for week11_domain_adaptation/01_shift_and_bias.ipynb."""


import numpy as np
from mistakes import quiz, right, variants
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split


# ------------------------------------------------------------------------------ proxy_a_distance
def _pad(Xs, Xt, seed=0, *, accuracy=False, train_error=False):
    X = np.vstack([np.reshape(Xs, (len(Xs), -1)), np.reshape(Xt, (len(Xt), -1))])
    d = np.r_[np.zeros(len(Xs)), np.ones(len(Xt))]
    Xa, Xb, da, db = train_test_split(X, d, test_size=0.5, random_state=seed, stratify=d)
    clf = LogisticRegression(max_iter=2000).fit(Xa, da)
    Xe, de = (Xa, da) if train_error else (Xb, db)
    err = float(np.mean(clf.predict(Xe) != de))
    return 2.0 * (1.0 - 2.0 * (1.0 - err if accuracy else err))


def _pad_score(Xs, Xt, seed=0):
    X = np.concatenate([np.asarray(Xs).reshape(len(Xs), -1), np.asarray(Xt).reshape(len(Xt), -1)])
    d = np.concatenate([np.zeros(len(Xs)), np.ones(len(Xt))])
    Xa, Xb, da, db = train_test_split(X, d, test_size=0.5, random_state=seed, stratify=d)
    acc = LogisticRegression(max_iter=2000).fit(Xa, da).score(Xb, db)
    return 2 * (2 * acc - 1)                                       # the same formula, from the accuracy


CASES = [
    *variants("test_proxy_a_distance", "proxy_a_distance", _pad,
              wrong={"accuracy in place of the error": {"accuracy": True},
                     "error measured on the training half": {"train_error": True}},
              right={"the reference written with flags off": {}}),
    right("test_proxy_a_distance", "from clf.score as 2 (2 acc - 1)", proxy_a_distance=_pad_score),
    *quiz("q1", wrong={"stages out of order": "a", "no answer": None}, right={"upper case": "B"}, test="test_q1"),
    *quiz("q2", wrong={"covariate shift": "a", "concept shift": "d"}, right={"upper case": "B"}, test="test_q2"),
]
