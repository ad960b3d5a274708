"""Week 07 evidence across seeds for the graded training thresholds (not part of `make test`).

    DLCOURSE_TORCH_THREADS=1 .venv/bin/python tests/benchmarks/week07_seeds.py    # ring seeds 0-9, CGAN seeds 0-5

``make bench`` (section seeds) runs it with the defaults (no ``BENCH_ARGS``).

Ring GAN (the configuration of notebook 1's graded cell: 400 iterations, k = 1, Adam 3e-3,
beta1 0.5): modes covered of 8 per seed. Tuning used seeds 0-4; seeds 5-9 verify; the graded
rule "at least 6 of 8" = worst verification seed minus a margin of 2.
Conditional DCGAN (notebook 2: 250 iterations): fraction of samples (50 per digit) that the
ridge classifier labels as the requested digit, per seed (chance: 10 %).
"""

from __future__ import annotations

import argparse
import json
import time

import torch


def ring_evidence(seeds) -> list[dict]:
    from dlcourse.gans.training import train_ring

    rows = []
    for seed in seeds:
        start = time.perf_counter()
        run = train_ring(seed=seed, steps=400, lr_g=3e-3, lr_d=3e-3)
        rows.append({"seed": seed, "modes": run["modes"], "seconds": round(time.perf_counter() - start, 1)})
        print("ring", rows[-1], flush=True)
    return rows


def cgan_evidence(seeds) -> list[dict]:
    from dlcourse.gans.models import digits_classifier
    from dlcourse.gans.training import label_agreement, train_cgan

    clf = digits_classifier()
    rows = []
    for seed in seeds:
        start = time.perf_counter()
        run = train_cgan(steps=250, seed=seed, progress=False)
        agree = label_agreement(run["G"], clf)
        rows.append({"seed": seed, "agreement": round(float(agree.mean()), 3),
                     "worst_digit": round(float(agree.min()), 2), "seconds": round(time.perf_counter() - start, 1)})
        print("cgan", rows[-1], flush=True)
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ring-seeds", type=int, default=10)
    parser.add_argument("--cgan-seeds", type=int, default=6)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    report = {"ring": ring_evidence(range(args.ring_seeds)), "cgan": cgan_evidence(range(args.cgan_seeds))}
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
