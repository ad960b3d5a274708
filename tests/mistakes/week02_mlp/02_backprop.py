"""Typical wrong (and alternative right) answers for week02_mlp/02_backprop.ipynb."""

import numpy as np
import torch
from mistakes import right, variants, wrong

from dlcourse.data import backprop_222 as _lecture_data


def _sig(z):
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))


# ------------------------------------------------------------------------------------ losses
def _bce_sum(y, p, eps=1e-12):
    p = np.clip(p, eps, 1 - eps)
    return float(-np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)))


def _bce_no_clip(y, p, eps=1e-12):
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def _bce_where(y, p, eps=1e-12):
    p = np.clip(np.asarray(p, dtype=float), eps, 1 - eps)
    return float(np.mean(np.where(np.asarray(y) == 1, -np.log(p), -np.log(1 - p))))


def _cce_wrong_axis(Y, P, eps=1e-12):
    P = np.clip(P, eps, 1 - eps)
    return float(-np.mean(np.sum(Y * np.log(P), axis=0)))


def _cce_no_mean(Y, P, eps=1e-12):
    P = np.clip(P, eps, 1 - eps)
    return float(-np.sum(Y * np.log(P)))


def _cce_binary_per_class(Y, P, eps=1e-12):
    P = np.clip(P, eps, 1 - eps)
    return float(-np.mean(np.sum(Y * np.log(P) + (1 - Y) * np.log(1 - P), axis=1)))


def _cce_mean_all(Y, P, eps=1e-12):
    P = np.clip(P, eps, 1 - eps)
    return float(-np.mean(Y * np.log(P)))


def _cce_pick_true_class(Y, P, eps=1e-12):
    P = np.clip(np.asarray(P, dtype=float), eps, 1 - eps)
    true = np.argmax(Y, axis=1)
    return float(-np.mean(np.log(P[np.arange(len(P)), true])))


def _mse_half(y, yhat):
    return float(0.5 * np.mean((np.asarray(y) - np.asarray(yhat)) ** 2))


def _mse_sum(y, yhat):
    return float(np.sum((np.asarray(y) - np.asarray(yhat)) ** 2))


def _mse_dot(y, yhat):
    d = np.asarray(y, dtype=float) - np.asarray(yhat, dtype=float)
    return float(d @ d / d.size)


# ------------------------------------------------------------------------------ backprop_222
def _bp(weights, x, target, lr=0.5, *, half=True, out_sigmoid_grad=True, both_paths=True, b2_both=True,
        sign=-1.0, swap_w2_w3=False, update_biases=True):
    """Scalar 2-2-2 backprop with a switch per slip; the defaults are correct."""
    w = {k: float(v) for k, v in weights.items()}
    if swap_w2_w3:
        w["w2"], w["w3"] = w["w3"], w["w2"]
    i1, i2 = (float(v) for v in x)
    y = np.asarray(target, dtype=float)
    net_h = np.array([w["b1"] + i1 * w["w1"] + i2 * w["w2"], w["b1"] + i1 * w["w3"] + i2 * w["w4"]])
    h = _sig(net_h)
    net_o = np.array([w["b2"] + h[0] * w["w5"] + h[1] * w["w6"], w["b2"] + h[0] * w["w7"] + h[1] * w["w8"]])
    yhat = _sig(net_o)
    J = (0.5 if half else 1.0) * float(np.sum((yhat - y) ** 2))
    d_o = (yhat - y) * (yhat * (1 - yhat) if out_sigmoid_grad else 1.0)
    if both_paths:
        back = np.array([d_o[0] * w["w5"] + d_o[1] * w["w7"], d_o[0] * w["w6"] + d_o[1] * w["w8"]])
    else:                                   # each hidden neuron only sees "its own" output
        back = np.array([d_o[0] * w["w5"], d_o[1] * w["w8"]])
    d_h = back * h * (1 - h)
    g = {"w1": d_h[0] * i1, "w2": d_h[0] * i2, "w3": d_h[1] * i1, "w4": d_h[1] * i2,
         "w5": d_o[0] * h[0], "w6": d_o[0] * h[1], "w7": d_o[1] * h[0], "w8": d_o[1] * h[1],
         "b1": d_h.sum(), "b2": d_o.sum() if b2_both else d_o[0]}
    g = {k: float(v) for k, v in g.items()}
    if swap_w2_w3:
        w["w2"], w["w3"] = w["w3"], w["w2"]
        g["w2"], g["w3"] = g["w3"], g["w2"]
    new = {k: (w[k] + sign * lr * g[k]) if (update_biases or k.startswith("w")) else w[k] for k in g}
    return {"net_h": net_h, "h": h, "net_o": net_o, "yhat": yhat, "J": J, "grads": g, "new_weights": new}


