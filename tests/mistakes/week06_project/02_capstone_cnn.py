"""Typical wrong (and alternative right) answers for week06_project/02_capstone_cnn.ipynb."""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from dlcourse.project import reference as ref
from dlcourse.project.layers import Conv, Dense, Flatten, MaxPool, ReLU, Sequential, SpatialBatchNorm
from dlcourse.project.solver import train
from mistakes import quiz, right, variant, variants, wrong


# ---------------------------------------------------------------------------- conv2d_backward
def _windows(x_pad, F, stride, Ho, Wo):
    return sliding_window_view(x_pad, (F, F), axis=(2, 3))[:, :, ::stride, ::stride][:, :, :Ho, :Wo]


def _cb(dout, x, w, stride=1, padding=0, *, flip=False, no_crop=False, stride_in_dw=True, overwrite=False,
        mean_db=False, zero_dw=False):
    F = w.shape[2]
    H, W = x.shape[2:]
    Ho, Wo = dout.shape[2:]
    x_pad = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    windows = _windows(x_pad, F, stride if stride_in_dw else 1, Ho, Wo)
    db = dout.mean(axis=(0, 2, 3)) if mean_db else dout.sum(axis=(0, 2, 3))
    dw = np.einsum("nkij,ncijuv->kcuv", dout, windows)
    wk = np.flip(w, axis=(2, 3)) if flip else w
    dx_pad = np.zeros_like(x_pad)
    for u in range(F):
        for v in range(F):
            part = np.einsum("nkij,kc->ncij", dout, wk[:, :, u, v])
            if overwrite:
                dx_pad[:, :, u:u + stride * Ho:stride, v:v + stride * Wo:stride] = part
            else:
                dx_pad[:, :, u:u + stride * Ho:stride, v:v + stride * Wo:stride] += part
    dx = dx_pad if no_crop else dx_pad[:, :, padding:padding + H, padding:padding + W]
    return dx, np.zeros_like(dw) if zero_dw else dw, db


def _cb_naive_loops(dout, x, w, stride=1, padding=0):
    """Loops over every output position: slow but right."""
    N, K, Ho, Wo = dout.shape
    F = w.shape[2]
    x_pad = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    dx_pad, dw = np.zeros_like(x_pad), np.zeros_like(w, dtype=float)
    for i in range(Ho):
        for j in range(Wo):
            patch = x_pad[:, :, i * stride:i * stride + F, j * stride:j * stride + F]      # (N, C, F, F)
            dw += np.einsum("nk,ncuv->kcuv", dout[:, :, i, j], patch)
            dx_pad[:, :, i * stride:i * stride + F, j * stride:j * stride + F] += np.einsum("nk,kcuv->ncuv", dout[:, :, i, j], w)
    H, W = x.shape[2:]
    return dx_pad[:, :, padding:padding + H, padding:padding + W], dw, dout.sum(axis=(0, 2, 3))


def _cb_torch(dout, x, w, stride=1, padding=0):
    """Through torch's own conv_transpose / autograd helpers: another right answer."""
    import torch
    from torch.nn.grad import conv2d_input, conv2d_weight
    tdout, tx, tw = (torch.tensor(a) for a in (dout, x, w))
    dx = conv2d_input(tx.shape, tw, tdout, stride=stride, padding=padding).numpy()
    dw = conv2d_weight(tx, tw.shape, tdout, stride=stride, padding=padding).numpy()
    return dx, dw, dout.sum(axis=(0, 2, 3))


# ------------------------------------------------------------------------ softmax_cross_entropy
def _sce(Z, y, *, no_mean_grad=False, sum_loss=False, unstable=False, sign=False):
    Z = np.asarray(Z, dtype=float)
    N = len(Z)
    if unstable:
        with np.errstate(all="ignore"):                 # the overflow is the mistake
            E = np.exp(Z)
            P = E / E.sum(axis=1, keepdims=True)
    else:
        E = np.exp(Z - Z.max(axis=1, keepdims=True))
        P = E / E.sum(axis=1, keepdims=True)
    with np.errstate(all="ignore"):
        losses = -np.log(P[np.arange(N), y])
    loss = float(losses.sum() if sum_loss else losses.mean())
    dZ = P.copy()
    dZ[np.arange(N), y] -= 1.0
    if sign:
        dZ = -dZ
    return loss, dZ if no_mean_grad else dZ / N


