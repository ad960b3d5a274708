"""mlp widgets, W2.1 activations."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass

import ipywidgets as ipw
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ...plotting import PALETTE
from ...widgetkit import Explorer, TextLayer, freeze_static, title
from .. import plots
from ._common import ActivationPair, REFERENCE_ACTIVATIONS, _evaluate

__all__ = ["activation_explorer", "compute_activation_explorer", "render_activation_explorer",
           "ActivationExplorerState"]


# --------------------------------------------------------------------------- W2.1 activations
_DEPTHS = np.arange(1, 11)


@dataclass(frozen=True)
class ActivationExplorerState:
    """The state of :func:`activation_explorer`: what :func:`render_activation_explorer` draws."""

    name: str
    z: np.ndarray
    g: np.ndarray
    dg: np.ndarray
    z_max: float
    regions: list
    max_abs_grad: float
    argmax_z: float
    where_max: str
    max_grad_all: dict
    depth_bound: dict


def compute_activation_explorer(functions: Mapping[str, ActivationPair], name: str,
                                z_max: float) -> ActivationExplorerState:
    """g and g' of ``functions[name]`` on [-z_max, z_max], its flat regions and the bound
    (max |g'|)^L on how much L such layers can pass back of a gradient (for every function)."""
    z = np.linspace(-z_max, z_max, 401)                                          # (G,)
    g, dg = (_evaluate(f, z, f"{name}{tick}(z)") for f, tick in zip(functions[name], ("", "′")))
    wide = np.linspace(-20, 20, 4001)                                            # max |g'| over a wide range
    max_dg = {k: float(np.max(np.abs(_evaluate(pair[1], wide, f"{k}′(z)")))) for k, pair in functions.items()}
    top = np.flatnonzero(np.abs(dg) >= np.max(np.abs(dg)) * (1 - 1e-9))         # where |g'| is largest
    where = f"at z = {z[top[0]]:.2g}" if len(top) <= 3 else f"for z in [{z[top[0]]:.2g}, {z[top[-1]]:.2g}]"
    return ActivationExplorerState(
        name=name, z=z, g=g, dg=dg, z_max=z_max,
        regions=plots.saturated_regions(name, (-z_max, z_max), dg, z),
        max_abs_grad=float(np.abs(dg[top[0]])), argmax_z=float(z[top[0]]), where_max=where,
        max_grad_all=max_dg,
        depth_bound={n: m ** _DEPTHS for n, m in max_dg.items()})


def _layout_activation_explorer(fig: Figure) -> None:
    gs = fig.add_gridspec(1, 2, width_ratios=[1.6, 1], left=0.07, right=0.98, bottom=0.13, top=0.88, wspace=0.25)
    ax_g, ax_d = fig.add_subplot(gs[0, 0]), fig.add_subplot(gs[0, 1])
    ax_g.set_xlabel("z")
    ax_g.locator_params(nbins=5)           # every tick label costs ~0.5 ms per redraw
    fig.legend(handles=[Line2D([], [], color=PALETTE["blue"], lw=2.2, label="g(z)"),
                        Line2D([], [], color=PALETTE["orange"], lw=2.2, ls="--", label="g′(z)")],
               loc="lower left", bbox_to_anchor=(0.0, 0.0), ncol=2, fontsize=9, frameon=False)
    ax_d.set_yscale("log")
    ax_d.set(xlim=(0.6, 10.4), ylim=(1e-7, 3), xlabel="layers L", xticks=[1, 4, 7, 10])
    ax_d.set_yticks([1e-6, 1e-4, 1e-2, 1], ["10⁻⁶", "10⁻⁴", "0.01", "1"])
    ax_d.minorticks_off()
    ax_d.set_title("gradient through L layers ≤ (max |g′|)ᴸ", fontsize=10, y=1.0)
    freeze_static(fig, [ax_d.xaxis, ax_d.yaxis, ax_d.title])    # drawn once: they never change


def render_activation_explorer(state: ActivationExplorerState, fig: Figure) -> None:
    ax_g, ax_d = fig.axes
    plots.plot_activation(ax_g, state.z, state.g, state.dg, state.regions, name="g", legend=False)
    lo = min(float(np.min(state.g)), float(np.min(state.dg)), 0.0)
    hi = max(float(np.max(state.g)), float(np.max(state.dg)), 1.0)
    ax_g.set(xlim=(-state.z_max, state.z_max), ylim=(lo - 0.08 * (hi - lo), hi + 0.12 * (hi - lo)))
    title(ax_g, f"{state.name}: max |g′(z)| = {state.max_abs_grad:.4g} {state.where_max}", 12)
    groups: dict[float, list[str]] = {}                  # functions with the same bound share a label
    for name, bound in state.depth_bound.items():
        current = name == state.name
        ax_d.plot(_DEPTHS, np.maximum(bound, 1e-8), marker="o", ms=4 if current else 2, lw=2.5 if current else 1,
                  color=PALETTE["vermillion"] if current else "0.6", zorder=3 if current else 2)
        groups.setdefault(round(float(np.log10(max(bound[-1], 1e-8))), 1), []).append(name)
    labels = TextLayer().add_to(ax_d)
    for log_end, members in groups.items():
        current = state.name in members
        labels.add(9.8, 10 ** log_end / 2.2, ", ".join(members), ha="right", va="top", size=9, bold=current,
                   color=PALETTE["vermillion"] if current else "0.4")


def activation_explorer(functions: Mapping[str, ActivationPair] | None = None) -> Explorer:
    """W2.1: an activation g and its derivative g', with the regions where g' vanishes shaded.

    ``functions`` : name -> (g, g_prime), elementwise NumPy functions (yours); default the
    references sigmoid, tanh, relu, leaky_relu. Names containing sigmoid/tanh shade |z| > 4,
    relu z < 0; other names shade where |g'| < 5 % of its maximum.
    """
    functions = dict(functions or REFERENCE_ACTIVATIONS)
    controls = {"name": ipw.Dropdown(options=list(functions), value=next(iter(functions)), description="g"),
                "z_max": ipw.FloatSlider(6.0, min=1.0, max=20.0, step=0.5, description="z range ±")}
    return Explorer(controls, functools.partial(compute_activation_explorer, functions), render_activation_explorer,
                    layout=_layout_activation_explorer, figsize=(10, 3.8))
