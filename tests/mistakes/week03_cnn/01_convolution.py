"""Typical wrong (and alternative right) answers for week03_cnn/01_convolution.ipynb."""

import math

import numpy as np
import torch
from mistakes import right, wrong
from numpy.lib.stride_tricks import sliding_window_view
from scipy.signal import correlate2d

from dlcourse.cnn import reference as ref


# ------------------------------------------------------------------------------- match_filter
def _match(image, kernel, *, reduce="mean", flip=False, transpose=False, divide_by_9=False):
    """Loop version with a switch per slip; the defaults are correct."""
    image, kernel = np.asarray(image, dtype=float), np.asarray(kernel, dtype=float)
    if flip:
        kernel = kernel[::-1, ::-1]
    h, w = kernel.shape
    out = np.zeros((image.shape[0] - h + 1, image.shape[1] - w + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            prod = image[i:i + h, j:j + w] * kernel
            out[i, j] = prod.sum() / 9 if divide_by_9 else (prod.sum() if reduce == "sum" else prod.mean())
    return out.T if transpose else out


def _match_windows(image, kernel):
    kernel = np.asarray(kernel, dtype=float)
    windows = sliding_window_view(np.asarray(image, dtype=float), kernel.shape)   # (H', W', h, w)
    return np.einsum("ijuv,uv->ij", windows, kernel) / kernel.size


def _match_scipy(image, kernel):
    kernel = np.asarray(kernel, dtype=float)
    return correlate2d(np.asarray(image, dtype=float), kernel, mode="valid") / kernel.size


# --------------------------------------------------------------------------- conv_output_size
def _size_padding_once(W, F, S=1, P=0):
    span = W - F + P
    if span < 0 or span % S:
        raise ValueError(f"invalid configuration: ({W} - {F} + {P}) / {S}")
    return span // S + 1


def _size_no_plus_one(W, F, S=1, P=0):
    span = W - F + 2 * P
    if span < 0 or span % S:
        raise ValueError(f"invalid configuration: ({W} - {F} + 2*{P}) / {S}")
    return span // S


def _size_floor(W, F, S=1, P=0):
    if F > W + 2 * P:
        raise ValueError("the filter does not fit the padded input")
    return (W - F + 2 * P) // S + 1


def _size_float(W, F, S=1, P=0):
    span = W - F + 2 * P
    if span < 0 or span % S:
        raise ValueError(f"invalid configuration: ({W} - {F} + 2*{P}) / {S}")
    return span / S + 1


def _size_no_fit_check(W, F, S=1, P=0):
    span = W - F + 2 * P
    if span % S:
        raise ValueError(f"({W} - {F} + 2*{P}) is not divisible by {S}")
    return span // S + 1


def _size_divmod(W, F, S=1, P=0):
    if F > W + 2 * P:
        raise ValueError(f"filter {F} is larger than the padded input {W + 2 * P}")
    steps, rest = divmod(W - F + 2 * P, S)
    if rest:
        raise ValueError(f"stride {S} leaves {rest} pixel(s) over: the filter does not tile the input")
    return steps + 1


def _size_is_integer(W, F, S=1, P=0):
    value = (W - F + 2 * P) / S + 1
    if value < 1 or not float(value).is_integer():
        raise ValueError(f"(W - F + 2P)/S + 1 = {value} is not a positive whole number")
    return int(value)


# --------------------------------------------------------------------------- conv_param_count
def _params_no_bias(F, C_in, K, bias=True):
    return K * F * F * C_in


def _params_no_channels(F, C_in, K, bias=True):
    return K * F * F + (K if bias else 0)


def _params_bias_per_channel(F, C_in, K, bias=True):
    return K * F * F * C_in + (K * C_in if bias else 0)


def _params_ignores_flag(F, C_in, K, bias=True):
    return K * F * F * C_in + K


def _params_per_filter(F, C_in, K, bias=True):
    return K * (F * F * C_in + int(bias))


def _params_torch(F, C_in, K, bias=True):
    return sum(p.numel() for p in torch.nn.Conv2d(C_in, K, F, bias=bias).parameters())


# ------------------------------------------------------------------------------ conv2d_naive
def _conv_loops(x, w, b=None, stride=1, padding=0, *, flip=False, one_side=False, assign_channels=False,
                bias_per_channel=False, no_plus_one=False, ignore_stride_in_window=False):
    """A loop over channels as students often write it, with a switch per slip."""
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    if flip:
        w = w[:, :, ::-1, ::-1]
    N, C, H, W = x.shape
    K, _, Fk, _ = w.shape
    pads = (padding, 0) if one_side else (padding, padding)
    xp = np.pad(x, ((0, 0), (0, 0), pads, pads))
    H_out = (H + 2 * padding - Fk) // stride + (0 if no_plus_one else 1)
    W_out = (W + 2 * padding - Fk) // stride + (0 if no_plus_one else 1)
    out = np.zeros((N, K, H_out, W_out))
    for n in range(N):
        for k in range(K):
            for i in range(H_out):
                for j in range(W_out):
                    r, c0 = (i, j) if ignore_stride_in_window else (i * stride, j * stride)
                    total = 0.0
                    for c in range(C):
                        part = np.sum(xp[n, c, r:r + Fk, c0:c0 + Fk] * w[k, c])
                        total = part if assign_channels else total + part
                        if bias_per_channel and b is not None:
                            total += b[k]
                    if b is not None and not bias_per_channel:
                        total += b[k]
                    out[n, k, i, j] = total
    return out


def _conv_scipy(x, w, b=None, stride=1, padding=0):
    """One correlate2d per (sample, filter, channel), then subsample by the stride."""
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    N, C = x.shape[:2]
    K = w.shape[0]
    maps = np.array([[sum(correlate2d(xp[n, c], w[k, c], mode="valid") for c in range(C)) for k in range(K)]
                     for n in range(N)])
    out = maps[:, :, ::stride, ::stride]
    return out if b is None else out + np.asarray(b)[None, :, None, None]


# ------------------------------------------------------------------------------------ conv2d
def _conv_vec(x, w, b=None, stride=1, padding=0, *, flip=False, one_side=False, bias_times_c=False,
              no_stride=False, swap_uv=False):
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    if flip:
        w = w[:, :, ::-1, ::-1]
    pads = (padding, 0) if one_side else (padding, padding)
    xp = np.pad(x, ((0, 0), (0, 0), pads, pads))
    win = sliding_window_view(xp, w.shape[2:], axis=(2, 3))
    if not no_stride:
        win = win[:, :, ::stride, ::stride]
    out = np.einsum("ncijvu,kcuv->nkij" if swap_uv else "ncijuv,kcuv->nkij", win, w, optimize=True)
    if b is not None:
        out = out + (x.shape[1] if bias_times_c else 1) * np.asarray(b)[None, :, None, None]
    return out


def _conv_im2col(x, w, b=None, stride=1, padding=0):
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    N, C, H, W = x.shape
    K, _, Fk, _ = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    win = sliding_window_view(xp, (Fk, Fk), axis=(2, 3))[:, :, ::stride, ::stride]   # (N, C, H', W', F, F)
    Ho, Wo = win.shape[2], win.shape[3]
    cols = win.transpose(0, 2, 3, 1, 4, 5).reshape(N * Ho * Wo, C * Fk * Fk)          # one row per position
    out = (cols @ w.reshape(K, -1).T).reshape(N, Ho, Wo, K).transpose(0, 3, 1, 2)
    return out if b is None else out + np.asarray(b)[None, :, None, None]


def _conv_offsets(x, w, b=None, stride=1, padding=0):
    """Loop over the F*F kernel offsets only; each step is one einsum over the whole batch."""
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    N, C, H, W = x.shape
    K, _, Fk, _ = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    Ho, Wo = (H + 2 * padding - Fk) // stride + 1, (W + 2 * padding - Fk) // stride + 1
    out = np.zeros((N, K, Ho, Wo))
    for u in range(Fk):
        for v in range(Fk):
            patch = xp[:, :, u:u + stride * (Ho - 1) + 1:stride, v:v + stride * (Wo - 1) + 1:stride]
            out += np.einsum("nchw,kc->nkhw", patch, w[:, :, u, v])
    return out if b is None else out + np.asarray(b)[None, :, None, None]


def _conv_tensordot(x, w, b=None, stride=1, padding=0):
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    win = sliding_window_view(xp, w.shape[2:], axis=(2, 3))[:, :, ::stride, ::stride]
    out = np.tensordot(win, w, axes=([1, 4, 5], [1, 2, 3])).transpose(0, 3, 1, 2)    # (N, K, H', W')
    return out if b is None else out + np.asarray(b)[None, :, None, None]


# ----------------------------------------------------------------------------------- pooling
def _pool(x, k=2, stride=2, ceil_mode=False, *, op="max", ignore_ceil=False, divide_k2=False,
          across_channels=False, zero_fill=False):
    x = np.asarray(x, dtype=float)
    N, C, H, W = x.shape
    use_ceil = ceil_mode and not ignore_ceil

    def size(n):
        steps = math.ceil((n - k) / stride) if use_ceil else (n - k) // stride
        return steps if use_ceil and steps * stride >= n else steps + 1

    Ho, Wo = size(H), size(W)
    if zero_fill:                                   # pad the right/bottom with zeros instead of clipping
        x = np.pad(x, ((0, 0), (0, 0), (0, k), (0, k)))
    out = np.zeros((N, C, Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            win = x[:, :, i * stride:i * stride + k, j * stride:j * stride + k]
            axes = (1, 2, 3) if across_channels else (2, 3)
            if op == "max":
                val = win.max(axis=axes)
            else:
                val = win.sum(axis=axes) / (k * k) if divide_k2 else win.mean(axis=axes)
            out[:, :, i, j] = val[:, None] if across_channels else val
    return out


def _max(**kw):
    return lambda x, k=2, stride=2, ceil_mode=False: _pool(x, k, stride, ceil_mode, op="max", **kw)


def _avg(**kw):
    return lambda x, k=2, stride=2, ceil_mode=False: _pool(x, k, stride, ceil_mode, op="avg", **kw)


def _max_torch(x, k=2, stride=2, ceil_mode=False):
    return torch.nn.functional.max_pool2d(torch.as_tensor(np.asarray(x, dtype=float)), k, stride,
                                          ceil_mode=ceil_mode).numpy()


def _avg_torch(x, k=2, stride=2, ceil_mode=False):
    return torch.nn.functional.avg_pool2d(torch.as_tensor(np.asarray(x, dtype=float)), k, stride,
                                          ceil_mode=ceil_mode).numpy()


def _conv_kw(**kw):
    return lambda x, w, b=None, stride=1, padding=0: _conv_loops(x, w, b, stride, padding, **kw)


def _vec_kw(**kw):
    return lambda x, w, b=None, stride=1, padding=0: _conv_vec(x, w, b, stride, padding, **kw)


CASES = [
    # match_filter
    wrong("test_match_filter", "sum of products instead of their mean", match_filter=lambda i, k: _match(i, k, reduce="sum")),
    wrong("test_match_filter", "kernel flipped (true convolution)", match_filter=lambda i, k: _match(i, k, flip=True)),
    wrong("test_match_filter", "output transposed", match_filter=lambda i, k: _match(i, k, transpose=True)),
    wrong("test_match_filter", "always divides by 9 (only right for 3x3 kernels)",
          match_filter=lambda i, k: _match(i, k, divide_by_9=True)),
    right("test_match_filter", "sliding_window_view + einsum", match_filter=_match_windows),
    right("test_match_filter", "scipy correlate2d / kernel size", match_filter=_match_scipy),
    # conv_output_size
    wrong("test_conv_output_size", "padding counted once: (W - F + P)/S + 1", conv_output_size=_size_padding_once),
    wrong("test_conv_output_size", "the +1 is missing", conv_output_size=_size_no_plus_one),
    wrong("test_conv_output_size", "floors instead of raising", conv_output_size=_size_floor),
    wrong("test_conv_output_size", "returns a float", conv_output_size=_size_float),
    wrong("test_conv_output_size", "no check that the filter fits", conv_output_size=_size_no_fit_check),
    right("test_conv_output_size", "divmod", conv_output_size=_size_divmod),
    right("test_conv_output_size", "float division and is_integer", conv_output_size=_size_is_integer),
    # conv_param_count
    wrong("test_conv_param_count", "no bias (the slide's 3,267)", conv_param_count=_params_no_bias),
    wrong("test_conv_param_count", "filters do not span the input channels", conv_param_count=_params_no_channels),
    wrong("test_conv_param_count", "one bias per input channel and filter", conv_param_count=_params_bias_per_channel),
    wrong("test_conv_param_count", "ignores bias=False", conv_param_count=_params_ignores_flag),
    right("test_conv_param_count", "K * (F*F*C_in + bias)", conv_param_count=_params_per_filter),
    right("test_conv_param_count", "count a torch.nn.Conv2d", conv_param_count=_params_torch),
    # conv2d_naive
    wrong("test_conv2d_naive", "kernel flipped (true convolution)", conv2d_naive=_conv_kw(flip=True)),
    wrong("test_conv2d_naive", "padding on one side only", conv2d_naive=_conv_kw(one_side=True)),
    wrong("test_conv2d_naive", "channel sum missing (= instead of +=)", conv2d_naive=_conv_kw(assign_channels=True)),
    wrong("test_conv2d_naive", "bias added per channel instead of per filter", conv2d_naive=_conv_kw(bias_per_channel=True)),
    wrong("test_conv2d_naive", "output size without the +1", conv2d_naive=_conv_kw(no_plus_one=True)),
    wrong("test_conv2d_naive", "window start ignores the stride", conv2d_naive=_conv_kw(ignore_stride_in_window=True)),
    right("test_conv2d_naive", "explicit loop over channels", conv2d_naive=_conv_kw()),
    right("test_conv2d_naive", "scipy correlate2d per channel, then subsample", conv2d_naive=_conv_scipy),
    # conv2d
    wrong("test_conv2d", "kernel flipped (true convolution)", conv2d=_vec_kw(flip=True)),
    wrong("test_conv2d", "padding on one side only", conv2d=_vec_kw(one_side=True)),
    wrong("test_conv2d", "bias added C times", conv2d=_vec_kw(bias_times_c=True)),
    wrong("test_conv2d", "stride ignored (every window kept)", conv2d=_vec_kw(no_stride=True)),
    wrong("test_conv2d", "kernel rows and columns swapped in the einsum", conv2d=_vec_kw(swap_uv=True)),
    wrong("test_conv2d", "the naive loops (too slow)", conv2d=ref.conv2d_naive),
    right("test_conv2d", "im2col + matrix product", conv2d=_conv_im2col),
    right("test_conv2d", "loop over the kernel offsets only", conv2d=_conv_offsets),
    right("test_conv2d", "tensordot over the windows", conv2d=_conv_tensordot),
    # pooling
    wrong("test_pooling", "ceil_mode ignored (always floor)", max_pool2d=_max(ignore_ceil=True), avg_pool2d=_avg(ignore_ceil=True)),
    wrong("test_pooling", "avg divides by k*k in ceil mode", avg_pool2d=_avg(divide_k2=True)),
    wrong("test_pooling", "pooled across channels", max_pool2d=_max(across_channels=True), avg_pool2d=_avg(across_channels=True)),
    wrong("test_pooling", "ceil mode pads with zeros before the max", max_pool2d=_max(zero_fill=True)),
    right("test_pooling", "sliding windows with -inf padding (course reference)", max_pool2d=ref.max_pool2d, avg_pool2d=ref.avg_pool2d),
    right("test_pooling", "torch.nn.functional", max_pool2d=_max_torch, avg_pool2d=_avg_torch),
]