def _sce_logsumexp(Z, y):
    """With scipy's logsumexp and softmax: right."""
    from scipy.special import logsumexp, softmax
    Z = np.asarray(Z, dtype=float)
    N = len(Z)
    loss = float(np.mean(logsumexp(Z, axis=1) - Z[np.arange(N), y]))
    return loss, (softmax(Z, axis=1) - np.eye(Z.shape[1])[y]) / N


def _sce_clipped(Z, y):
    """Softmax, then log of the clipped probability: fails only for logits of 1000."""
    Z = np.asarray(Z, dtype=float)
    N = len(Z)
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    P = E / E.sum(axis=1, keepdims=True)
    loss = float(-np.mean(np.log(np.clip(P[np.arange(N), y], 1e-12, None))))
    dZ = P.copy()
    dZ[np.arange(N), y] -= 1.0
    return loss, dZ / N


# ------------------------------------------------------------------------------ build_capstone
def _build(parts, conv_backward, rng=0, *, order="standard", std=0.01, padding=1, conv_bw=None, one_rng=True):
    g = np.random.default_rng(rng) if not isinstance(rng, np.random.Generator) else rng
    g2 = g if one_rng else np.random.default_rng(rng)
    conv = Conv(1, 16, 3, padding, parts.conv2d, conv_bw or conv_backward, g)
    bn = SpatialBatchNorm(16, parts.batchnorm_forward, parts.batchnorm_backward)
    relu = ReLU(parts.relu, parts.relu_grad)
    pool = MaxPool(2, parts.max_pool2d)
    side = 4 if padding == 1 else 3
    dense = Dense(16 * side * side, 10, parts.layer_forward, g2, std=std)
    layers = {"standard": [conv, bn, relu, pool, Flatten(), dense],
              "relu_before_bn": [conv, relu, bn, pool, Flatten(), dense]}[order]
    return Sequential(layers)


def _build_rescaled_he(parts, conv_backward, rng=0):
    """Dense layer built with He weights, then scaled down to std 0.01: right."""
    g = np.random.default_rng(rng) if not isinstance(rng, np.random.Generator) else rng
    conv = Conv(1, 16, 3, 1, parts.conv2d, conv_backward, g)
    dense = Dense(256, 10, parts.layer_forward, g)
    dense.params["W"] = dense.params["W"] * 0.01 / np.sqrt(2.0 / 256)
    return Sequential([conv, SpatialBatchNorm(16, parts.batchnorm_forward, parts.batchnorm_backward),
                       ReLU(parts.relu, parts.relu_grad), MaxPool(2, parts.max_pool2d), Flatten(), dense])


# -------------------------------------------------------------------------------- suggest_lr
def _lr_at_min(lrs, losses):
    return float(np.asarray(lrs)[int(np.nanargmin(np.where(np.isinf(losses), np.nan, losses)))])


def _lr_plain_argmin(lrs, losses):
    return float(np.asarray(lrs)[int(np.argmin(losses))]) / 10


def _lr_nanargmin(lrs, losses):
    losses = np.asarray(losses, dtype=float)
    return float(np.asarray(lrs)[int(np.nanargmin(np.where(np.isinf(losses), np.nan, losses)))] / 10)


def _lr_last_finite(lrs, losses):
    losses = np.asarray(losses, dtype=float)
    return float(np.asarray(lrs)[np.isfinite(losses)][-1]) / 10


# ------------------------------------------------------------------------------- fit_capstone
def _fit(parts, conv_backward, X, y, rng=0, *, lr=0.01, epochs=8, batch_size=64, same_seed=False):
    g = np.random.default_rng(rng) if not isinstance(rng, np.random.Generator) else rng
    model = ref.build_capstone(parts, conv_backward, g)
    history = train(model, ref.softmax_cross_entropy, parts.adam_step, X, y, lr=lr, epochs=epochs,
                    batch_size=batch_size, rng=0 if same_seed else g)
    return model, history


