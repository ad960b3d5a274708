"""Typical wrong (and alternative right) answers for week05_sequences/01_rnn.ipynb."""

import numpy as np
from mistakes import right, variants, wrong


# ------------------------------------------------------------------------------ rnn_step
def _step(x_t, h_prev, W_xh, W_hh, b_h):
    return np.tanh(x_t @ W_xh.T + h_prev @ W_hh.T + b_h)


def _step_swapped(x_t, h_prev, W_xh, W_hh, b_h):
    return np.tanh(x_t @ W_hh.T + h_prev @ W_xh.T + b_h)                  # W_hh on x, W_xh on h


def _step_not_transposed(x_t, h_prev, W_xh, W_hh, b_h):
    return np.tanh(x_t @ W_xh + h_prev @ W_hh + b_h)


def _step_no_tanh(x_t, h_prev, W_xh, W_hh, b_h):
    return x_t @ W_xh.T + h_prev @ W_hh.T + b_h


def _step_einsum(x_t, h_prev, W_xh, W_hh, b_h):
    return np.tanh(np.einsum("hm,nm->nh", W_xh, x_t) + np.einsum("hk,nk->nh", W_hh, h_prev) + b_h)


def _step_columns(x_t, h_prev, W_xh, W_hh, b_h):
    return np.tanh((W_xh @ x_t.T + W_hh @ h_prev.T + b_h[:, None]).T)   # lecture's column vectors


# ------------------------------------------------------------------------------ rnn_step_concat
def _concat_xh(x_t, h_prev, W, b):
    return np.tanh(np.concatenate([x_t, h_prev], axis=1) @ W.T + b)     # [x; h] instead of [h; x]


def _concat_no_tanh(x_t, h_prev, W, b):
    return np.concatenate([h_prev, x_t], axis=1) @ W.T + b


def _concat_wrong_split(x_t, h_prev, W, b):
    M = x_t.shape[1]
    return np.tanh(x_t @ W[:, :M].T + h_prev @ W[:, M:].T + b)          # first M columns taken as W_xh


def _concat_split(x_t, h_prev, W, b):
    H = h_prev.shape[1]
    return np.tanh(h_prev @ W[:, :H].T + x_t @ W[:, H:].T + b)


# ------------------------------------------------------------------------------ rnn_forward
def _forward_generic(X, h0, params, *, reset=False, by=True, last_only=False, ignore_h0=False):
    T, N, _ = X.shape
    H = params["W_hh"].shape[0]
    start = np.zeros((N, H)) if (h0 is None or ignore_h0) else h0
    h, Hs = start, []
    for t in range(T):
        h = _step(X[t], start if reset else h, params["W_xh"], params["W_hh"], params["b_h"])
        Hs.append(h)
    Hs = np.stack(Hs)
    logits = Hs @ params["W_hy"].T + (params["b_y"] if by else 0.0)
    return (Hs[-1], logits[-1]) if last_only else (Hs, logits)


def _forward_concat_list(X, h0, params):
    N, H = X.shape[1], params["W_hh"].shape[0]
    W = np.hstack([params["W_hh"], params["W_xh"]])
    h = np.zeros((N, H)) if h0 is None else h0
    Hs = []
    for x_t in X:
        h = np.tanh(np.concatenate([h, x_t], axis=1) @ W.T + params["b_h"])
        Hs.append(h)
    Hs = np.array(Hs)
    return Hs, np.einsum("tnh,kh->tnk", Hs, params["W_hy"]) + params["b_y"]


# ------------------------------------------------------------------------------ sequence_loss
def _loss_generic(logits, targets, *, axis=-1, stable=True, time="sum", batch="mean"):
    z = logits - logits.max(axis=axis, keepdims=True) if stable else logits
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        logp = z - np.log(np.exp(z).sum(axis=axis, keepdims=True))
    picked = -np.take_along_axis(logp, targets[..., None], axis=-1)[..., 0]
    per_t = picked.mean(axis=1) if batch == "mean" else picked.sum(axis=1)
    return float(per_t.sum() if time == "sum" else per_t.mean())


