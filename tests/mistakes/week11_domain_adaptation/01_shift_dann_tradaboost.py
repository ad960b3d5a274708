"""Typical wrong (and alternative right) answers for week11_domain_adaptation/01_shift_dann_tradaboost.ipynb."""

import math

import numpy as np
import torch
import torch.nn.functional as F
from mistakes import right, wrong
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


def _pad_accuracy(Xs, Xt, seed=0):
    return _pad(Xs, Xt, seed, accuracy=True)


def _pad_train_error(Xs, Xt, seed=0):
    return _pad(Xs, Xt, seed, train_error=True)


def _pad_score(Xs, Xt, seed=0):
    X = np.concatenate([np.asarray(Xs).reshape(len(Xs), -1), np.asarray(Xt).reshape(len(Xt), -1)])
    d = np.concatenate([np.zeros(len(Xs)), np.ones(len(Xt))])
    Xa, Xb, da, db = train_test_split(X, d, test_size=0.5, random_state=seed, stratify=d)
    acc = LogisticRegression(max_iter=2000).fit(Xa, da).score(Xb, db)
    return 2 * (2 * acc - 1)                                       # the same formula, from the accuracy


# ------------------------------------------------------------------------------ GradReverse
def _grl(forward_fn, backward_fn):
    class _G(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, lam):
            ctx.lam = lam
            return forward_fn(x, lam)

        @staticmethod
        def backward(ctx, g):
            return backward_fn(g, ctx.lam), None

    return lambda x, lam: _G.apply(x, lam)


_grl_forward_reversed = _grl(lambda x, lam: -lam * x, lambda g, lam: -lam * g)
_grl_wrong_sign = _grl(lambda x, lam: x.view_as(x), lambda g, lam: lam * g)
_grl_no_lambda = _grl(lambda x, lam: x.view_as(x), lambda g, lam: -g)
_grl_clone = _grl(lambda x, lam: x.clone(), lambda g, lam: g.neg() * lam)


def _grl_hook(x, lam):                                             # a tensor hook instead of a Function
    y = x * 1.0
    if y.requires_grad:
        y.register_hook(lambda g: -lam * g)
    return y


def _grl_detach_trick(x, lam):                                     # identity value, -lam gradient
    return (1.0 + lam) * x.detach() - lam * x + (x - x.detach()) * 0.0


# ------------------------------------------------------------------------------ dann_lambda
def _lambda_no_minus_one(p, gamma=10.0):
    return 2.0 / (1.0 + math.exp(-gamma * p))


def _lambda_sign(p, gamma=10.0):
    return 2.0 / (1.0 + math.exp(gamma * p)) - 1.0


def _lambda_tanh(p, gamma=10.0):
    return math.tanh(gamma * p / 2)


# ------------------------------------------------------------------------------ domain_labels
def _labels_reversed(ns, nt):
    return torch.cat([torch.ones(ns), torch.zeros(nt)])


def _labels_long(ns, nt):
    return torch.cat([torch.zeros(ns, dtype=torch.long), torch.ones(nt, dtype=torch.long)])


def _labels_numpy_route(ns, nt):
    return torch.from_numpy(np.r_[np.zeros(ns), np.ones(nt)]).float()


# ------------------------------------------------------------------------------ dann_step
def _make_step(*, reverse=True, label_on="source", sign=-1.0, step=True):
    def dann_step(model, opt, xs, ys, xt, lam):
        from dlcourse.adaptation.dann import _domain_labels, _grad_reverse
        opt.zero_grad()
        fs, ft = model.features(xs), model.features(xt)
        if label_on == "source":
            label_loss = F.cross_entropy(model.label_head(fs), ys)
        else:                                                      # labels of the source used for the target too
            label_loss = F.cross_entropy(model.label_head(torch.cat([fs, ft])), torch.cat([ys, ys[:len(ft)]]))
        f = torch.cat([fs, ft])
        f = _grad_reverse(f, -sign * lam) if reverse else f
        dom = model.domain_head(f).squeeze(-1)
        domain_loss = F.binary_cross_entropy_with_logits(dom, _domain_labels(len(xs), len(xt)))
        (label_loss + domain_loss).backward()
        if step:
            opt.step()
        return {"label_loss": label_loss.item(), "domain_loss": domain_loss.item()}
    return dann_step


def _step_two_backwards(model, opt, xs, ys, xt, lam):
    from dlcourse.adaptation.dann import _domain_labels, _grad_reverse
    opt.zero_grad()
    fs = model.features(xs)
    label_loss = F.cross_entropy(model.label_head(fs), ys)
    label_loss.backward()                                          # gradients accumulate: same as one backward
    f = torch.cat([model.features(xs), model.features(xt)])
    dom = model.domain_head(_grad_reverse(f, lam)).squeeze(-1)
    domain_loss = F.binary_cross_entropy_with_logits(dom, _domain_labels(len(xs), len(xt)))
    domain_loss.backward()
    opt.step()
    return {"label_loss": float(label_loss.detach()), "domain_loss": float(domain_loss.detach())}


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


def _update_raise_source(*args):
    return _update(*args, src_sign=+1.0)


def _update_half(*args):
    return _update(*args, half=True)


def _update_paper_as_lecture(*args):
    return _update(*args, same_rule=True)


