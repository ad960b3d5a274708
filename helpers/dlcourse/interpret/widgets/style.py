"""Notebook 2's style lab: style transfer for a grid of style weights and style layers.

The lecture's loss is ``L_total = alpha * L_style + beta * L_content``: **alpha weighs the
style** (Gatys et al. 2016 swap the letters). The builder runs :func:`..synthesis.style_transfer`
with the student's loss once per (alpha, style layers) pair of a small grid at build time
(15 runs of 60 Adam steps on 40x40 images, a few seconds at one thread; the time is shown), so
a control change only selects a stored run and redraws.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np
import torch
from matplotlib.figure import Figure

from ...data import photo
from ...plotting import PALETTE
from ...widgetkit import Explorer, freeze_static
from .. import plots
from .. import reference as ref
from ..synthesis import _gram_matrix, random_feature_net, style_transfer, texture_photo

__all__ = ["style_lab"]

STYLE_ALPHAS = (1e3, 1e4, 1e5, 1e6, 1e7)          # the lecture's alpha (style weight); beta = 1
STYLE_LAYERS = {"fine (3x3, 5x5)": (0, 1), "coarse (7x7, 11x11)": (2, 3), "all four": (0, 1, 2, 3)}
_KERNELS = (3, 5, 7, 11)                           # random_feature_net's scales, in order
_SIZE, _STEPS, _CONTENT_LAYER = 40, 60, 1


@dataclass(frozen=True)
class StyleState:
    content: np.ndarray                  # (H, W) the content image (the cat)
    style: np.ndarray                    # (H, W) the style image (gravel)
    image: np.ndarray                    # (H, W) the generated image
    alpha: float                         # the lecture's style weight
    beta: float                          # the lecture's content weight
    layers: str                          # name of the style-layer choice
    gram_targets: tuple                  # A^l (C, C) of the style image, one per chosen scale
    content_curve: tuple                 # unweighted L_content at every step
    style_curve: tuple                   # unweighted L_style at every step
    build_seconds: float                 # wall time of the whole grid at build


def style_grid(style_transfer_loss: Callable, content: np.ndarray, style: np.ndarray, net,
               alphas=STYLE_ALPHAS, layers: dict | None = None, beta: float = 1.0) -> tuple[dict, float]:
    """Run style transfer for every ``(alpha, layer name)``; returns ``({key: SynthesisResult}, seconds)``."""
    layers = layers or STYLE_LAYERS
    start = time.perf_counter()
    runs = {(float(a), name): style_transfer(content, style, alpha=float(a), beta=beta, steps=_STEPS,
                                             style_layers=scales, content_layer=_CONTENT_LAYER, seed=0,
                                             loss=style_transfer_loss, net=net)
            for name, scales in layers.items() for a in alphas}
    return runs, time.perf_counter() - start


def gram_targets(net, style: np.ndarray, scales) -> tuple:
    """The style image's Gram matrices ``A^l`` (normalised by H*W) of the chosen scales."""
    with torch.no_grad():
        feats = net(torch.as_tensor(style, dtype=torch.float32)[None, None])
    return tuple(_gram_matrix(feats[l], normalize=True).numpy() for l in scales)


def compute_style(runs: dict, targets: dict, content: np.ndarray, style: np.ndarray, build_seconds: float,
                  alpha: float, layers: str, beta: float = 1.0) -> StyleState:
    """Select the stored run for ``(alpha, layers)``."""
    run = runs[(float(alpha), layers)]
    return StyleState(content, style, run.image, float(alpha), float(beta), layers, targets[layers],
                      run.content_losses, run.style_losses, build_seconds)


def _curve_limits(runs: dict) -> tuple[tuple[float, float], tuple[float, float]]:
    """Fixed y limits for every run (so the axes and their tick labels are drawn once)."""
    c_max = max(max(r.content_losses) for r in runs.values())
    s_lo = min(min(r.style_losses) for r in runs.values())
    s_hi = max(max(r.style_losses) for r in runs.values())
    return (-0.03 * c_max, 1.05 * c_max), (s_lo / 1.5, s_hi * 1.5)


