"""Alternating GAN training, and seeded set-ups for the 1-D mixture, the ring and the digits.

One training *iteration* = ``k_d`` discriminator steps then one generator step (Goodfellow et
al. 2014, Algorithm 1; the lecture lists the G update first - either order trains):

    D step: L_D on D(x_real) and D(G(z).detach())   -> only D's weights move
    G step: L_G = -log D(G(z)) (non-saturating)      -> only G's weights move (D is not stepped)

The ``detach`` keeps the D step's gradient out of G. Every set-up fixes its seeds (weights,
data, noise) so a run is reproducible; results hold at any torch thread count within the
tolerances the tests use.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from ..data.generative import digits_16, gaussian_ring, mixture_1d, ring_centers
from ..widgetkit.live import LiveCurves
from .losses import _g_loss_logits_minimax
from .models import CondDCDiscriminator, CondDCGenerator, mlp_discriminator, mlp_generator
from .plots import plot_losses
from . import reference as ref

__all__ = ["GanSetup", "ring_setup", "mixture_setup", "train_ring", "train_dcgan", "train_cgan",
           "label_agreement", "RING_MODES_RULE"]

#: The graded rule for the ring: at least this many of the 8 modes covered (see :func:`train_ring`).
RING_MODES_RULE = 6


def _live_losses(steps: int, live: bool, title: str) -> LiveCurves:
    """The live D/G loss plot of a training run (drawn like :func:`~.plots.plot_losses`; on only in a notebook)."""
    def draw(ax, history):
        plot_losses(ax, history, smooth=min(20, max(2, steps // 10)))
        if len(history["d_loss"]) >= min(20, max(2, steps // 10)):
            ax.legend(loc="upper right", fontsize=8)
    return LiveCurves(steps, draw=draw, redraws=12, title=title, enabled=None if live else False)


def _d_step(G, D, opt_d, x_real, z, d_loss: Callable = ref.d_loss_logits) -> float:
    """One discriminator update on a real batch and a batch of fakes G(z) (detached)."""
    opt_d.zero_grad()
    fake = G(z).detach()                                               # no gradient into G
    loss = d_loss(D(x_real), D(fake))
    loss.backward()
    opt_d.step()
    return float(loss.item())


def _g_step(G, D, opt_g, z, g_loss: Callable = ref.g_loss_logits) -> float:
    """One generator update: gradients flow through D into G; only G's optimiser steps."""
    opt_g.zero_grad()
    loss = g_loss(D(G(z)))
    loss.backward()
    opt_g.step()
    return float(loss.item())


def _train_gan(G, D, opt_g, opt_d, sample_real, sample_z, steps: int, k_d: int = 1,
               d_step: Callable = _d_step, g_step: Callable = _g_step) -> dict:
    """``steps`` iterations of k_d D-steps then one G-step; fresh batches for every step."""
    history = {"d_loss": [], "g_loss": []}
    for _ in range(steps):
        d_losses = [d_step(G, D, opt_d, sample_real(), sample_z()) for _ in range(k_d)]
        history["d_loss"].append(float(np.mean(d_losses)))
        history["g_loss"].append(g_step(G, D, opt_g, sample_z()))
    return history


@dataclass
class GanSetup:
    """Everything one seeded run needs: models, optimisers and two batch samplers (no arguments)."""
    G: torch.nn.Module
    D: torch.nn.Module
    opt_g: torch.optim.Optimizer
    opt_d: torch.optim.Optimizer
    sample_real: Callable[[], torch.Tensor]
    sample_z: Callable[[], torch.Tensor]
    z_dim: int


def _setup(G, D, data: np.ndarray, z_dim: int, batch: int, lr_g: float, lr_d: float, seed: int) -> GanSetup:
    data_t = torch.from_numpy(data)
    gen = torch.Generator().manual_seed(seed + 1)                     # the batches' own stream

    def sample_real():
        return data_t[torch.randint(len(data_t), (batch,), generator=gen)]

    def sample_z():
        return torch.randn(batch, z_dim, generator=gen)

    opt_g = torch.optim.Adam(G.parameters(), lr=lr_g, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), lr=lr_d, betas=(0.5, 0.999))
    return GanSetup(G, D, opt_g, opt_d, sample_real, sample_z, z_dim)