def _bp_matrices(weights, x, target, lr=0.5):
    """Vectorised: W_h[i, j] is the weight from input i to hidden j (rows convention)."""
    w = weights
    W_h = np.array([[w["w1"], w["w3"]], [w["w2"], w["w4"]]], dtype=float)
    W_o = np.array([[w["w5"], w["w7"]], [w["w6"], w["w8"]]], dtype=float)
    xv, y = np.asarray(x, dtype=float), np.asarray(target, dtype=float)
    net_h = xv @ W_h + w["b1"]
    h = _sig(net_h)
    net_o = h @ W_o + w["b2"]
    yhat = _sig(net_o)
    d_o = (yhat - y) * yhat * (1 - yhat)
    d_h = (W_o @ d_o) * h * (1 - h)
    dW_h, dW_o = np.outer(xv, d_h), np.outer(h, d_o)
    g = {"w1": dW_h[0, 0], "w2": dW_h[1, 0], "w3": dW_h[0, 1], "w4": dW_h[1, 1],
         "w5": dW_o[0, 0], "w6": dW_o[1, 0], "w7": dW_o[0, 1], "w8": dW_o[1, 1],
         "b1": d_h.sum(), "b2": d_o.sum()}
    return {"net_h": net_h, "h": h, "net_o": net_o, "yhat": yhat, "J": 0.5 * float(np.sum((yhat - y) ** 2)),
            "grads": g, "new_weights": {k: w[k] - lr * g[k] for k in g}}


def _bp_torch(weights, x, target, lr=0.5):
    """Let autograd do the backward pass; return plain floats."""
    t = {k: torch.tensor(float(v), dtype=torch.float64, requires_grad=True) for k, v in weights.items()}
    i1, i2 = (float(v) for v in x)
    net_h = torch.stack([t["b1"] + i1 * t["w1"] + i2 * t["w2"], t["b1"] + i1 * t["w3"] + i2 * t["w4"]])
    h = torch.sigmoid(net_h)
    net_o = torch.stack([t["b2"] + h[0] * t["w5"] + h[1] * t["w6"], t["b2"] + h[0] * t["w7"] + h[1] * t["w8"]])
    yhat = torch.sigmoid(net_o)
    J = 0.5 * ((yhat - torch.tensor(np.asarray(target, dtype=float))) ** 2).sum()
    J.backward()
    g = {k: v.grad.item() for k, v in t.items()}
    return {"net_h": net_h.detach().numpy(), "h": h.detach().numpy(), "net_o": net_o.detach().numpy(),
            "yhat": yhat.detach().numpy(), "J": J.item(), "grads": g,
            "new_weights": {k: float(weights[k]) - lr * g[k] for k in g}}


def _bp_hard_coded(weights, x, target, lr=0.5):
    key = _lecture_data()["answer_key"]
    return {"net_h": np.array(key["net_h"]), "h": np.array(key["h"]), "net_o": np.array(key["net_o"]),
            "yhat": np.array(key["yhat"]), "J": key["J"], "grads": dict(key["grads"]),
            "new_weights": dict(key["new_weights"])}


