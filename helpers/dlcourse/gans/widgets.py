"""Week 07 widgets: the 1-D GAN stepper, the ring mode-collapse lab, latent interpolation in the
conditional GAN, and the PatchGAN receptive-field overlay.

Same pattern as every course widget: ``compute_*`` turns control values (and precomputed
snapshots) into a small frozen dataclass, ``render_*(state, fig)`` draws it, and an
:class:`~dlcourse.widgetkit.Explorer` binds them. Builders take the students' functions
(default: the private references). Training happens when a builder is called or behind a
button; a control change only selects and redraws.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np
import torch
from matplotlib.figure import Figure

from ..data.generative import mixture_1d_density, ring_centers
from ..data.images import photo
from ..plotting import PALETTE
from ..widgetkit import Explorer
from . import plots
from .tools import PIX2PIX_70, receptive_field_box
from .training import mixture_setup, train_cgan, train_ring
from . import reference as ref

__all__ = ["gan1d_stepper", "ring_lab", "latent_interpolation", "adain_style", "receptive_field_overlay"]


# --------------------------------------------------------------------------- W7.1 1-D GAN stepper
_G1_EVERY, _G1_STEPS = 25, 600
_G1_X = np.linspace(-5, 5, 201)
_G1_BINS = np.linspace(-5, 5, 61)


@dataclass(frozen=True)
class Gan1dState:
    iteration: int
    fake_density: np.ndarray      # (60,) histogram of G(z) as a density
    d_prob: np.ndarray            # (201,) D(x) on the grid
    d_loss: np.ndarray            # (iteration,) losses so far
    g_loss: np.ndarray


def _train_gan1d(d_step: Callable, g_step: Callable, seed: int = 0) -> tuple[list, dict]:
    s = mixture_setup(seed)
    z = torch.randn(2000, 1, generator=torch.Generator().manual_seed(99))
    xg = torch.from_numpy(_G1_X.astype(np.float32))[:, None]

    def snap():
        with torch.no_grad():
            fake = s.G(z).numpy().ravel()
            return (np.histogram(fake, _G1_BINS, density=True)[0], torch.sigmoid(s.D(xg)).numpy().ravel())

    snaps, history = [snap()], {"d_loss": [], "g_loss": []}
    for _ in range(_G1_STEPS // _G1_EVERY):
        part = ref.train_gan(s.G, s.D, s.opt_g, s.opt_d, s.sample_real, s.sample_z, _G1_EVERY, d_step=d_step,
                          g_step=g_step)
        history["d_loss"] += part["d_loss"]
        history["g_loss"] += part["g_loss"]
        snaps.append(snap())
    return snaps, history


def compute_gan1d(snaps: list, history: dict, iteration: int) -> Gan1dState:
    """Select the snapshot at ``iteration`` (a multiple of 25)."""
    k = min(int(iteration) // _G1_EVERY, len(snaps) - 1)
    fake, d_prob = snaps[k]
    n = k * _G1_EVERY
    return Gan1dState(n, fake, d_prob, np.asarray(history["d_loss"][:n]), np.asarray(history["g_loss"][:n]))


def _layout_gan1d(fig: Figure) -> None:
    ax, ax_l = fig.subplots(2, 1, gridspec_kw={"height_ratios": [1.6, 1], "hspace": 0.45})
    fig.subplots_adjust(left=0.08, right=0.98, top=0.92, bottom=0.1)
    ax.set(xlim=(-5, 5), ylim=(0, 1.05), xlabel="x", xticks=[-4, -2, 0, 2, 4], yticks=[0, 0.5, 1])
    ax_l.set(xlim=(0, _G1_STEPS), ylim=(0, 3), xlabel="iteration", ylabel="loss", xticks=[0, 200, 400, 600],
             yticks=[0, 1, 2, 3])                                        # few ticks: tick labels dominate a redraw
    for a in (ax, ax_l):
        a.grid(False)


def render_gan1d(state: Gan1dState, fig: Figure) -> None:
    ax, ax_l = fig.axes
    plots.plot_gan1d(ax, _G1_X, mixture_1d_density(_G1_X), _G1_BINS, np.minimum(state.fake_density, 1.05),
                     state.d_prob)
    ax.text(-4.9, 0.98, f"iteration {state.iteration}: p_data (blue), G(z) (orange), D(x) (black)", va="top",
            fontsize=9)
    if state.iteration:
        ax_l.plot(state.d_loss, color=plots.D_COLOR, lw=0.8)
        ax_l.plot(state.g_loss, color=plots.FAKE_COLOR, lw=0.8)
    ax_l.axhline(2 * np.log(2), color=plots.D_COLOR, lw=0.6, ls=":")
    ax_l.axhline(np.log(2), color=plots.FAKE_COLOR, lw=0.6, ls=":")
    ax_l.text(5, 2.85, "D loss (black; 2 ln 2 dotted), G loss (orange; ln 2 dotted)", va="top", fontsize=9)


def gan1d_stepper(d_step: Callable | None = None, g_step: Callable | None = None) -> Explorer:
    """W7.1: a GAN on a 1-D two-Gaussian mixture, trained with your ``d_step`` / ``g_step``.

    600 iterations (one D step per G step, Adam 2e-3, batches of 128) run when the widget is
    built; the slider and the buttons move through snapshots every 25 iterations.
    """
    snaps, history = _train_gan1d(d_step or ref.d_step, g_step or ref.g_step)
    slider = widgets.IntSlider(0, min=0, max=_G1_STEPS, step=_G1_EVERY, description="iteration")

    def forward(ex: Explorer) -> None:
        slider.value = min(slider.value + _G1_EVERY, _G1_STEPS)

    return Explorer({"iteration": slider}, functools.partial(compute_gan1d, snaps, history), render_gan1d,
                    layout=_layout_gan1d, figsize=(7, 4.2),
                    buttons={f"+{_G1_EVERY} iterations": forward, "Reset": lambda ex: setattr(slider, "value", 0)})


# --------------------------------------------------------------------------- W7.2 ring mode-collapse lab
_RING_STEPS, _RING_EVERY, _RING_LR = 400, 50, 3e-3
RING_LOSSES = {"non-saturating -log D": "nonsat", "minimax log(1 - D)": "minimax"}
RING_SPEEDS = {"equal (3e-3 both)": (1.0, 1.0), "D 10x slower": (1.0, 0.1), "D 10x faster": (0.1, 1.0)}


@dataclass(frozen=True)
class RingState:
    trained: bool
    label: str
    iteration: int
    samples: np.ndarray | None     # (2000, 2)
    d_prob: np.ndarray | None      # (61, 61)
    grid: np.ndarray | None
    modes_curve: np.ndarray | None  # (n_snapshots, 2): iteration, modes
    table: tuple                   # ((label, final modes), ...) of every run so far


def _ring_key(loss: str, k_d: int, speed: str) -> tuple:
    return (loss, int(k_d), speed)


def _ring_label(key: tuple) -> str:
    return f"{key[0].split()[0]}, k = {key[1]}, {key[2].split(' (')[0]}"


def _run_ring(key: tuple, train_gan: Callable, d_step: Callable, g_step: Callable | None, seed: int = 0) -> dict:
    loss, k_d, speed = key
    g_scale, d_scale = RING_SPEEDS[speed]
    step = g_step if RING_LOSSES[loss] == "nonsat" else None          # minimax: the reference G step variant
    return train_ring(seed=seed, steps=_RING_STEPS, k_d=k_d, lr_g=_RING_LR * g_scale, lr_d=_RING_LR * d_scale,
                      loss=RING_LOSSES[loss], snapshot_every=_RING_EVERY, train_gan=train_gan, d_step=d_step,
                      g_step=step)


_CURVES: dict = {}


def _modes_curve(key: int, run: dict) -> np.ndarray:
    """(iteration, modes covered) of every snapshot of a run, computed once per run."""
    if key not in _CURVES or _CURVES[key][0] is not run:
        _CURVES[key] = (run, np.array([(s["step"], ref.count_modes(s["samples"], ring_centers())) for s in run["snapshots"]]))
    return _CURVES[key][1]


def compute_ring_lab(runs: dict, loss: str, k_d: int, speed: str, iteration: int) -> RingState:
    """Select the snapshot of the chosen configuration (if it has been trained)."""
    key = _ring_key(loss, k_d, speed)
    table = tuple((_ring_label(k), r["modes"]) for k, r in runs.items())
    if key not in runs:
        return RingState(False, _ring_label(key), int(iteration), None, None, None, None, table)
    run = runs[key]
    snaps = run["snapshots"]
    k = min(int(iteration) // _RING_EVERY, len(snaps) - 1)
    curve = _modes_curve(id(run), run)
    return RingState(True, _ring_label(key), snaps[k]["step"], snaps[k]["samples"], snaps[k]["d_prob"], run["grid"],
                     curve, table)


def _layout_ring(fig: Figure) -> None:
    ax, ax_m = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.1], "wspace": 0.3})
    fig.subplots_adjust(left=0.06, right=0.97, top=0.88, bottom=0.13)
    ax.set(xlim=(-3, 3), ylim=(-3, 3), aspect="equal", xticks=[], yticks=[])   # coordinates carry no meaning here
    ax_m.set(xlim=(0, _RING_STEPS), ylim=(-0.3, 8.5), xlabel="iteration", ylabel="modes covered (of 8)",
             xticks=[0, 200, 400], yticks=[0, 4, 8])
    for a in (ax, ax_m):
        a.grid(False)


def render_ring_lab(state: RingState, fig: Figure) -> None:
    ax, ax_m = fig.axes
    if not state.trained:
        ax.set(xlim=(-3, 3), ylim=(-3, 3), aspect="equal")
        ax.text(0, 0, f"{state.label}\nnot trained yet:\npress “Train”", ha="center", va="center", fontsize=10)
    else:
        plots.plot_ring(ax, state.samples, ring_centers(), d_prob=state.d_prob, grid=state.grid)
        ax.text(-2.9, 2.9, f"iteration {state.iteration}", va="top", fontsize=9)
        ax_m.plot(state.modes_curve[:, 0], state.modes_curve[:, 1], "o-", color=PALETTE["orange"], lw=1.6)
        ax_m.axvline(state.iteration, color=PALETTE["black"], lw=0.8, ls=":")
    lines = [f"{label}: {modes} of 8" for label, modes in state.table[-5:]]
    ax_m.text(_RING_STEPS * 0.3, 0.2, f"shown: {state.label}\nruns (modes after 400 iterations):\n" + "\n".join(lines),
              fontsize=8, va="bottom")


def ring_lab(train_gan: Callable | None = None, d_step: Callable | None = None, g_step: Callable | None = None,
             initial: dict | None = None) -> Explorer:
    """W7.2: train the ring GAN with a loss variant, D steps per G step and learning-rate balance of your
    choice (400 iterations, seed 0, behind the "Train" button: about 3 s), then scrub through snapshots.

    ``initial`` : a finished :func:`~dlcourse.gans.training.train_ring` run of the default settings
    (snapshots every 50) to show at once; without it the default is trained when the lab is built.
    Uses your ``train_gan`` / ``d_step`` / ``g_step`` (the minimax variant uses the reference G step).
    """
    train_gan, d_step = train_gan or ref.train_gan, d_step or ref.d_step
    controls = {"loss": widgets.Dropdown(options=list(RING_LOSSES), value="non-saturating -log D", description="G loss"),
                "k_d": widgets.IntSlider(1, min=1, max=5, description="D steps per G step"),
                "speed": widgets.Dropdown(options=list(RING_SPEEDS), value="equal (3e-3 both)", description="learning rates"),
                "iteration": widgets.IntSlider(_RING_STEPS, min=0, max=_RING_STEPS, step=_RING_EVERY,
                                               description="iteration")}
    default = _ring_key("non-saturating -log D", 1, "equal (3e-3 both)")
    runs = {default: initial if initial is not None else _run_ring(default, train_gan, d_step, g_step)}

    def train(ex: Explorer) -> None:
        key = _ring_key(*(ex.controls[n].value for n in ("loss", "k_d", "speed")))
        if key not in runs:
            runs[key] = _run_ring(key, train_gan, d_step, g_step)
        ex.update()

    return Explorer(controls, functools.partial(compute_ring_lab, runs), render_ring_lab, layout=_layout_ring,
                    figsize=(8, 3.6), buttons={"Train these settings": train})


# --------------------------------------------------------------------------- W7.3 latent interpolation
@dataclass(frozen=True)
class InterpState:
    label_start: int
    label_end: int
    t: float
    strip: np.ndarray      # (9, 16, 16) images along the path
    current: np.ndarray    # (16, 16) the image at t


def compute_interpolation(G, interpolate: Callable, z_pair: tuple, label_start: int, label_end: int,
                          t: float) -> InterpState:
    """Images of G along the straight path z0 -> z1 (and, for the label, one-hot y0 -> y1 when G takes
    a label embedding; here: the label switches at t = 0.5), with ``interpolate`` building the path."""
    z0, z1 = z_pair
    path = np.asarray(interpolate(z0, z1, 9), dtype=np.float32)                       # (9, Z)
    if path.shape != (9, len(z0)):
        raise ValueError(f"interpolate returned shape {path.shape}; expected (9, {len(z0)})")
    zt = (1 - t) * z0 + t * z1
    zs = torch.from_numpy(np.vstack([path, zt[None]]).astype(np.float32))             # (10, Z)
    ys = torch.tensor([label_start if i < 4.5 else label_end for i in range(9)] +
                      [label_start if t < 0.5 else label_end])
    with torch.no_grad():
        images = G(zs, ys).numpy()[:, 0]                                               # (10, 16, 16)
    return InterpState(int(label_start), int(label_end), float(t), images[:9], images[9])


def _layout_interp(fig: Figure) -> None:
    gs = fig.add_gridspec(1, 2, width_ratios=[3.2, 1], left=0.02, right=0.98, top=0.82, bottom=0.05, wspace=0.08)
    for cell in gs:
        ax = fig.add_subplot(cell)
        ax.set(xticks=[], yticks=[])
        ax.grid(False)


def render_interpolation(state: InterpState, fig: Figure) -> None:
    ax_s, ax_c = fig.axes
    plots.image_grid(ax_s, state.strip, ncol=9)
    pos = 1 + state.t * 8 * 17 + 8
    ax_s.plot([pos, pos], [0, 17], color=PALETTE["orange"], lw=2)
    ax_c.imshow(state.current, cmap="gray", vmin=-1, vmax=1, interpolation="nearest")
    ax_s.text(0, -1.5, f"z0 → z1 in 9 steps (labels {state.label_start} then {state.label_end})", fontsize=9)
    ax_c.text(0, -1.5, f"t = {state.t:.2f}", fontsize=9)


def latent_interpolation(G=None, interpolate: Callable | None = None) -> Explorer:
    """W7.3: walk through the latent space of a trained conditional GAN ``G(z, y)``.

    Without ``G`` a conditional DCGAN is trained first (about 10 s). ``interpolate(z0, z1, n)``
    builds the path (default: the reference). Controls: start and end labels, the pair of
    noise vectors, and t.
    """
    G = G if G is not None else train_cgan(progress=False)["G"]
    G.eval()
    interpolate = interpolate or ref.interpolate
    pairs = [tuple(np.random.default_rng(s).standard_normal((2, G.z_dim)).astype(np.float32)) for s in range(5)]
    controls = {"label_start": widgets.Dropdown(options=list(range(10)), value=3, description="label at z0"),
                "label_end": widgets.Dropdown(options=list(range(10)), value=3, description="label at z1"),
                "pair": widgets.IntSlider(0, min=0, max=4, description="noise pair"),
                "t": widgets.FloatSlider(0.0, min=0.0, max=1.0, step=0.125, description="t")}

    def compute(label_start, label_end, pair, t):
        return compute_interpolation(G, interpolate, pairs[pair], label_start, label_end, t)

    return Explorer(controls, compute, render_interpolation, layout=_layout_interp, figsize=(9, 1.9))


# --------------------------------------------------------------------------- W7.4 AdaIN style demo
@functools.lru_cache(maxsize=4)
def _rgb(name: str) -> np.ndarray:
    """A bundled scikit-image colour photo, downsampled to about 100 x 150, float in [0, 1], (H, W, 3)."""
    import skimage.data
    from skimage.transform import resize

    image = getattr(skimage.data, name)() / 255.0
    h, w = image.shape[:2]
    return resize(image, (100, int(round(100 * w / h))), anti_aliasing=True)


@dataclass(frozen=True)
class AdainState:
    original: np.ndarray   # (H, W, 3)
    styled: np.ndarray     # (H, W, 3), clipped to [0, 1]
    y_s: tuple             # per channel
    y_b: tuple
    out_mean: tuple        # measured channel statistics of the output (before clipping)
    out_std: tuple


def compute_adain_style(adain: Callable, y_s: tuple, y_b: tuple, name: str = "coffee") -> AdainState:
    """AdaIN of the photo's R, G, B channels (as 3 feature maps) with the given styles."""
    image = _rgb(name)
    x = torch.from_numpy(image.transpose(2, 0, 1)[None].astype(np.float32))               # (1, 3, H, W)
    out = adain(x, torch.tensor([y_s], dtype=torch.float32), torch.tensor([y_b], dtype=torch.float32))
    out = np.asarray(out.detach() if hasattr(out, "detach") else out, dtype=float)
    if out.shape != x.shape:
        raise ValueError(f"adain returned shape {out.shape}; expected {tuple(x.shape)}")
    styled = out[0].transpose(1, 2, 0)
    return AdainState(image, np.clip(styled, 0, 1), tuple(y_s), tuple(y_b),
                      tuple(float(v) for v in styled.mean(axis=(0, 1))), tuple(float(v) for v in styled.std(axis=(0, 1))))


