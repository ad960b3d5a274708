"""Seed evidence for the week 06 capstone's accuracy floor (not part of `make test`).

DESIGN "Results of training": the reference training run (``ref.fit_capstone``: Adam, lr 0.01,
8 epochs, batches of 64, on the digits split of ``dlcourse.data.digits(images=True, rng=0)``)
is tuned on seed 0 only; seeds 1-5 verify. The graded test's floor is the worst verification
seed's test accuracy minus a margin of 0.02 (rounded down to a whole percent).
It also times one training epoch (22 mini-batches of 64, no evaluation passes) of the NumPy
network against the same network in torch (float64, Adam), best of 3, at the current thread
count (CI and grading: one thread).

    OMP_NUM_THREADS=1 python tests/benchmarks/week06_seeds.py
"""

from __future__ import annotations

import time

import numpy as np
import torch
import torch.nn.functional as F

from dlcourse.cnn import reference as cnn_ref
from dlcourse.data import digits
from dlcourse.project import reference as ref
from dlcourse.project.capstone import reference_parts, torch_capstone
from dlcourse.project.solver import accuracy

TUNING_SEEDS = [0]
VERIFICATION_SEEDS = [1, 2, 3, 4, 5]
MARGIN = 0.02


def main() -> None:
    X_train, X_test, y_train, y_test = digits(images=True, rng=0)
    results = {}
    for seed in TUNING_SEEDS + VERIFICATION_SEEDS:
        start = time.perf_counter()
        model, _ = ref.fit_capstone(reference_parts(), cnn_ref.conv2d_backward, X_train, y_train, rng=seed)
        results[seed] = accuracy(model, X_test, y_test)
        kind = "tuning" if seed in TUNING_SEEDS else "verification"
        print(f"seed {seed} ({kind}): test accuracy {results[seed]:.4f} in {time.perf_counter() - start:.1f} s")
    worst = min(results[s] for s in VERIFICATION_SEEDS)
    floor = np.floor((worst - MARGIN) * 100) / 100
    print(f"worst verification seed {worst:.4f}; floor = worst - {MARGIN} rounded down = {floor:.2f}")

    numpy_s, torch_s = epoch_times(X_train, y_train)
    print(f"one epoch (1347 digits, batches of 64): NumPy {numpy_s:.3f} s, torch {torch_s:.3f} s, "
          f"ratio {numpy_s / torch_s:.1f}x (torch threads: {torch.get_num_threads()})")


def epoch_times(X: np.ndarray, y: np.ndarray, repeats: int = 3) -> tuple[float, float]:
    """Best-of-``repeats`` seconds of one training epoch: NumPy capstone vs the same network in torch."""
    parts = reference_parts()
    numpy_best = torch_best = float("inf")
    for _ in range(repeats):
        model, states = ref.build_capstone(parts, cnn_ref.conv2d_backward, rng=0), {}
        start = time.perf_counter()
        g = np.random.default_rng(0)
        order = g.permutation(len(X))
        for i in range(0, len(X), 64):
            idx = order[i:i + 64]
            _, dlogits = ref.softmax_cross_entropy(model.forward(X[idx]), y[idx])
            model.backward(dlogits)
            for name, grad in model.grads.items():
                model.set_param(name, parts.adam_step(model.params[name], grad, states.setdefault(name, {}), 0.01))
        numpy_best = min(numpy_best, time.perf_counter() - start)
        net = torch_capstone(list(ref.build_capstone(parts, cnn_ref.conv2d_backward, rng=0).params.values()))
        opt = torch.optim.Adam(net.parameters(), lr=0.01)
        Xt, yt = torch.tensor(X), torch.tensor(y)
        start = time.perf_counter()
        for idx in torch.randperm(len(Xt), generator=torch.Generator().manual_seed(0)).split(64):
            opt.zero_grad()
            F.cross_entropy(net(Xt[idx]), yt[idx]).backward()
            opt.step()
        torch_best = min(torch_best, time.perf_counter() - start)
    return numpy_best, torch_best


if __name__ == "__main__":
    main()