# ----------------------------------------------------------------------- logistic_regression_step
def _lr_step(X, y, w, b, lr, *, mean_grad=True, sign=-1.0, loss_after=False, error="p-y", in_place=False):
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    p = _sig(X @ w + b)
    err = p - y if error == "p-y" else y - p
    dz = err / len(y) if mean_grad else err
    dw, db = X.T @ dz, float(np.sum(dz))
    if in_place:
        w -= lr * dw
        w_new = w
    else:
        w_new = w + sign * lr * dw
    b_new = b + sign * lr * db
    p_for_J = _sig(X @ w_new + b_new) if loss_after else p
    p_for_J = np.clip(p_for_J, 1e-12, 1 - 1e-12)
    J = float(-np.mean(y * np.log(p_for_J) + (1 - y) * np.log(1 - p_for_J)))
    return w_new, float(b_new), J


def _lr_step_logits(X, y, w, b, lr):
    """J from the logits (log(1 + e^z) - y z), gradient with einsum."""
    z = X @ w + b
    J = float(np.mean(np.logaddexp(0.0, z) - y * z))
    err = _sig(z) - y
    dw = np.einsum("nd,n->d", X, err) / len(y)
    return w - lr * dw, float(b - lr * err.mean()), J


# --------------------------------------------------------------------------------------- MLP
_ACT = {
    "relu": (lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(float)),
    "tanh": (np.tanh, lambda z: 1.0 - np.tanh(z) ** 2),
    "sigmoid": (_sig, lambda z: _sig(z) * (1 - _sig(z))),
}


def _init(sizes, rng, scheme="he", *, slip=None):
    params = {}
    for l, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        var = {"he": 2.0, "xavier": 1.0}[scheme] / n_in
        if slip == "glorot" and scheme == "xavier":
            var = 2.0 / (n_in + n_out)
        if slip == "fan_out":
            var = {"he": 2.0, "xavier": 1.0}[scheme] / n_out
        std = var if slip == "var_as_std" else np.sqrt(var)
        if slip == "global":
            params[f"W{l}"] = np.random.randn(n_in, n_out) * std
        else:
            params[f"W{l}"] = rng.normal(0.0, std, size=(n_in, n_out))
        params[f"b{l}"] = np.zeros(n_out)
    return params


def _init_standard_normal(sizes, rng, scheme="he"):
    gain = 2.0 if scheme == "he" else 1.0
    return {k: v for l in range(1, len(sizes))
            for k, v in ((f"W{l}", rng.standard_normal((sizes[l - 1], sizes[l])) * np.sqrt(gain / sizes[l - 1])),
                         (f"b{l}", np.zeros(sizes[l])))}


def _forward(params, X, activation="relu", *, softmax="stable"):
    g = _ACT[activation][0]
    L = len(params) // 2
    A = np.asarray(X, dtype=float)
    cache = {"A": [A], "Z": [], "activation": activation}
    for l in range(1, L + 1):
        Z = A @ params[f"W{l}"] + params[f"b{l}"]
        if l < L:
            A = g(Z)
        elif Z.shape[1] == 1:
            A = _sig(Z)
        elif softmax == "stable":
            E = np.exp(Z - Z.max(axis=1, keepdims=True))
            A = E / E.sum(axis=1, keepdims=True)
        elif softmax == "naive":
            E = np.exp(Z)
            A = E / E.sum(axis=1, keepdims=True)
        elif softmax == "axis0":
            E = np.exp(Z - Z.max(axis=0, keepdims=True))
            A = E / E.sum(axis=0, keepdims=True)
        cache["Z"].append(Z)
        cache["A"].append(A)
    return A, cache