def _layout_adain(fig: Figure) -> None:
    for j in range(2):
        ax = fig.add_subplot(1, 2, j + 1)
        ax.set(xticks=[], yticks=[])
        ax.grid(False)
    fig.subplots_adjust(left=0.01, right=0.99, top=0.82, bottom=0.02, wspace=0.04)


def render_adain_style(state: AdainState, fig: Figure) -> None:
    ax_o, ax_s = fig.axes
    ax_o.imshow(state.original)
    ax_s.imshow(state.styled)
    ax_o.text(0, -4, "input (channels R, G, B as 3 feature maps)", fontsize=9)
    means = ", ".join(f"{v:.2f}" for v in state.out_mean)
    stds = ", ".join(f"{v:.2f}" for v in state.out_std)
    ax_s.text(0, -4, f"AdaIN output: R, G, B means {means}; stds {stds}", fontsize=9)


def adain_style(adain: Callable | None = None) -> Explorer:
    """W7.4: AdaIN on the three colour channels of scikit-image's bundled coffee photo.

    Each channel is normalised to mean 0 and std 1, then given the style (y_s, y_b) of the
    sliders: scale = contrast, bias = brightness of that colour. "Copy the astronaut's style"
    sets the sliders to the channel statistics of another bundled photo. Uses your
    ``adain(x, y_s, y_b)`` (default: the reference).
    """
    fn = adain or ref.adain
    controls = {f"{k}_{c}": widgets.FloatSlider(v, min=0.0 if k == "s" else -0.2, max=0.5 if k == "s" else 1.2,
                                                step=0.01, description=f"{'scale' if k == 's' else 'bias'} {c}",
                                                continuous_update=False)
                for k, v in (("s", 0.25), ("b", 0.5)) for c in "RGB"}

    def compute(s_R, s_G, s_B, b_R, b_G, b_B):
        return compute_adain_style(fn, (s_R, s_G, s_B), (b_R, b_G, b_B))

    def copy_style(ex: Explorer) -> None:
        other = _rgb("astronaut")
        for c, m, sd in zip("RGB", other.mean(axis=(0, 1)), other.std(axis=(0, 1))):
            ex.controls[f"s_{c}"].value = round(float(sd), 2)
            ex.controls[f"b_{c}"].value = round(float(m), 2)

    return Explorer(controls, compute, render_adain_style, layout=_layout_adain, figsize=(8, 2.9),
                    buttons={"Copy the astronaut's style": copy_style})