def _loss_logaddexp(logits, targets):
    T, N, _ = logits.shape
    lse = np.logaddexp.reduce(logits, axis=-1)                           # stable by construction
    total = 0.0
    for t in range(T):
        total += np.mean([lse[t, n] - logits[t, n, targets[t, n]] for n in range(N)])
    return float(total)


# ------------------------------------------------------------------------------ rnn_backward
def _backward_generic(params, X, targets, h0=None, *, tanh_grad=True, carry=True, per_N=True, mean_T=False):
    T, N, _ = X.shape
    H = params["W_hh"].shape[0]
    h_init = np.zeros((N, H)) if h0 is None else h0
    Hs, logits = _forward_generic(X, h_init, params)
    loss = _loss_generic(logits, targets)
    z = logits - logits.max(axis=-1, keepdims=True)
    dz = np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)
    dz -= np.eye(logits.shape[-1])[targets]
    if per_N:
        dz /= N
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    grads["W_hy"] = np.einsum("tnk,tnh->kh", dz, Hs)
    grads["b_y"] = dz.sum(axis=(0, 1))
    dh_next = np.zeros((N, H))
    for t in reversed(range(T)):
        h_prev = Hs[t - 1] if t > 0 else h_init
        dh = dz[t] @ params["W_hy"] + (dh_next if carry else 0.0)
        da = dh * (1 - Hs[t] ** 2) if tanh_grad else dh
        grads["W_xh"] += da.T @ X[t]
        grads["W_hh"] += da.T @ h_prev
        grads["b_h"] += da.sum(axis=0)
        dh_next = da @ params["W_hh"]
    if mean_T:
        grads = {k: g / T for k, g in grads.items()}
    return loss, grads, Hs[-1]


def _backward_padded(params, X, targets, h0=None):
    """Per-step outer products, with h_{-1} stored in front of the states."""
    T, N, _ = X.shape
    H, K = params["W_hh"].shape[0], params["W_hy"].shape[0]
    hs = [np.zeros((N, H)) if h0 is None else h0]
    for t in range(T):
        hs.append(np.tanh(X[t] @ params["W_xh"].T + hs[-1] @ params["W_hh"].T + params["b_h"]))
    loss, grads = 0.0, {k: np.zeros_like(v) for k, v in params.items()}
    dh = np.zeros((N, H))
    for t in range(T, 0, -1):
        z = hs[t] @ params["W_hy"].T + params["b_y"]
        logp = z - (z.max(1, keepdims=True) + np.log(np.exp(z - z.max(1, keepdims=True)).sum(1, keepdims=True)))
        loss -= logp[np.arange(N), targets[t - 1]].mean()
        dz = (np.exp(logp) - np.eye(K)[targets[t - 1]]) / N
        grads["W_hy"] += dz.T @ hs[t]
        grads["b_y"] += dz.sum(0)
        da = (dz @ params["W_hy"] + dh) * (1 - hs[t] ** 2)
        grads["W_xh"] += da.T @ X[t - 1]
        grads["W_hh"] += da.T @ hs[t - 1]
        grads["b_h"] += da.sum(0)
        dh = da @ params["W_hh"]
    return float(loss), grads, hs[-1]


# ------------------------------------------------------------------------------ clip_by_global_norm
def _clip_per_tensor(grads, max_norm):
    total = float(np.sqrt(sum(np.sum(g * g) for g in grads.values())))
    return {k: g * min(1.0, max_norm / (np.linalg.norm(g) + 1e-6)) for k, g in grads.items()}, total


def _clip_squared(grads, max_norm):
    total = float(sum(np.sum(g * g) for g in grads.values()))           # the IFT6758 slides' squared norm
    return {k: g * min(1.0, max_norm / (total + 1e-6)) for k, g in grads.items()}, total