def _backward(params, cache, Y, *, slip=None):
    g_prime = _ACT[cache["activation"]][1]
    A, Z = cache["A"], cache["Z"]
    L = len(Z)
    Y = np.asarray(Y, dtype=float).reshape(A[-1].shape)
    dZ = A[-1] - Y if slip == "no_1_over_N" else (A[-1] - Y) / len(Y)
    grads = {}
    for l in range(L, 0, -1):
        grads[f"W{l}"] = dZ.T @ A[l - 1] if slip == "transpose" else A[l - 1].T @ dZ
        grads[f"b{l}"] = dZ.sum(axis=1) if slip == "db_axis" else dZ.sum(axis=0)
        if l > 1:
            W_back = params[f"W{l - 1}"] if slip == "previous_W" else params[f"W{l}"]
            at = A[l - 1] if slip == "grad_at_activation" else Z[l - 2]
            dZ = (dZ @ W_back.T) * g_prime(at)
    return grads


def _forward_lists(params, X, activation="relu"):
    """Alternative: a tuple cache (inputs of each layer, pre-activations, derivative function)."""
    g, g_prime = _ACT[activation]
    L = len(params) // 2
    inputs, pre = [], []
    A = np.asarray(X, dtype=float)
    for l in range(1, L + 1):
        inputs.append(A)
        Z = A @ params[f"W{l}"] + params[f"b{l}"]
        pre.append(Z)
        if l < L:
            A = g(Z)
        elif Z.shape[1] == 1:
            A = _sig(Z)
        else:
            A = np.exp(Z - np.logaddexp.reduce(Z, axis=1, keepdims=True))       # softmax via log-sum-exp
    return A, (inputs, pre, g_prime, A)


def _backward_lists(params, cache, Y):
    """Alternative: per-sample deltas P - Y, then dW = A_prev.T @ delta / N and db = mean over samples."""
    inputs, pre, g_prime, P = cache
    delta = P - np.asarray(Y, dtype=float).reshape(P.shape)
    N = P.shape[0]
    grads = {}
    for l in range(len(pre), 0, -1):
        grads[f"W{l}"] = inputs[l - 1].T @ delta / N
        grads[f"b{l}"] = delta.mean(axis=0)
        if l > 1:
            delta = delta @ params[f"W{l}"].T * g_prime(pre[l - 2])
    return grads


