"""Small pieces around GANs: mode counting, latent interpolation, AdaIN, receptive fields,
and the image-to-image losses (pix2pix, CycleGAN) - NumPy or torch, one screen each."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

__all__ = ["PIX2PIX_70", "receptive_field_box", "brute_force_receptive_field"]

#: The pix2pix 70x70 PatchGAN discriminator (Isola et al. 2017): kernels and strides of its 5 convolutions.
PIX2PIX_70 = {"kernels": (4, 4, 4, 4, 4), "strides": (2, 2, 2, 1, 1)}


def _count_modes(samples: np.ndarray, centers: np.ndarray, radius: float = 0.5, min_frac: float = 0.01) -> int:
    """Number of centres with at least ``min_frac`` of all samples within ``radius`` of them."""
    d = np.linalg.norm(samples[:, None, :] - centers[None, :, :], axis=2)          # (N, K)
    return int(((d < radius).mean(axis=0) >= min_frac).sum())


def _interpolate(z0, z1, n: int):
    """``n`` points from z0 to z1 on the straight line, both ends included: (n, *z0.shape)."""
    t = np.linspace(0.0, 1.0, n).reshape(-1, *([1] * np.ndim(z0)))
    return (1 - t) * np.asarray(z0) + t * np.asarray(z1)


def _adain(x, y_s, y_b, eps: float = 1e-5):
    """AdaIN(x, y) = y_s * (x - mu(x)) / sigma(x) + y_b per sample and channel (torch, NCHW)."""
    mu = x.mean(dim=(2, 3), keepdim=True)                                           # (N, C, 1, 1)
    var = x.var(dim=(2, 3), keepdim=True, unbiased=False)                           # population variance
    return y_s[:, :, None, None] * (x - mu) / (var + eps).sqrt() + y_b[:, :, None, None]


def _receptive_field(kernels: Sequence[int], strides: Sequence[int]) -> int:
    """Receptive field of one output unit of a stack of convolutions (no dilation)."""
    rf, jump = 1, 1
    for k, s in zip(kernels, strides):
        rf += (k - 1) * jump                                                        # grow by (k-1) input steps
        jump *= s                                                                   # distance between units
    return rf


def receptive_field_box(kernels: Sequence[int], strides: Sequence[int], paddings: Sequence[int],
                        index: int, rf_fn: Callable | None = None) -> tuple[int, int]:
    """(first, last) input pixel seen by output unit ``index`` along one axis (may fall outside the
    image, into the padding). Uses ``rf_fn(kernels, strides)`` for the size (default: the reference)."""
    jump, start = 1, 0.0
    for k, s, p in zip(kernels, strides, paddings):
        start -= p * jump
        jump *= s
    size = (rf_fn or _receptive_field)(list(kernels), list(strides))
    first = int(start + index * jump)
    return first, first + int(size) - 1


def brute_force_receptive_field(kernels: Sequence[int], strides: Sequence[int], size: int = 128) -> int:
    """The receptive field measured with autograd: how many input pixels move the centre output (torch)."""
    import torch
    import torch.nn.functional as F

    x = torch.zeros(1, 1, size, size, requires_grad=True)
    h = x
    for k, s in zip(kernels, strides):
        h = F.conv2d(h, torch.ones(1, 1, k, k), stride=s)
    h[0, 0, h.shape[2] // 2, h.shape[3] // 2].backward()
    rows = torch.nonzero(x.grad[0, 0].abs().sum(dim=1)).flatten()
    return int(rows.max() - rows.min() + 1)


def _pix2pix_g_loss(d_fake_logits, fake, target, lam: float = 100.0):
    """pix2pix generator loss: BCE-with-logits of D on the fakes against 1, plus lam * mean |target - fake|."""
    import torch.nn.functional as F

    return F.softplus(-d_fake_logits).mean() + lam * (target - fake).abs().mean()


def _cycle_loss(x, y, G: Callable, F_: Callable):
    """CycleGAN's cycle-consistency loss: mean |F(G(x)) - x| + mean |G(F(y)) - y|."""
    return (F_(G(x)) - x).abs().mean() + (G(F_(y)) - y).abs().mean()