def _layout_style(fig: Figure, build_seconds: float, limits: tuple) -> None:
    axes = fig.subplots(1, 6, gridspec_kw={"width_ratios": [1, 1, 1, 1.5, 0.3, 1.9]})
    fig.subplots_adjust(left=0.01, right=0.9, bottom=0.17, top=0.8, wspace=0.12)
    fig.delaxes(axes[4])                                                 # a gap for the curves' y label
    for ax in axes[:4]:
        ax.set(xticks=[], yticks=[])
        ax.grid(False)
    ax_c = axes[5]
    ax_s = ax_c.twinx()
    ax_c.set_xlabel("Adam step", fontsize=9)
    ax_c.set_ylabel(r"$\mathcal{L}_{content}$", color=PALETTE["blue"], fontsize=10)
    ax_s.set_ylabel(r"$\mathcal{L}_{style}$ (log scale)", color=PALETTE["orange"], fontsize=10)
    ax_s.set_yscale("log")
    ax_s.grid(False)
    ax_c.set_xlim(-1, _STEPS)
    ax_c.set_ylim(*limits[0])
    ax_s.set_ylim(*limits[1])
    fig.suptitle(r"$\mathcal{L}_{total} = \alpha\,\mathcal{L}_{style} + \beta\,\mathcal{L}_{content}$ "
                 f"(the lecture's letters; Gatys et al. swap them) · {len(STYLE_ALPHAS) * len(STYLE_LAYERS)} "
                 f"runs of {_STEPS} steps made at build in {build_seconds:.1f} s", fontsize=10)
    axes[0].set_title("content (weight β)", fontsize=10, y=1.0)
    axes[1].set_title("style (weight α)", fontsize=10, y=1.0)
    freeze_static(fig, [ax.xaxis for ax in fig.axes] + [ax.yaxis for ax in fig.axes] + [axes[0].title, axes[1].title])


def render_style(state: StyleState, fig: Figure) -> None:
    ax_content, ax_style, ax_out, ax_gram, ax_c, ax_s = fig.axes
    for ax, img in ((ax_content, state.content), (ax_style, state.style), (ax_out, state.image)):
        ax.imshow(img, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    ax_out.set_title(f"result: α = 1e{np.log10(state.alpha):.0f}, β = {state.beta:g}", fontsize=10, y=1.0)
    n = len(state.gram_targets)
    ax_gram.imshow(plots.montage(np.stack(state.gram_targets), ncols=n, pad=3, per_tile=True), cmap="magma",
                   interpolation="nearest")
    ax_gram.set_title(f"style targets Aˡ ({n} Gram matrices)\n{state.layers}", fontsize=9, y=1.0)
    steps = np.arange(len(state.content_curve))
    ax_c.plot(steps, state.content_curve, color=PALETTE["blue"])
    ax_s.plot(steps, state.style_curve, color=PALETTE["orange"])
    ax_c.set_title(f"end: content {state.content_curve[-1]:.1f}, style {state.style_curve[-1]:.1e}", fontsize=9, y=1.0)


def style_lab(style_transfer_loss: Callable | None = None, style: str = "gravel", content: str = "chelsea") -> Explorer:
    """Style transfer of a bundled texture onto a photo with your ``style_transfer_loss``, for the
    lecture's style weight alpha in 10^3 ... 10^7 (beta = 1) and three choices of style scales of
    the random feature net (content: the 5x5 features). All 15 runs are made at build."""
    style_transfer_loss = style_transfer_loss or ref.style_transfer_loss
    content_img, style_img = photo(content, size=_SIZE), texture_photo(style, size=_SIZE)
    net = random_feature_net(seed=0)
    runs, seconds = style_grid(style_transfer_loss, content_img, style_img, net)
    limits = _curve_limits(runs)
    targets = {name: gram_targets(net, style_img, scales) for name, scales in STYLE_LAYERS.items()}
    controls = {"alpha": widgets.SelectionSlider(options=[(f"1e{int(np.log10(a))}", a) for a in STYLE_ALPHAS],
                                                 value=1e5, description="alpha (style)"),
                "layers": widgets.ToggleButtons(options=list(STYLE_LAYERS), value="all four",
                                                description="style layers")}
    return Explorer(controls, lambda **p: compute_style(runs, targets, content_img, style_img, seconds, **p),
                    render_style, layout=lambda fig: _layout_style(fig, seconds, limits), figsize=(12, 3.2),
                    title="<b>Style lab</b>: the lecture's alpha weighs the <i>style</i> loss, beta = 1 the "
                          "<i>content</i> loss; choose which filter scales define the style")
