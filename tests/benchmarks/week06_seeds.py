"""Seed evidence for the week 06 capstone's accuracy floor (not part of `make test`).

DESIGN "Results of training": the reference training run (``_fit_capstone``: Adam, lr 0.01,
8 epochs, batches of 64, on the digits split of ``dlcourse.data.digits(images=True, rng=0)``)
is tuned on seed 0 only; seeds 1-5 verify. The graded test's floor is the worst verification
seed's test accuracy minus a margin of 0.02 (rounded down to a whole percent).

    OMP_NUM_THREADS=1 python tests/benchmarks/week06_seeds.py
"""

from __future__ import annotations

import time

import numpy as np

from dlcourse.cnn.conv import _conv2d_backward
from dlcourse.data import digits
from dlcourse.project.capstone import _fit_capstone, reference_parts
from dlcourse.project.solver import accuracy

TUNING_SEEDS = [0]
VERIFICATION_SEEDS = [1, 2, 3, 4, 5]
MARGIN = 0.02


def main() -> None:
    X_train, X_test, y_train, y_test = digits(images=True, rng=0)
    results = {}
    for seed in TUNING_SEEDS + VERIFICATION_SEEDS:
        start = time.perf_counter()
        model, _ = _fit_capstone(reference_parts(), _conv2d_backward, X_train, y_train, rng=seed)
        results[seed] = accuracy(model, X_test, y_test)
        kind = "tuning" if seed in TUNING_SEEDS else "verification"
        print(f"seed {seed} ({kind}): test accuracy {results[seed]:.4f} in {time.perf_counter() - start:.1f} s")
    worst = min(results[s] for s in VERIFICATION_SEEDS)
    floor = np.floor((worst - MARGIN) * 100) / 100
    print(f"worst verification seed {worst:.4f}; floor = worst - {MARGIN} rounded down = {floor:.2f}")


if __name__ == "__main__":
    main()