# --------------------------------------------------------------------------- W7.5 receptive field overlay
RF_PRESETS = {
    "pix2pix 70x70 PatchGAN (5 convs)": (PIX2PIX_70["kernels"], PIX2PIX_70["strides"], (1, 1, 1, 1, 1)),
    "3 convs k4: s2, s2, s1": ((4, 4, 4), (2, 2, 1), (1, 1, 1)),
    "1 conv k4 s2 (a 4x4 PatchGAN)": ((4,), (2,), (1,)),
    "6 convs k4: s2 x 4, s1 x 2": ((4,) * 6, (2, 2, 2, 2, 1, 1), (1,) * 6),
}
_RF_SIZE = 256


@dataclass(frozen=True)
class RFState:
    preset: str
    rf: int
    out_size: int
    row: int
    col: int
    box_rows: tuple
    box_cols: tuple


def _out_size(n: int, kernels, strides, paddings) -> int:
    for k, s, p in zip(kernels, strides, paddings):
        n = (n + 2 * p - k) // s + 1
    return n


def compute_receptive_field(rf_fn: Callable, preset: str, row: float, col: float) -> RFState:
    """The input box seen by output unit (row, col) (given as fractions of the output map)."""
    kernels, strides, pads = RF_PRESETS[preset]
    rf = int(rf_fn(list(kernels), list(strides)))
    n_out = _out_size(_RF_SIZE, kernels, strides, pads)
    r, c = int(round(row * (n_out - 1))), int(round(col * (n_out - 1)))
    return RFState(preset, rf, n_out, r, c, receptive_field_box(kernels, strides, pads, r, rf_fn=rf_fn),
                   receptive_field_box(kernels, strides, pads, c, rf_fn=rf_fn))