def _fit_returns_fresh(parts, conv_backward, X, y, rng=0):
    """Trains one network but returns a freshly built (untrained) one."""
    model = ref.build_capstone(parts, conv_backward, 0)
    history = train(model, ref.softmax_cross_entropy, parts.adam_step, X, y, lr=0.01, epochs=8, batch_size=64, rng=0)
    return ref.build_capstone(parts, conv_backward, 1), history


CASES = [
    *variants("test_conv2d_backward", "conv2d_backward", _cb, wrong={
        "dx with the kernel flipped": {"flip": True},
        "the padding is not cut off dx": {"no_crop": True},
        "dw ignores the stride (windows at every position)": {"stride_in_dw": False},
        "overlapping windows overwrite dx instead of adding": {"overwrite": True},
        "db averaged instead of summed": {"mean_db": True},
    }),
    right("test_conv2d_backward", "loops over output positions", conv2d_backward=_cb_naive_loops),
    right("test_conv2d_backward", "torch.nn.grad.conv2d_input / conv2d_weight", conv2d_backward=_cb_torch),
    *variants("test_softmax_cross_entropy", "softmax_cross_entropy", _sce, wrong={
        "dZ not divided by N": {"no_mean_grad": True},
        "loss summed over the batch": {"sum_loss": True},
        "one-hot minus P (sign)": {"sign": True},
        "no max subtraction: inf for logits of 1000": {"unstable": True},
    }),
    wrong("test_softmax_cross_entropy", "log of a clipped softmax: wrong loss for logits of 1000",
          softmax_cross_entropy=_sce_clipped),
    right("test_softmax_cross_entropy", "scipy's logsumexp and softmax", softmax_cross_entropy=_sce_logsumexp),
    *variants("test_build_capstone", "build_capstone", _build, wrong={
        "ReLU before batch norm": {"order": "relu_before_bn"},
        "He initialisation of the output layer": {"std": None},
        "no padding (valid convolution)": {"padding": 0},
        "a conv backward pass whose dw is zero": {"conv_bw": variant(_cb, zero_dw=True)},
    }, right={
        "a second generator from the same seed for the dense layer": {"one_rng": False},
    }),
    right("test_build_capstone", "He weights scaled down to std 0.01", build_capstone=_build_rescaled_he),
    wrong("test_suggest_lr", "the rate at the minimum, not divided by 10", suggest_lr=_lr_at_min),
    wrong("test_suggest_lr", "np.argmin picks the nan", suggest_lr=_lr_plain_argmin),
    wrong("test_suggest_lr", "the last finite rate", suggest_lr=_lr_last_finite),
    right("test_suggest_lr", "np.nanargmin after turning inf into nan", suggest_lr=_lr_nanargmin),
    *variants("test_fit_capstone", "fit_capstone", _fit, wrong={
        "one epoch only (under-trained)": {"epochs": 1, "lr": 1e-3},
        "too many epochs for the budget": {"epochs": 12},
        "a learning rate far too small": {"lr": 1e-5, "epochs": 3},
    }, right={
        "lr 3e-3, batches of 32, 6 epochs": {"lr": 3e-3, "batch_size": 32, "epochs": 6},
    }),
    wrong("test_fit_capstone", "returns a fresh network, not the trained one", fit_capstone=_fit_returns_fresh),
    *quiz("q1", wrong={
        "ln 2 (binary)": float(np.log(2)),
        "1/10 (the probability, not the loss)": 0.1,
    }, right={
        "ln 10 as numpy": np.log(10),
        "rounded to 4 decimals, as a string": "2.3026",
    }),
    *quiz("q2", wrong={
        "too small to generalise": "a",
        "expected with 20 images": "c",
    }, right={
        "upper case": "B",
    }),
    *quiz("q3", wrong={
        "the rate at the minimum": "a",
        "two decades below": "c",
    }, right={
        "with parentheses": " (b) ",
    }),
]