def ring_setup(seed: int = 0, lr_g: float = 1e-3, lr_d: float = 1e-3, batch: int = 128, z_dim: int = 2,
               hidden: int = 64) -> GanSetup:
    """The 2-D GAN on the 8-Gaussian ring (radius 2, std 0.05; 20,000 seeded points), Adam(beta1 0.5)."""
    torch.manual_seed(seed)
    G, D = mlp_generator(z_dim, hidden, 2), mlp_discriminator(2, hidden)
    return _setup(G, D, gaussian_ring(20_000, rng=seed), z_dim, batch, lr_g, lr_d, seed)


def mixture_setup(seed: int = 0, lr_g: float = 2e-3, lr_d: float = 2e-3, batch: int = 128) -> GanSetup:
    """The 1-D GAN: a two-Gaussian mixture (means -2, 2, std 0.5), 1-D noise, MLPs with 32 units."""
    torch.manual_seed(seed)
    G, D = mlp_generator(1, 32, 1), mlp_discriminator(1, 32)
    return _setup(G, D, mixture_1d(20_000, rng=seed), 1, batch, lr_g, lr_d, seed)


def _modes_covered(samples: np.ndarray, centers: np.ndarray, radius: float, min_frac: float) -> int:
    d = np.linalg.norm(samples[:, None, :] - centers[None, :, :], axis=2)      # (N, K)
    return int(((d < radius).mean(axis=0) >= min_frac).sum())


def train_ring(seed: int = 0, steps: int = 1500, k_d: int = 1, lr_g: float = 1e-3, lr_d: float = 1e-3,
               loss: str = "nonsat", snapshot_every: int | None = None, n_eval: int = 2000,
               train_gan: Callable = _train_gan, d_step: Callable = _d_step, g_step: Callable | None = None,
               live: bool = False) -> dict:
    """Train the ring GAN; return the setup, history, modes covered and optional sample snapshots.

    ``loss`` = "nonsat" (-log D) or "minimax" (log(1 - D)) for the G step. Snapshots: samples of a
    fixed noise batch (and D's probability on a grid) every ``snapshot_every`` iterations.
    ``live=True`` shows the losses as they come in a notebook (after every chunk of
    ``snapshot_every`` iterations, since ``train_gan`` runs whole chunks).
    """
    s = ring_setup(seed, lr_g, lr_d)
    if g_step is None:
        g_loss = ref.g_loss_logits if loss == "nonsat" else _g_loss_logits_minimax
        g_step = lambda G, D, opt, z: _g_step(G, D, opt, z, g_loss=g_loss)      # noqa: E731
    z_fixed = torch.randn(n_eval, s.z_dim, generator=torch.Generator().manual_seed(10_000 + seed))
    grid = np.linspace(-3, 3, 61)
    xy = torch.from_numpy(np.stack(np.meshgrid(grid, grid), -1).reshape(-1, 2).astype(np.float32))

    def snap(done):
        with torch.no_grad():
            return {"step": done, "samples": s.G(z_fixed).numpy(),
                    "d_prob": torch.sigmoid(s.D(xy)).numpy().reshape(len(grid), len(grid))}

    start = time.perf_counter()
    history = {"d_loss": [], "g_loss": []}
    snapshots = [snap(0)] if snapshot_every else []
    plot = _live_losses(steps, live, "ring GAN losses")
    done = 0
    while done < steps:
        chunk = min(snapshot_every or steps, steps - done)
        part = train_gan(s.G, s.D, s.opt_g, s.opt_d, s.sample_real, s.sample_z, chunk, k_d,
                         d_step=d_step, g_step=g_step)
        for key in history:
            history[key] += list(part[key])
        done += chunk
        if snapshot_every:
            snapshots.append(snap(done))
        plot.update(done, history)
    with torch.no_grad():
        samples = s.G(z_fixed).numpy()
    return {"setup": s, "history": history, "samples": samples, "snapshots": snapshots, "grid": grid,
            "modes": _modes_covered(samples, ring_centers(), 0.5, 0.01), "seconds": time.perf_counter() - start}


def _digit_batches(batch: int, seed: int):
    X, y = digits_16()
    X_t, y_t = torch.from_numpy(X), torch.from_numpy(y)
    gen = torch.Generator().manual_seed(seed + 1)

    def sample():
        idx = torch.randint(len(X_t), (batch,), generator=gen)
        return X_t[idx], y_t[idx]

    return sample, gen