def _clip_in_place(grads, max_norm):
    total = float(np.sqrt(sum(np.sum(g * g) for g in grads.values())))
    scale = min(1.0, max_norm / (total + 1e-6))
    for g in grads.values():
        g *= scale
    return grads, total


def _clip_scales_up(grads, max_norm):
    total = float(np.sqrt(sum(np.sum(g * g) for g in grads.values())))
    return {k: g * (max_norm / (total + 1e-6)) for k, g in grads.items()}, total


def _clip_flat_norm(grads, max_norm):
    total = np.linalg.norm(np.concatenate([np.ravel(g) for g in grads.values()]))
    factor = max_norm / (total + 1e-6) if total > max_norm else 1.0
    return {k: np.multiply(g, factor) for k, g in grads.items()}, float(total)


def _clip_no_epsilon(grads, max_norm):
    total = float(np.sqrt(sum((g ** 2).sum() for g in grads.values())))
    scale = max_norm / total if total > max_norm else 1.0
    return {k: g.copy() * scale for k, g in grads.items()}, total


CASES = [
    wrong("test_rnn_step", "W_xh and W_hh swapped", rnn_step=_step_swapped),
    wrong("test_rnn_step", "weights not transposed", rnn_step=_step_not_transposed),
    wrong("test_rnn_step", "no tanh", rnn_step=_step_no_tanh),
    right("test_rnn_step", "einsum", rnn_step=_step_einsum),
    right("test_rnn_step", "column vectors as on the slide, transposed back", rnn_step=_step_columns),

    wrong("test_rnn_step_concat", "[x_t; h_prev] instead of [h_prev; x_t]", rnn_step_concat=_concat_xh),
    wrong("test_rnn_step_concat", "no tanh", rnn_step_concat=_concat_no_tanh),
    wrong("test_rnn_step_concat", "first M columns used as W_xh", rnn_step_concat=_concat_wrong_split),
    right("test_rnn_step_concat", "W split into its two blocks", rnn_step_concat=_concat_split),

    *variants("test_rnn_forward", "rnn_forward", _forward_generic, wrong={
        "h0 reset at every step": dict(reset=True),
        "b_y forgotten": dict(by=False),
        "returns only the last h and logits": dict(last_only=True),
        "h0 ignored (always zeros)": dict(ignore_h0=True),
    }),
    right("test_rnn_forward", "concatenated W, list of states, einsum output", rnn_forward=_forward_concat_list),

    *variants("test_sequence_loss", "sequence_loss", _loss_generic, wrong={
        "mean over time": dict(time='mean'),
        "no log-sum-exp stabilisation": dict(stable=False),
        "softmax over the batch axis": dict(axis=1),
        "sum over the batch": dict(batch='sum'),
    }),
    right("test_sequence_loss", "np.logaddexp.reduce and a loop", sequence_loss=_loss_logaddexp),

    *variants("test_rnn_backward", "rnn_backward", _backward_generic, wrong={
        "missing the (1 - h^2) tanh derivative": dict(tanh_grad=False),
        "dh_next not carried from step t + 1": dict(carry=False),
        "gradients averaged over time": dict(mean_T=True),
        "not divided by N": dict(per_N=False),
    }),
    right("test_rnn_backward", "per-step loop with h0 stored in front of the states", rnn_backward=_backward_padded),

    wrong("test_clip_by_global_norm", "per-tensor clipping", clip_by_global_norm=_clip_per_tensor),
    wrong("test_clip_by_global_norm", "squared norm (as on the IFT6758 slides)", clip_by_global_norm=_clip_squared),
    wrong("test_clip_by_global_norm", "mutates the input in place", clip_by_global_norm=_clip_in_place),
    wrong("test_clip_by_global_norm", "scales small gradients up", clip_by_global_norm=_clip_scales_up),
    right("test_clip_by_global_norm", "flattened norm, if total > max_norm", clip_by_global_norm=_clip_flat_norm),
    right("test_clip_by_global_norm", "without the 1e-6", clip_by_global_norm=_clip_no_epsilon),
]
