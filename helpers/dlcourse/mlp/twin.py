"""The scalar engine against PyTorch (notebook 3): a twin network with the same weights, timed
training steps, the engine's scores on a grid, and a side-by-side table of values and gradients.

The engine's model is the notebook's micrograd-style ``MLP``: ``model.layers``, each with
``neurons`` holding ``w`` (a list of nodes) and ``b``; nodes carry ``.data`` and ``.grad``.
PyTorch is imported by the functions that need it, so importing this module stays cheap.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Mapping

import numpy as np

__all__ = ["torch_twin", "timed_steps", "train_torch_twin", "score_grid", "engine_vs_torch_table"]


def torch_twin(model):
    """``nn.Sequential(Linear, Tanh, ..., Linear)`` in float64 with the weights of the engine's
    ``model`` copied (row j of a Linear's weight = neuron j's w); no tanh after the last layer."""
    import torch

    mods = []
    for layer in model.layers:
        linear = torch.nn.Linear(len(layer.neurons[0].w), len(layer.neurons), dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor([[w.data for w in n.w] for n in layer.neurons], dtype=torch.float64))
            linear.bias.copy_(torch.tensor([n.b.data for n in layer.neurons], dtype=torch.float64))
        mods += [linear, torch.nn.Tanh()]
    return torch.nn.Sequential(*mods[:-1])


def timed_steps(step: Callable[[], float], num_steps: int,
                free_graphs: bool = False) -> tuple[list[float], list[float]]:
    """Call ``step()`` ``num_steps`` times; its return values and each call's wall time (s).

    ``free_graphs=True`` is for an engine whose graphs are reference cycles: the objects that
    exist now are left out of garbage collection (``gc.freeze``), automatic collection is off,
    and every step ends with a ``gc.collect()`` counted in its time, so each step pays for
    freeing its own graph instead of whichever step the collector happens to interrupt.
    """
    results, times = [], []
    if free_graphs:
        gc.collect()
        gc.freeze()
        gc.disable()
    try:
        for _ in range(num_steps):
            start = time.perf_counter()
            results.append(step())
            if free_graphs:
                gc.collect()
            times.append(time.perf_counter() - start)
    finally:
        if free_graphs:
            gc.enable()
    return results, times


def train_torch_twin(twin, X: np.ndarray, y: np.ndarray, lr: float, num_steps: int) -> tuple[list[float], list[float]]:
    """Full-batch SGD on the mean squared error of ``twin``'s one output against y (N,), X (N, D)
    in float64; the loss BEFORE each step and each step's wall time (s), via :func:`timed_steps`."""
    import torch

    optimizer = torch.optim.SGD(twin.parameters(), lr=lr)
    Xt, yt = torch.tensor(X), torch.tensor(y)

    def step() -> float:
        optimizer.zero_grad()
        loss = ((twin(Xt)[:, 0] - yt) ** 2).mean()
        loss.backward()
        optimizer.step()
        return loss.item()

    return timed_steps(step, num_steps)


def score_grid(score: Callable[[list[float]], float], X: np.ndarray, n: int = 30,
               pad: float = 0.5) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``score([x1, x2])`` on an n x n grid over X's (N, 2) range widened by ``pad``, with automatic
    garbage collection off (the engine builds a graph per call); returns grid_x (n,), grid_y (n,)
    and the scores (n, n), row = grid_y index."""
    grid_x = np.linspace(X[:, 0].min() - pad, X[:, 0].max() + pad, n)
    grid_y = np.linspace(X[:, 1].min() - pad, X[:, 1].max() + pad, n)
    gc.disable()
    try:
        scores = np.array([[score([gx, gy]) for gx in grid_x] for gy in grid_y])
    finally:
        gc.enable()
    return grid_x, grid_y, scores


def engine_vs_torch_table(out_mine, out_torch, mine: Mapping[str, object], theirs: Mapping[str, object]) -> str:
    """Output and input gradients of the same expression built with the engine (``out_mine``, inputs
    name -> node) and with PyTorch (``out_torch``, name -> tensor), after ``backward()`` on both,
    side by side with their difference."""
    lines = [f"{'':8}{'your engine':>16}{'torch':>16}{'difference':>14}",
             f"{'output':8}{out_mine.data:16.10f}{out_torch.item():16.10f}{out_mine.data - out_torch.item():14.1e}"]
    for k in mine:
        g_mine, g_torch = mine[k].grad, theirs[k].grad.item()
        lines.append(f"{'d/d' + k:8}{g_mine:16.10f}{g_torch:16.10f}{g_mine - g_torch:14.1e}")
    return "\n".join(lines)