def train_dcgan(G=None, D=None, steps: int = 600, batch: int = 64, lr: float = 2e-3, seed: int = 0,
                progress: bool = True, live: bool = False) -> dict:
    """Train a DCGAN (default: the reference pair) on the 16x16 digits, non-saturating loss, Adam(beta1 0.5).

    Pass your own ``G`` (z (N, Z) -> (N, 1, 16, 16)) and ``D`` ((N, 1, 16, 16) -> logits (N,)).
    Returns {"G", "D", "history", "seconds"}. A ``tqdm`` bar shows progress and the losses;
    ``live=True`` also plots the losses while training (in a notebook; about 20 redraws).
    """
    torch.manual_seed(seed)
    G = G if G is not None else ref.DCGenerator()
    D = D if D is not None else ref.DCDiscriminator()
    z_dim = G.z_dim if hasattr(G, "z_dim") else 16
    sample, gen = _digit_batches(batch, seed)
    opt_g = torch.optim.Adam(G.parameters(), lr=lr, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), lr=lr, betas=(0.5, 0.999))
    return _loop(G, D, opt_g, opt_d, lambda: sample()[0], lambda: torch.randn(batch, z_dim, generator=gen),
                 steps, progress, conditional=False, live=live, title="DCGAN losses")


def train_cgan(steps: int = 250, batch: int = 64, lr: float = 2e-3, seed: int = 0, z_dim: int = 16, width: int = 16,
               condition: Callable | None = None, planes: Callable | None = None, progress: bool = True,
               live: bool = False) -> dict:
    """Train a conditional DCGAN on the 16x16 digits (labels as one-hot inputs to G and one-hot planes in D).

    ``condition(z, y, K)`` and ``planes(x, y, K)`` build G's and D's inputs (default: the
    references). Returns {"G", "D", "history", "seconds"}. ``live=True`` plots the losses while
    training (in a notebook).
    """
    torch.manual_seed(seed)
    G = CondDCGenerator(z_dim, 10, width, condition=condition)
    D = CondDCDiscriminator(10, width, planes=planes)
    sample, gen = _digit_batches(batch, seed)
    opt_g = torch.optim.Adam(G.parameters(), lr=lr, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), lr=lr, betas=(0.5, 0.999))
    return _loop(G, D, opt_g, opt_d, sample, lambda: (torch.randn(batch, z_dim, generator=gen),
                                                      torch.randint(10, (batch,), generator=gen)),
                 steps, progress, conditional=True, live=live, title="conditional DCGAN losses")


def _loop(G, D, opt_g, opt_d, sample_real, sample_z, steps: int, progress: bool, conditional: bool,
          live: bool = False, title: str = "losses") -> dict:
    bar = None
    plot = _live_losses(steps, live, title)
    if progress:
        from tqdm.auto import tqdm
        bar = tqdm(total=steps, desc="training", leave=False)
    history = {"d_loss": [], "g_loss": []}
    start = time.perf_counter()
    G.train()
    D.train()
    for _ in range(steps):
        if conditional:
            (x, y), (z, y_fake) = sample_real(), sample_z()
            opt_d.zero_grad()
            loss_d = ref.d_loss_logits(D(x, y), D(G(z, y_fake).detach(), y_fake))
            loss_d.backward()
            opt_d.step()
            z, y_fake = sample_z()
            opt_g.zero_grad()
            loss_g = ref.g_loss_logits(D(G(z, y_fake), y_fake))
        else:
            x, z = sample_real(), sample_z()
            opt_d.zero_grad()
            loss_d = ref.d_loss_logits(D(x), D(G(z).detach()))
            loss_d.backward()
            opt_d.step()
            opt_g.zero_grad()
            loss_g = ref.g_loss_logits(D(G(sample_z())))
        loss_g.backward()
        opt_g.step()
        history["d_loss"].append(float(loss_d.item()))
        history["g_loss"].append(float(loss_g.item()))
        if bar is not None:
            bar.update(1)
            bar.set_postfix(d=f"{history['d_loss'][-1]:.2f}", g=f"{history['g_loss'][-1]:.2f}", refresh=False)
        plot.update(len(history["d_loss"]), history)
    if bar is not None:
        bar.close()
    G.eval()
    D.eval()
    return {"G": G, "D": D, "history": history, "seconds": time.perf_counter() - start}


def label_agreement(G, classifier, n_per_class: int = 50, seed: int = 0) -> np.ndarray:
    """Fraction of G(z | y) samples that ``classifier`` labels y, for each y = 0..9. Shape (10,)."""
    gen = torch.Generator().manual_seed(seed)
    y = torch.arange(10).repeat_interleave(n_per_class)
    z = torch.randn(len(y), G.z_dim, generator=gen)
    G.eval()
    with torch.no_grad():
        x = G(z, y).numpy().reshape(len(y), -1)
    pred = classifier.predict(x)
    return np.array([(pred[y.numpy() == k] == k).mean() for k in range(10)])
