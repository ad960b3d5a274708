"""Typical wrong (and alternative right) answers for week11_domain_adaptation/02_dann.ipynb."""

import math

import numpy as np
import torch
import torch.nn.functional as F
from mistakes import quiz, right, variants, wrong


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
def _step(model, opt, xs, ys, xt, lam, *, reverse=True, label_on="source", sign=-1.0, step=True,
          domain_on="both"):
    from dlcourse.adaptation import reference as ref
    opt.zero_grad()
    fs, ft = model.features(xs), model.features(xt)
    if label_on == "source":
        label_loss = F.cross_entropy(model.label_head(fs), ys)
    else:                                                          # labels of the source used for the target too
        label_loss = F.cross_entropy(model.label_head(torch.cat([fs, ft])), torch.cat([ys, ys[:len(ft)]]))
    f = torch.cat([fs, ft]) if domain_on == "both" else fs
    f = ref.grad_reverse(f, -sign * lam) if reverse else f
    dom = model.domain_head(f).squeeze(-1)
    d = ref.domain_labels(len(xs), len(xt)) if domain_on == "both" else torch.zeros(len(xs))
    domain_loss = F.binary_cross_entropy_with_logits(dom, d)
    (label_loss + domain_loss).backward()
    if step:
        opt.step()
    return {"label_loss": label_loss.item(), "domain_loss": domain_loss.item()}


def _step_two_backwards(model, opt, xs, ys, xt, lam):
    from dlcourse.adaptation import reference as ref
    opt.zero_grad()
    fs = model.features(xs)
    label_loss = F.cross_entropy(model.label_head(fs), ys)
    label_loss.backward()                                          # gradients accumulate: same as one backward
    f = torch.cat([model.features(xs), model.features(xt)])
    dom = model.domain_head(ref.grad_reverse(f, lam)).squeeze(-1)
    domain_loss = F.binary_cross_entropy_with_logits(dom, ref.domain_labels(len(xs), len(xt)))
    domain_loss.backward()
    opt.step()
    return {"label_loss": float(label_loss.detach()), "domain_loss": float(domain_loss.detach())}


CASES = [
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
    *variants("test_dann_step", "dann_step", _step,
              wrong={"domain classifier trained without the reversal": {"reverse": False},
                     "lambda with the wrong sign": {"sign": +1.0},
                     "label loss on target samples too": {"label_on": "both"},
                     "no optimiser step": {"step": False},
                     "domain loss on the source batch only": {"domain_on": "source"}},
              right={"the reference written with flags off": {}}),
    right("test_dann_step", "two backward passes accumulating", dann_step=_step_two_backwards),
    *quiz("q1", wrong={"the pair with the highest accuracy": "c", "equal gains": "d"}, right={"with brackets": " (a) "},
          test="test_q1"),
    *quiz("q2", wrong={"only (b)": {"b"}, "(b) and (d)": {"b", "d"}}, right={"a list": ["b", "A"]}, test="test_q2"),
]
