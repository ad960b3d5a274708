"""Optimising the input: activation maximisation, feature inversion, Gram textures, style transfer.

All optimise an image tensor with torch autograd; the network's weights never change.

* activation maximisation (the lecture): ``X* = argmax_X  Phi_i(X) - lambda ||X||^2`` by gradient
  **ascent**, with Yosinski et al.'s periodic Gaussian blur and clipping of small pixels;
* feature inversion: ``X* = argmin_X ||Phi(X) - Phi(X0)||^2 + lambda R_TV(X)``;
* texture synthesis (Gatys et al. 2015): match the Gram matrices ``G_ij = sum_k F_ik F_jk`` of
  several layers; style transfer (Gatys et al. 2016) adds a content term.

No pretrained network exists offline, so textures and styles use the features of a fixed
****random** one-layer CNN with filters of several sizes (:func:`random_feature_net`): random filters give usable
Gram statistics for textures (Ustyuzhaninov et al., ICLR 2017; beyond the lecture). A digit
classifier would not: its filters only know strokes on a black background.

Graded pieces are private: ``_activation_maximization``, ``_tv_loss``, ``_gram_matrix``,
``_style_transfer_loss``. The lecture's total loss is ``alpha * L_style + beta * L_content``
(Gatys et al. write ``alpha * L_content + beta * L_style``: the letters are swapped).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

__all__ = ["random_feature_net", "texture_photo", "TEXTURES", "SynthesisResult", "synthesize_texture",
           "style_transfer", "invert_features", "class_unit"]

TEXTURES = ("brick", "grass", "gravel")


# ------------------------------------------------------------------ activation maximisation (E8.4)
def _blur(x: torch.Tensor, sigma: float) -> torch.Tensor:
    from scipy.ndimage import gaussian_filter

    arr = x.detach().numpy()
    sig = [0.0] * (arr.ndim - 2) + [sigma, sigma]                        # blur the last two (spatial) axes
    return torch.as_tensor(gaussian_filter(arr, sig), dtype=x.dtype)


def _clip_small(x: torch.Tensor, pct: float) -> torch.Tensor:
    cut = np.percentile(x.detach().abs().numpy(), pct)
    return torch.where(x.abs() < cut, torch.zeros_like(x), x)


def _activation_maximization(f: Callable[[torch.Tensor], torch.Tensor], shape: Sequence[int], *, steps: int,
                             lr: float, l2: float = 0.0, every: int = 0, blur_sigma: float = 0.0,
                             clip_pct: float = 0.0, seed: int = 0) -> tuple[torch.Tensor, list[float]]:
    """Gradient ascent on ``f(x) - l2 * ||x||^2`` from small seeded noise; every ``every`` steps blur
    (``blur_sigma`` > 0) and zero the ``clip_pct`` % smallest |pixels| (``clip_pct`` > 0)."""
    gen = torch.Generator().manual_seed(seed)
    x = 0.01 * torch.randn(tuple(shape), generator=gen, dtype=torch.float64)
    history = []
    for step in range(steps):
        x = x.detach().requires_grad_(True)
        objective = f(x) - l2 * (x ** 2).sum()
        (grad,) = torch.autograd.grad(objective, x)
        history.append(float(objective.detach()))
        x = (x + lr * grad).detach()                                     # ascent: plus
        if every and (step + 1) % every == 0:
            if blur_sigma > 0:
                x = _blur(x, blur_sigma)
            if clip_pct > 0:
                x = _clip_small(x, clip_pct)
    return x.detach(), history


def class_unit(model: nn.Module, c: int) -> Callable[[torch.Tensor], torch.Tensor]:
    """``x (1, C, H, W) -> S_c(x)``, the class-c pre-softmax score of ``model`` (float64 inputs ok)."""
    def f(x: torch.Tensor) -> torch.Tensor:
        return model(x.to(next(model.parameters()).dtype))[0, c]
    return f


# ------------------------------------------------------------------ regularisers and losses (E8.5, E8.6)
def _tv_loss(x: torch.Tensor, beta: float = 2.0) -> torch.Tensor:
    """Total variation ``sum_{i<=H-2, j<=W-2} ((x[i,j+1]-x[i,j])^2 + (x[i+1,j]-x[i,j])^2)^(beta/2)``,
    summed over any leading axes of ``x (..., H, W)``."""
    dh = x[..., :-1, 1:] - x[..., :-1, :-1]                              # (..., H-1, W-1) right neighbour
    dv = x[..., 1:, :-1] - x[..., :-1, :-1]                              # (..., H-1, W-1) lower neighbour
    sq = dh ** 2 + dv ** 2
    if beta == 2:
        return sq.sum()
    positive = sq > 0                                                    # x ** (beta/2) has no gradient at 0
    return (torch.where(positive, sq, torch.ones_like(sq)) ** (beta / 2) * positive).sum()


def _gram_matrix(F: torch.Tensor, normalize: bool = False) -> torch.Tensor:
    """``G = F~ F~^T`` with ``F~ = F.reshape(C, H*W)``; divided by ``H*W`` when ``normalize``."""
    C, H, W = F.shape
    flat = F.reshape(C, H * W)                                           # (C, M): one row per feature map
    G = flat @ flat.T                                                    # (C, C): sum over positions
    return G / (H * W) if normalize else G


def _style_transfer_loss(F, P, grams, style_grams, alpha: float, beta: float):
    """The lecture's ``alpha * L_style + beta * L_content`` with squared-error sums."""
    content = ((F - P) ** 2).sum()
    style = sum(((G - A) ** 2).sum() for G, A in zip(grams, style_grams))
    return alpha * style + beta * content


