"""Week 02 figures the widgets and the notebooks share: activations with their saturated regions,
decision boundaries and lines, loss curves, the lecture's 2-2-2 network (colours: see the package).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection

from ...plotting import PALETTE, REGION_CMAP, make_grid, plot_points, plot_probability_map
from ...widgetkit import TextLayer

__all__ = ["SATURATION_Z", "saturated_regions", "plot_activation", "make_grid", "plot_points",
           "plot_probability_map", "plot_decision_boundary", "plot_decision_line", "plot_loss_curve",
           "NODES_222", "EDGES_222", "plot_network_222"]

SATURATION_Z = 4.0   # |z| beyond which sigmoid and tanh count as saturated (σ' < 0.018, tanh' < 0.0014)
_SHADE = {"color": "0.5", "alpha": 0.15, "lw": 0}


# ------------------------------------------------------------------------------ activations
def saturated_regions(name: str, zlim: tuple[float, float], dg: np.ndarray | None = None,
                      z: np.ndarray | None = None) -> list[tuple[float, float, str]]:
    """Intervals (lo, hi, label) of ``zlim`` where an activation's gradient (nearly) vanishes.

    sigmoid / tanh: |z| > 4 ("saturated"); relu: z < 0 ("dead": gradient exactly 0);
    leaky_relu: z < 0 ("leaky": slope 0.01). Other names: where |dg| < 5 % of its maximum
    on the grid ``z`` (both needed), as the longest runs of such points.
    """
    lo, hi = zlim
    key = name.lower()
    if "leaky" in key:
        return [(lo, min(0.0, hi), "leaky: slope 0.01")] if lo < 0 else []
    if "relu" in key:
        return [(lo, min(0.0, hi), "dead: g′ = 0")] if lo < 0 else []
    if "sigmoid" in key or "tanh" in key:
        out = [(lo, -SATURATION_Z, "saturated")] if lo < -SATURATION_Z else []
        return out + ([(SATURATION_Z, hi, "saturated")] if hi > SATURATION_Z else [])
    if dg is None or z is None:
        return []
    small = np.abs(dg) < 0.05 * max(float(np.max(np.abs(dg))), 1e-300)          # (G,)
    edges = np.flatnonzero(np.diff(np.r_[0, small.astype(int), 0]))             # run starts/ends
    return [(float(z[a]), float(z[b - 1]), "flat") for a, b in zip(edges[::2], edges[1::2]) if b - a > 1]


def plot_activation(ax: Axes, z: np.ndarray, g: np.ndarray, dg: np.ndarray,
                    regions: Sequence[tuple[float, float, str]] = (), name: str = "g",
                    legend: bool = True) -> Axes:
    """g(z) (blue, solid) and g'(z) (orange, dashed) on the grid z (G,), with ``regions``
    (lo, hi, label) shaded grey and labelled at the top of the axes."""
    for lo, hi, label in regions:
        ax.axvspan(lo, hi, **_SHADE)
        ax.text((lo + hi) / 2, 0.97, label, transform=ax.get_xaxis_transform(), ha="center", va="top",
                fontsize=9, color="0.3")
    ax.axhline(0, color="0.6", lw=0.8)
    ax.plot(z, g, color=PALETTE["blue"], lw=2.2, label=f"{name}(z)")
    ax.plot(z, dg, color=PALETTE["orange"], lw=2.2, ls="--", label=f"{name}′(z)")
    if legend:
        ax.legend(loc="upper left", fontsize=9)
    return ax


# ------------------------------------------------------------------------------ 2-D classifiers
def plot_decision_boundary(ax: Axes, predict_proba: Callable[[np.ndarray], np.ndarray], X: np.ndarray,
                           y: np.ndarray, n: int = 100, pad: float = 0.5) -> Axes:
    """Evaluate ``predict_proba`` (G, 2) -> P(class 1) (G,) or (G, 1) on a grid around X (N, 2) and
    show it as an image (not contourf: one image is far cheaper to draw) with the points on top."""
    grid, extent = make_grid(X, n, pad)
    plot_probability_map(ax, np.asarray(predict_proba(grid)).reshape(-1), extent)
    plot_points(ax, X, y)
    ax.set(xlim=extent[:2], ylim=extent[2:])
    return ax


def plot_decision_line(ax: Axes, w: Sequence[float], w0: float, extent: Sequence[float],
                       arrow: bool = True) -> Axes:
    """The line w1 x1 + w2 x2 + w0 = 0 clipped to ``extent``; ``arrow`` draws w from the line's
    point nearest the centre (w points to the side predicted +1 / class 1)."""
    w1, w2 = float(w[0]), float(w[1])
    x0, x1, y0, y1 = extent
    if abs(w1) < 1e-12 and abs(w2) < 1e-12:
        return ax                                           # no line: everything is one class
    if abs(w2) >= abs(w1):
        xs = np.array([x0, x1])
        ys = -(w1 * xs + w0) / w2
    else:
        ys = np.array([y0, y1])
        xs = -(w2 * ys + w0) / w1
    ax.plot(xs, ys, color=PALETTE["black"], lw=2, zorder=2)
    if arrow:
        c = np.array([(x0 + x1) / 2, (y0 + y1) / 2])
        wv = np.array([w1, w2])
        p = c - (wv @ c + w0) / (wv @ wv) * wv              # projection of the centre on the line
        d = wv / np.linalg.norm(wv) * 0.12 * (x1 - x0)
        ax.annotate("", p + d, p, arrowprops={"arrowstyle": "->", "lw": 1.8, "color": PALETTE["black"]},
                    annotation_clip=False, zorder=4)
    ax.set(xlim=(x0, x1), ylim=(y0, y1))
    return ax


def plot_loss_curve(ax: Axes, losses: Sequence[float], color: str = PALETTE["blue"],
                    label: str | None = None) -> Axes:
    """Training loss against epochs 1..E."""
    losses = np.asarray(losses, dtype=float)
    ax.plot(np.arange(1, len(losses) + 1), losses, color=color, lw=1.8, label=label)
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    return ax


# ------------------------------------------------------------------------------ the 2-2-2 network
#: node -> (x, y) in the diagram's coordinates: inputs left, hidden middle, outputs right, biases below.
NODES_222 = {"i1": (0.0, 3.0), "i2": (0.0, 0.0), "h1": (4.0, 3.0), "h2": (4.0, 0.0),
             "o1": (8.0, 3.0), "o2": (8.0, 0.0), "b1": (2.0, -1.7), "b2": (6.0, -1.7)}
#: weight -> (from, to, where along the edge its label sits). w2 and w3 cross in the middle,
#: so their labels sit near their source ends; bias edges carry the shared b1 / b2.
EDGES_222 = {"w1": ("i1", "h1", 0.5), "w2": ("i2", "h1", 0.27), "w3": ("i1", "h2", 0.27),
             "w4": ("i2", "h2", 0.5), "w5": ("h1", "o1", 0.5), "w6": ("h2", "o1", 0.27),
             "w7": ("h1", "o2", 0.27), "w8": ("h2", "o2", 0.5)}
_BIAS_EDGES = (("b1", "h1"), ("b1", "h2"), ("b2", "o1"), ("b2", "o2"))
def plot_network_222(ax: Axes, weights: Mapping[str, float], values: Mapping[str, Sequence[float]] | None = None,
                     grads: Mapping[str, float] | None = None, new_weights: Mapping[str, float] | None = None,
                     x: Sequence[float] | None = None, target: Sequence[float] | None = None,
                     highlight: Collection[str] = (), fontsize: float = 12) -> Axes:
    """The lecture's 2-2-2 network: inputs i1, i2 | hidden h1, h2 | outputs o1, o2, biases b1, b2 below.

    Every edge is labelled with its weight; ``grads`` (name -> dJ/dname) adds the gradient
    (vermillion), ``new_weights`` the updated value (green). ``values`` (the forward cache:
    net_h, h, net_o, yhat) annotates each neuron with its net input and output; ``x`` and
    ``target`` label the inputs and the targets. ``highlight`` names edges / nodes to
    emphasise (thick orange). The axes is switched off and its limits fixed; all labels are
    one :class:`~dlcourse.widgetkit.TextLayer` (``ax.artists[-1]``, see ``.strings()``).
    """
    ax.set_axis_off()
    ax.set(xlim=(-1.9, 10.6), ylim=(-2.6, 4.3))
    highlight = set(highlight)
    hot = [k in highlight for k in EDGES_222]
    ax.add_collection(LineCollection([(NODES_222[a], NODES_222[b]) for a, b, _ in EDGES_222.values()],
                                     colors=[PALETTE["orange"] if h else "0.35" for h in hot],
                                     linewidths=[4 if h else 1.3 for h in hot], zorder=1))
    ax.add_collection(LineCollection([(NODES_222[a], NODES_222[b]) for a, b in _BIAS_EDGES],
                                     colors="0.55", linewidths=1.0, linestyles="--", zorder=1))
    names = list(NODES_222)
    xy = np.array([NODES_222[k] for k in names])                                # (8, 2)
    ax.scatter(xy[:, 0], xy[:, 1], s=1100, zorder=2,
               c=[PALETTE["sky"] if k[0] == "i" else "#EEEEEE" if k[0] == "b" else "white" for k in names],
               edgecolors=[PALETTE["orange"] if k in highlight else "k" for k in names],
               linewidths=[3.5 if k in highlight else 1.3 for k in names])
    text = TextLayer().add_to(ax)
    for k, (px, py) in NODES_222.items():
        text.add(px, py, k, size=fontsize + 2, bold=True)
    for name in [*EDGES_222, "b1", "b2"]:                          # weight, gradient, new value
        lines = [(f"{name} = {weights[name]:.4f}", "k")]
        if grads is not None:
            lines.append((f"∂J/∂{name} = {grads[name]:.6f}", PALETTE["vermillion"]))
        if new_weights is not None:
            lines.append((f"→ {new_weights[name]:.6f}", PALETTE["green"]))
        _stacked_labels(text, name, lines, fontsize)
    if x is not None:
        for k, v in zip(("i1", "i2"), x):
            text.add(NODES_222[k][0] - 0.55, NODES_222[k][1], f"{k} = {v:g}", size=fontsize + 1, ha="right")
    if values is not None:
        for j, k in enumerate(("h1", "h2")):
            px, py = NODES_222[k]
            text.add(px, py + (0.5 if py > 1 else -0.5), f"net = {values['net_h'][j]:.6f}\nout = {values['h'][j]:.6f}",
                     size=fontsize, va="bottom" if py > 1 else "top", box=True)
    for j, k in enumerate(("o1", "o2")):
        lines = []
        if values is not None:
            lines += [f"net = {values['net_o'][j]:.6f}", f"ŷ{j + 1} = {values['yhat'][j]:.6f}"]
        if target is not None:
            lines.append(f"target y{j + 1} = {target[j]:g}")
        if lines:
            text.add(NODES_222[k][0] + 0.55, NODES_222[k][1], "\n".join(lines), size=fontsize, ha="left")
    return ax


def _stacked_labels(text: TextLayer, name: str, lines: list[tuple[str, str]], fontsize: float) -> None:
    """A parameter's value (black), gradient (vermillion) and new value (green), one per line:
    above a top edge, below a bottom one, centred on a slanted edge, left of a bias node."""
    step = 0.3 * fontsize / 10                                                   # line spacing, data units
    if name in ("b1", "b2"):
        bx, by = NODES_222[name]
        x, y0, ha = bx - 0.5, by + (len(lines) - 1) / 2 * step, "right"
    else:
        a, b, t = EDGES_222[name]
        (xa, ya), (xb, yb) = NODES_222[a], NODES_222[b]
        x, y, ha = xa + t * (xb - xa), ya + t * (yb - ya), "center"
        if ya == yb and ya > 1:                                                  # top edge: stack above
            y0 = y + 0.3 + (len(lines) - 1) * step
        elif ya == yb:                                                           # bottom edge: below
            y0 = y - 0.3
        else:
            y0 = y + (len(lines) - 1) / 2 * step
    for k, (line, color) in enumerate(lines):
        text.add(x, y0 - k * step, line, color=color, size=fontsize, ha=ha, box=True)