def _update_where(w_src, w_tgt, miss_src, miss_tgt, e_t, n, N, variant="lecture"):
    beta = 1.0 / (1.0 + np.sqrt(2.0 * np.log(n) / N))
    shrink = np.exp(-beta) if variant == "lecture" else beta
    return (np.where(miss_src, np.asarray(w_src) * shrink, w_src), np.where(miss_tgt, np.asarray(w_tgt) * (1 - e_t) / e_t, w_tgt),
            float(np.log((1 - e_t) / e_t)), float(beta))


def _round_generic(w_src, w_tgt, miss_src, miss_tgt, N, variant="lecture", *, normalise="joint"):
    from dlcourse.adaptation.tradaboost import _tradaboost_error, _tradaboost_update
    e_t = _tradaboost_error(w_tgt, miss_tgt)
    s, t, a, _ = _tradaboost_update(w_src, w_tgt, miss_src, miss_tgt, e_t, len(w_src), N, variant)
    if normalise == "joint":
        z = s.sum() + t.sum()
        return s / z, t / z, a
    if normalise == "separate":
        return s / s.sum(), t / t.sum(), a
    return s, t, a


def _round_no_norm(*args):
    return _round_generic(*args, normalise="none")


def _round_separate(*args):
    return _round_generic(*args, normalise="separate")


def _round_concat(w_src, w_tgt, miss_src, miss_tgt, N, variant="lecture"):
    from dlcourse.adaptation.tradaboost import _tradaboost_error, _tradaboost_update
    e_t = _tradaboost_error(w_tgt, miss_tgt)
    s, t, a, _ = _tradaboost_update(w_src, w_tgt, miss_src, miss_tgt, e_t, len(w_src), N, variant)
    w = np.concatenate([s, t])
    w = w / w.sum()
    return w[:len(s)], w[len(s):], a


CASES = [
    wrong("test_proxy_a_distance", "accuracy in place of the error", proxy_a_distance=_pad_accuracy),
    wrong("test_proxy_a_distance", "error measured on the training half", proxy_a_distance=_pad_train_error),
    right("test_proxy_a_distance", "from clf.score as 2 (2 acc - 1)", proxy_a_distance=_pad_score),

    wrong("test_grad_reverse", "gradient reversed in the forward pass", grad_reverse=_grl_forward_reversed),
    wrong("test_grad_reverse", "lambda with the wrong sign", grad_reverse=_grl_wrong_sign),
    wrong("test_grad_reverse", "negated but not scaled by lambda", grad_reverse=_grl_no_lambda),
    right("test_grad_reverse", "clone and neg() * lam", grad_reverse=_grl_clone),
    right("test_grad_reverse", "a tensor hook", grad_reverse=_grl_hook),

    wrong("test_dann_lambda", "no '- 1'", dann_lambda=_lambda_no_minus_one),
    wrong("test_dann_lambda", "exp(+gamma p)", dann_lambda=_lambda_sign),
    right("test_dann_lambda", "tanh(gamma p / 2)", dann_lambda=_lambda_tanh),

    wrong("test_domain_labels", "source 1, target 0", domain_labels=_labels_reversed),
    wrong("test_domain_labels", "integer labels", domain_labels=_labels_long),
    right("test_domain_labels", "built in NumPy", domain_labels=_labels_numpy_route),

    wrong("test_dann_step", "domain classifier trained without the reversal", dann_step=_make_step(reverse=False)),
    wrong("test_dann_step", "lambda with the wrong sign", dann_step=_make_step(sign=+1.0)),
    wrong("test_dann_step", "label loss on target samples too", dann_step=_make_step(label_on="both")),
    wrong("test_dann_step", "no optimiser step", dann_step=_make_step(step=False)),
    right("test_dann_step", "two backward passes accumulating", dann_step=_step_two_backwards),

    wrong("test_tradaboost_error", "not normalised by the target weights", tradaboost_error=_err_unnormalised),
    wrong("test_tradaboost_error", "unweighted fraction", tradaboost_error=_err_fraction),
    right("test_tradaboost_error", "a Python loop", tradaboost_error=_err_loop),

    wrong("test_tradaboost_update", "source weights raised on errors", tradaboost_update=_update_raise_source),
    wrong("test_tradaboost_update", "AdaBoost's 1/2 in alpha_t", tradaboost_update=_update_half),
    wrong("test_tradaboost_update", "paper variant ignored", tradaboost_update=_update_paper_as_lecture),
    right("test_tradaboost_update", "np.where and (1 - e) / e", tradaboost_update=_update_where),

    wrong("test_tradaboost_round", "weights not renormalised", tradaboost_round=_round_no_norm),
    wrong("test_tradaboost_round", "source and target normalised separately", tradaboost_round=_round_separate),
    right("test_tradaboost_round", "one concatenated vector", tradaboost_round=_round_concat),

    wrong("test_q1", "stages out of order", q1="a"), wrong("test_q1", "no answer", q1=None),
    right("test_q1", "upper case", q1="B"),
    wrong("test_q2", "the pair with the highest accuracy", q2="c"), wrong("test_q2", "equal gains", q2="d"),
    right("test_q2", "with brackets", q2=" (a) "),
    wrong("test_q3", "only (b)", q3={"b"}), wrong("test_q3", "(b) and (d)", q3={"b", "d"}),
    right("test_q3", "a list", q3=["b", "A"]),
    wrong("test_q4", "TrAdaBoost worse", q4="b"), wrong("test_q4", "equal", q4="d"),
    right("test_q4", "upper case", q4="A"),
    wrong("test_q5", "covariate shift", q5="a"), wrong("test_q5", "concept shift", q5="d"),
    right("test_q5", "upper case", q5="B"),
]