# ------------------------------------------------------------------ a random multi-scale feature net
class _RandomFeatures(nn.Module):
    """One layer of fixed random filters at several sizes, applied side by side to ``x - 0.5``.

    Each filter is zero-mean (it ignores the brightness) and has unit norm; its output goes
    through a ReLU. Scale ``l`` is the bank of ``kernel_sizes[l]``-pixel filters, so a list of
    Gram matrices, one per scale, describes the texture at several sizes at once.
    """

    def __init__(self, kernel_sizes: Sequence[int], n_filters: int, seed: int):
        super().__init__()
        gen = torch.Generator().manual_seed(seed)
        for k in kernel_sizes:
            w = torch.randn(n_filters, 1, k, k, generator=gen)
            w = w - w.mean(dim=(2, 3), keepdim=True)                     # zero mean per filter
            self.register_buffer(f"w{k}", w / w.flatten(1).norm(dim=1)[:, None, None, None])
        self.kernel_sizes = tuple(kernel_sizes)

    def forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        x = x - 0.5                                                      # (1, 1, H, W), centred
        return [torch.relu(nn.functional.conv2d(x, getattr(self, f"w{k}")))[0]   # (n, H-k+1, W-k+1)
                for k in self.kernel_sizes]


def random_feature_net(seed: int = 0, kernel_sizes: Sequence[int] = (3, 5, 7, 11), n_filters: int = 32) -> nn.Module:
    """A fixed random feature extractor: ``x (1, 1, H, W) -> [F_l (n_filters, H_l, W_l)]``, one
    feature bank per kernel size (random zero-mean unit-norm filters, ReLU, no training)."""
    return _RandomFeatures(kernel_sizes, n_filters, seed).eval()


def texture_photo(name: str = "brick", size: int = 48, crop: int = 128) -> np.ndarray:
    """A ``crop`` x ``crop`` corner of a bundled scikit-image texture, resized to ``size``, in [0, 1]."""
    if name not in TEXTURES:
        raise ValueError(f"unknown texture {name!r}; choose one of {TEXTURES}")
    import skimage.data
    from skimage.transform import resize

    img = getattr(skimage.data, name)()[:crop, :crop] / 255.0
    return np.clip(resize(img, (size, size), anti_aliasing=True), 0, 1)


@dataclass(frozen=True)
class SynthesisResult:
    """An optimised image ``(H, W)`` in [0, 1] with its loss after every step and the wall time;
    style transfer also records the unweighted ``L_content`` and ``L_style`` of every step."""

    image: np.ndarray
    losses: tuple[float, ...]
    seconds: float
    content_losses: tuple[float, ...] = ()
    style_losses: tuple[float, ...] = ()


def _optimise(loss_fn: Callable[[torch.Tensor], torch.Tensor], x0: torch.Tensor, steps: int, lr: float,
              box: bool = True) -> SynthesisResult:
    start = time.perf_counter()
    x = x0.clone().requires_grad_(True)
    opt = torch.optim.Adam([x], lr=lr)
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = loss_fn(x)
        loss.backward()
        opt.step()
        if box:
            with torch.no_grad():
                x.clamp_(0, 1)
        losses.append(float(loss.detach()))
    return SynthesisResult(x.detach()[0, 0].numpy().copy(), tuple(losses), time.perf_counter() - start)