# ------------------------------------------------------------------------------------ cases
CASES = [
    # losses
    wrong("test_losses", "bce sums instead of averaging", bce=_bce_sum),
    wrong("test_losses", "bce without clipping (log 0)", bce=_bce_no_clip),
    wrong("test_losses", "cce sums over the samples axis", cce=_cce_wrong_axis),
    wrong("test_losses", "cce without the 1/N", cce=_cce_no_mean),
    wrong("test_losses", "cce as a binary cross-entropy per class", cce=_cce_binary_per_class),
    wrong("test_losses", "cce averages over all N*K entries", cce=_cce_mean_all),
    wrong("test_losses", "mse with a factor 1/2", mse=_mse_half),
    wrong("test_losses", "mse sums instead of averaging", mse=_mse_sum),
    right("test_losses", "bce with np.where on the labels", bce=_bce_where),
    right("test_losses", "cce picks the true class's probability", cce=_cce_pick_true_class),
    right("test_losses", "mse with a dot product", mse=_mse_dot),
    # backprop_222
    wrong("test_backprop_222", "no sigmoid derivative at the output",
          backprop_222=lambda w, x, t, lr=0.5: _bp(w, x, t, lr, out_sigmoid_grad=False)),
    wrong("test_backprop_222", "only one path into each hidden neuron",
          backprop_222=lambda w, x, t, lr=0.5: _bp(w, x, t, lr, both_paths=False)),
    wrong("test_backprop_222", "b2 gradient from one output neuron only",
          backprop_222=lambda w, x, t, lr=0.5: _bp(w, x, t, lr, b2_both=False)),
    wrong("test_backprop_222", "update with + instead of -",
          backprop_222=lambda w, x, t, lr=0.5: _bp(w, x, t, lr, sign=+1.0)),
    wrong("test_backprop_222", "J without the 1/2",
          backprop_222=lambda w, x, t, lr=0.5: _bp(w, x, t, lr, half=False)),
    wrong("test_backprop_222", "w2 and w3 swapped",
          backprop_222=lambda w, x, t, lr=0.5: _bp(w, x, t, lr, swap_w2_w3=True)),
    wrong("test_backprop_222", "biases not updated (as in Mazur's blog)",
          backprop_222=lambda w, x, t, lr=0.5: _bp(w, x, t, lr, update_biases=False)),
    wrong("test_backprop_222", "answer key hard-coded", backprop_222=_bp_hard_coded),
    wrong("test_backprop_222", "ignores lr (always 0.5)",
          backprop_222=lambda w, x, t, lr=0.5: _bp(w, x, t, 0.5)),
    right("test_backprop_222", "2x2 matrices, rows convention", backprop_222=_bp_matrices),
    right("test_backprop_222", "torch autograd does the backward pass", backprop_222=_bp_torch),
    # logistic_regression_step
    *variants("test_logistic_regression_step", "logistic_regression_step", _lr_step, wrong={
        "gradient without the 1/N": dict(mean_grad=False),
        "update with + (uphill)": dict(sign=+1.0),
        "error signal y - p with the usual minus update": dict(error='y-p'),
        "returns the loss after the step": dict(loss_after=True),
        "updates w in place": dict(in_place=True),
    }),
    right("test_logistic_regression_step", "loss from the logits, einsum gradient",
          logistic_regression_step=_lr_step_logits),
    # MLP
    wrong("test_mlp", "dW = dZ.T @ A_prev (missing transpose)",
          mlp_backward=lambda p, c, Y: _backward(p, c, Y, slip="transpose")),
    wrong("test_mlp", "db summed over the wrong axis",
          mlp_backward=lambda p, c, Y: _backward(p, c, Y, slip="db_axis")),
    wrong("test_mlp", "forgets the 1/N",
          mlp_backward=lambda p, c, Y: _backward(p, c, Y, slip="no_1_over_N")),
    wrong("test_mlp", "g' evaluated at the activation instead of the pre-activation",
          mlp_backward=lambda p, c, Y: _backward(p, c, Y, slip="grad_at_activation")),
    wrong("test_mlp", "sends dZ back through the previous layer's W",
          mlp_backward=lambda p, c, Y: _backward(p, c, Y, slip="previous_W")),
    wrong("test_mlp", "softmax normalised over the samples axis",
          mlp_forward=lambda p, X, activation="relu": _forward(p, X, activation, softmax="axis0")),
    wrong("test_mlp", "softmax without subtracting the max (overflows)",
          mlp_forward=lambda p, X, activation="relu": _forward(p, X, activation, softmax="naive")),
    wrong("test_mlp", "init passes the variance as the standard deviation",
          init_mlp=lambda s, rng, scheme="he": _init(s, rng, scheme, slip="var_as_std")),
    wrong("test_mlp", "init draws from np.random's global state",
          init_mlp=lambda s, rng, scheme="he": _init(s, rng, scheme, slip="global")),
    wrong("test_mlp", "xavier as Glorot's 2/(n_in + n_out)",
          init_mlp=lambda s, rng, scheme="he": _init(s, rng, scheme, slip="glorot")),
    wrong("test_mlp", "variance from the fan-out",
          init_mlp=lambda s, rng, scheme="he": _init(s, rng, scheme, slip="fan_out")),
    right("test_mlp", "tuple cache, per-sample deltas and mean over samples, log-sum-exp softmax",
          mlp_forward=_forward_lists, mlp_backward=_backward_lists),
    right("test_mlp", "init with standard_normal times the std", init_mlp=_init_standard_normal),
]
