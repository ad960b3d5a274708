"""Convolution and pooling in NumPy (float64, NCHW, torch's weight layout (C_out, C_in, kh, kw)).

Graded in the Week 03 notebooks, hence the private names. Like every deep-learning framework,
"convolution" here is **cross-correlation**: the kernel slides over the input unflipped,
y[n, k, i, j] = b[k] + sum_{c, u, v} x[n, c, i*S + u, j*S + v] * w[k, c, u, v]. The
mathematical convolution flips the kernel first (:func:`_flip_kernel`); learned filters do not
care, so nets skip the flip.

Output sizes follow the lecture, W2 = (W1 - F + 2P)/S + 1. :func:`_conv_output_size` insists
that the filter tiles the padded input exactly (as the lecture's formula assumes); the layers
themselves floor like torch, so any stride is accepted. Pooling takes no padding here
(the lecture never pads when pooling); ``ceil_mode=True`` keeps the partial last window, as
``torch.nn.functional.max_pool2d(ceil_mode=True)`` does (the lecture's 7 -> 4).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

__all__: list[str] = []


def _conv_output_size(W: int, F: int, S: int = 1, P: int = 0, ceil: bool = False) -> int:
    """Output width (W - F + 2P)/S + 1 of a conv/pool layer: the lecture's formula.

    Raises ``ValueError`` when the filter does not fit, or when it does not tile the padded
    input exactly ((W - F + 2P) not divisible by S) and ``ceil`` is False. With ``ceil`` a
    partial last window is kept (torch's ceil_mode: it must start inside the input or the
    left padding). Example: W=36, F=11, S=1, P=0 -> 26; pooling W=7, F=2, S=2, ceil -> 4.
    """
    span = W - F + 2 * P
    if F < 1 or S < 1 or P < 0:
        raise ValueError(f"need F >= 1, S >= 1, P >= 0; got F={F}, S={S}, P={P}")
    if span < 0:
        raise ValueError(f"the {F}-wide filter does not fit a {W}-wide input with padding {P}")
    if not ceil:
        if span % S:
            raise ValueError(f"(W - F + 2P) / S = ({W} - {F} + 2*{P}) / {S} = {span}/{S} is not an integer: "
                             f"the filter does not tile the input; change P or S (or use ceil mode)")
        return span // S + 1
    out = math.ceil(span / S) + 1
    if (out - 1) * S >= W + P:                       # last window would start in the right padding
        out -= 1
    return out


def _conv_param_count(F: int, C_in: int, K: int, bias: bool = True) -> int:
    """Learned parameters of a conv layer with K filters of F x F x C_in: K*F*F*C_in (+ K biases).

    Example: F=11, C_in=3, K=9 -> 9*11*11*3 + 9 = 3,276 (the slide prints 3,267).
    """
    return K * F * F * C_in + (K if bias else 0)


def _pool_output_size(W: int, k: int, S: int, ceil_mode: bool = False) -> int:
    """Pooling output width like torch (no padding): floor((W - k)/S) + 1, or ceil in ceil mode."""
    if k > W:
        raise ValueError(f"pooling window {k} is larger than the input {W}")
    return _conv_output_size(W, k, S, 0, ceil=True) if ceil_mode else (W - k) // S + 1


def _flip_kernel(w: np.ndarray) -> np.ndarray:
    """Rotate kernels by 180 degrees over the last two axes: convolution = correlation with this."""
    return np.flip(w, axis=(-2, -1))


def _pad(x: np.ndarray, P: int) -> np.ndarray:
    """Zero-pad the two spatial axes of (N, C, H, W) by P on every side."""
    return np.pad(x, ((0, 0), (0, 0), (P, P), (P, P))) if P else x


def _conv2d_naive(x: np.ndarray, w: np.ndarray, b: np.ndarray | None = None,
                  stride: int = 1, padding: int = 0) -> np.ndarray:
    """Cross-correlation with explicit loops (for reading; slow). Same contract as :func:`_conv2d`."""
    N, C, H, W = x.shape
    K, _, kh, kw = w.shape
    xp = _pad(np.asarray(x, dtype=float), padding)                  # (N, C, H+2P, W+2P)
    Ho, Wo = (H + 2 * padding - kh) // stride + 1, (W + 2 * padding - kw) // stride + 1
    out = np.zeros((N, K, Ho, Wo))
    for n in range(N):
        for k in range(K):
            for i in range(Ho):
                for j in range(Wo):
                    patch = xp[n, :, i * stride:i * stride + kh, j * stride:j * stride + kw]  # (C, kh, kw)
                    out[n, k, i, j] = np.sum(patch * w[k]) + (0.0 if b is None else b[k])
    return out


def _windows(xp: np.ndarray, kh: int, kw: int, stride: int) -> np.ndarray:
    """All (kh, kw) windows of padded (N, C, Hp, Wp) at the given stride: (N, C, Ho, Wo, kh, kw), a view."""
    return sliding_window_view(xp, (kh, kw), axis=(2, 3))[:, :, ::stride, ::stride]


def _conv2d(x: np.ndarray, w: np.ndarray, b: np.ndarray | None = None,
            stride: int = 1, padding: int = 0) -> np.ndarray:
    """2-D cross-correlation, vectorised (im2col as a strided view + one einsum).

    x : (N, C, H, W); w : (K, C, kh, kw) (torch's layout); b : (K,) or None.
    Returns (N, K, Ho, Wo) with Ho = floor((H + 2P - kh)/S) + 1 (torch floors the same way).
    """
    xp = _pad(np.asarray(x, dtype=float), padding)                  # (N, C, Hp, Wp)
    cols = _windows(xp, w.shape[2], w.shape[3], stride)             # (N, C, Ho, Wo, kh, kw)
    out = np.einsum("nchwuv,kcuv->nkhw", cols, w, optimize=True)    # (N, K, Ho, Wo)
    return out if b is None else out + np.asarray(b)[None, :, None, None]


def _conv2d_backward(dout: np.ndarray, x: np.ndarray, w: np.ndarray, stride: int = 1,
                     padding: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of a scalar loss through :func:`_conv2d`, given dL/dy = ``dout`` (N, K, Ho, Wo).

    db[k] = sum of dout over n, i, j; dw[k, c, u, v] = sum dout[n, k, i, j] * x_pad[n, c, iS+u, jS+v];
    dx: every output position sends dout * w back to the input window it read (scatter-add),
    then the padding is cropped. Returns (dx (N, C, H, W), dw (K, C, kh, kw), db (K,)).
    """
    K, C, kh, kw = w.shape
    _, _, Ho, Wo = dout.shape
    xp = _pad(np.asarray(x, dtype=float), padding)                  # (N, C, Hp, Wp)
    db = dout.sum(axis=(0, 2, 3))                                   # (K,)
    dw = np.einsum("nkhw,nchwuv->kcuv", dout, _windows(xp, kh, kw, stride), optimize=True)
    dxp = np.zeros_like(xp)
    for u in range(kh):                                             # kernel offsets, not positions
        for v in range(kw):
            dxp[:, :, u:u + stride * Ho:stride, v:v + stride * Wo:stride] += \
                np.einsum("nkhw,kc->nchw", dout, w[:, :, u, v])     # (N, C, Ho, Wo)
    H, W = x.shape[2], x.shape[3]
    return dxp[:, :, padding:padding + H, padding:padding + W], dw, db


def _pool_windows(x: np.ndarray, k: int, stride: int, ceil_mode: bool, fill: float) -> np.ndarray:
    """(N, C, Ho, Wo, k, k) windows; in ceil mode the partial windows are padded with ``fill``."""
    N, C, H, W = x.shape
    Ho, Wo = _pool_output_size(H, k, stride, ceil_mode), _pool_output_size(W, k, stride, ceil_mode)
    ph, pw = max(0, (Ho - 1) * stride + k - H), max(0, (Wo - 1) * stride + k - W)
    xp = np.pad(np.asarray(x, dtype=float), ((0, 0), (0, 0), (0, ph), (0, pw)), constant_values=fill)
    return _windows(xp, k, k, stride)[:, :, :Ho, :Wo]


def _max_pool2d(x: np.ndarray, k: int = 2, stride: int = 2, ceil_mode: bool = False) -> np.ndarray:
    """Max over each k x k window, per channel; no padding. (N, C, H, W) -> (N, C, Ho, Wo)."""
    return _pool_windows(x, k, stride, ceil_mode, -np.inf).max(axis=(-2, -1))


def _avg_pool2d(x: np.ndarray, k: int = 2, stride: int = 2, ceil_mode: bool = False) -> np.ndarray:
    """Mean over each k x k window, per channel; no padding. (N, C, H, W) -> (N, C, Ho, Wo).

    In ceil mode a partial window at the border is averaged over the pixels it covers,
    which is what torch's avg_pool2d does when padding = 0.
    """
    sums = _pool_windows(x, k, stride, ceil_mode, 0.0).sum(axis=(-2, -1))
    counts = _pool_windows(np.ones((1, 1) + np.shape(x)[2:]), k, stride, ceil_mode, 0.0).sum(axis=(-2, -1))
    return sums / counts


def _xo_filter_map(image: np.ndarray, filt: np.ndarray) -> np.ndarray:
    """The lecture's "filtering": slide ``filt`` (F, F) over ``image`` (H, W), multiply and **average**.

    Valid positions, stride 1: y = (x_1 h_1 + ... + x_9 h_9) / 9 for a 3 x 3 filter, so a
    perfect match of a +-1 patch gives 1. Returns (H - F + 1, W - F + 1).
    """
    filt = np.asarray(filt, dtype=float)
    return _conv2d(np.asarray(image, dtype=float)[None, None], filt[None, None])[0, 0] / filt.size