def _layout_rf(fig: Figure) -> None:
    ax = fig.add_subplot(1, 1, 1)
    fig.subplots_adjust(left=0.02, right=0.98, top=0.86, bottom=0.02)
    ax.set(xticks=[], yticks=[], xlim=(-40, _RF_SIZE + 40), ylim=(_RF_SIZE + 40, -40))
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)


def render_receptive_field(state: RFState, fig: Figure) -> None:
    from matplotlib.patches import Rectangle

    ax = fig.axes[0]
    ax.imshow(photo("camera", _RF_SIZE), cmap="gray", vmin=0, vmax=1,
              extent=(-0.5, _RF_SIZE - 0.5, _RF_SIZE - 0.5, -0.5))
    (r0, r1), (c0, c1) = state.box_rows, state.box_cols
    ax.add_patch(Rectangle((c0 - 0.5, r0 - 0.5), c1 - c0 + 1, r1 - r0 + 1, fill=False, lw=2, ec=PALETTE["orange"]))
    ax.add_patch(Rectangle((-0.5, -0.5), _RF_SIZE, _RF_SIZE, fill=False, lw=1, ec=PALETTE["sky"], ls="--"))
    ax.text(-38, -44, f"{state.preset}\noutput map {state.out_size}x{state.out_size}; unit ({state.row}, {state.col}) "
            f"sees {state.rf}x{state.rf} input pixels", fontsize=9, va="bottom")


def receptive_field_overlay(receptive_field: Callable | None = None) -> Explorer:
    """W7.5: the patch of a 256x256 image that one output unit of a PatchGAN discriminator sees.

    ``receptive_field(kernels, strides) -> int`` gives the patch size (default: the reference);
    the box's position follows from the strides and paddings. Sliders choose the output unit.
    """
    rf_fn = receptive_field or ref.receptive_field
    controls = {"preset": widgets.Dropdown(options=list(RF_PRESETS), value=list(RF_PRESETS)[0],
                                           description="discriminator"),
                "row": widgets.FloatSlider(0.5, min=0, max=1, step=0.05, description="output row"),
                "col": widgets.FloatSlider(0.5, min=0, max=1, step=0.05, description="output column")}
    return Explorer(controls, functools.partial(compute_receptive_field, rf_fn), render_receptive_field,
                    layout=_layout_rf, figsize=(5.5, 5.5))