def synthesize_texture(style_img: np.ndarray, *, steps: int = 80, lr: float = 0.04, layers: Sequence[int] = (0, 1, 2, 3),
                       seed: int = 0, gram: Callable | None = None, net: nn.Module | None = None) -> SynthesisResult:
    """Texture synthesis: from seeded noise, minimise ``sum_l ||G_l(x) - A_l||^2 / ||A_l||^2`` over the
    chosen scales of :func:`random_feature_net`, where ``A_l = G_l(style)`` (Gram matrices normalised
    by H*W, computed by ``gram``; each scale's error relative to its target, so all scales count)."""
    gram = gram or _gram_matrix
    net = net or random_feature_net(seed)
    with torch.no_grad():
        targets = [gram(F, normalize=True) for F in net(torch.as_tensor(style_img, dtype=torch.float32)[None, None])]
    gen = torch.Generator().manual_seed(seed)
    x0 = 0.5 + 0.1 * torch.randn((1, 1, *style_img.shape), generator=gen)

    def loss_fn(x):
        feats = net(x)
        return sum(((gram(feats[l], normalize=True) - targets[l]) ** 2).sum() / (targets[l] ** 2).sum() for l in layers)
    return _optimise(loss_fn, x0, steps, lr)


def style_transfer(content_img: np.ndarray, style_img: np.ndarray, *, alpha: float, beta: float, steps: int = 80,
                   lr: float = 0.05, style_layers: Sequence[int] = (0, 1, 2, 3), content_layer: int = 1, seed: int = 0,
                   loss: Callable | None = None, net: nn.Module | None = None) -> SynthesisResult:
    """Style transfer with the lecture's ``alpha * L_style + beta * L_content`` (``loss`` =
    ``(F, P, grams, style_grams, alpha, beta) -> scalar``), from the content image. Content: the
    features of scale ``content_layer``; style: the Gram matrices (normalised by H*W) of the
    scales ``style_layers``. The result records both unweighted terms at every step."""
    loss = loss or _style_transfer_loss
    net = net or random_feature_net(seed)
    as_t = lambda a: torch.as_tensor(a, dtype=torch.float32)[None, None]   # noqa: E731
    with torch.no_grad():
        P = net(as_t(content_img))[content_layer]
        A = [_gram_matrix(F, normalize=True) for i, F in enumerate(net(as_t(style_img))) if i in style_layers]

    content_losses, style_losses = [], []

    def loss_fn(x):
        feats = net(x)
        G = [_gram_matrix(F, normalize=True) for i, F in enumerate(feats) if i in style_layers]
        with torch.no_grad():                                            # the two terms, for the curves
            content_losses.append(float(((feats[content_layer] - P) ** 2).sum()))
            style_losses.append(float(sum(((g - a) ** 2).sum() for g, a in zip(G, A))))
        return loss(feats[content_layer], P, G, A, alpha, beta)
    result = _optimise(loss_fn, as_t(content_img), steps, lr)
    return dataclasses.replace(result, content_losses=tuple(content_losses), style_losses=tuple(style_losses))


def invert_features(model: nn.Sequential, layer: str, x0, *, tv_weight: float, steps: int = 200, lr: float = 0.05,
                    beta: float = 2.0, tv: Callable | None = None, seed: int = 0) -> SynthesisResult:
    """Feature inversion: from seeded noise, minimise ``||Phi(x) - Phi(x0)||^2 + tv_weight * R_TV(x)``
    where Phi is the output of ``layer`` of ``model`` (the children up to and including it)."""
    tv = tv or _tv_loss
    names = [n for n, _ in model.named_children()]
    phi = model[:names.index(layer) + 1]
    x0 = torch.as_tensor(np.asarray(x0), dtype=torch.float32).reshape(1, 1, *np.shape(x0)[-2:])
    with torch.no_grad():
        target = phi(x0)
    gen = torch.Generator().manual_seed(seed)
    start = 0.5 + 0.1 * torch.randn(x0.shape, generator=gen)

    def loss_fn(x):
        return ((phi(x) - target) ** 2).sum() + tv_weight * tv(x[0, 0], beta)
    return _optimise(loss_fn, start, steps, lr)
