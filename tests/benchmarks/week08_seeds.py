"""Week 08 evidence across seeds (not part of `make test`): the trained digit CNN and the planted-shortcut
experiment, measured for several training seeds.

    DLCOURSE_TORCH_THREADS=1 .venv/bin/python tests/benchmarks/week08_seeds.py [--seeds 0 1 2]

``make bench`` (section seeds) runs it with the defaults (no ``BENCH_ARGS``).

For each seed it trains the clean and the shortcut model (dlcourse.interpret.models) and prints: test accuracy,
the accuracy on the test 3s without and with the corner tag, the fraction of other digits that become 3 when
tagged, and the mean Grad-CAM mass (class 3, relu3) inside the tag's quadrant for the tagged test 3s.
The notebooks use seed 0 only.
"""

from __future__ import annotations

import argparse

import numpy as np
import torch

from dlcourse.data import add_tag
from dlcourse.interpret.attribution import _grad_cam, class_scores, heat_mass
from dlcourse.interpret.models import SHORTCUT_CLASS, trained_digit_cnn, trained_shortcut_cnn


def measure(trained) -> dict:
    c = SHORTCUT_CLASS
    X, y = trained.X_test, trained.y_test
    is_c = y == c
    tagged = add_tag(X).astype(np.float32)
    plain, with_tag = class_scores(trained.model, X).argmax(1), class_scores(trained.model, tagged).argmax(1)
    masses = [heat_mass(_grad_cam(trained.model, torch.as_tensor(tagged[n:n + 1]), trained.model.relu3, c).numpy(),
                        slice(0, 4), slice(0, 4)) for n in np.flatnonzero(is_c)]
    return {"acc": trained.test_accuracy, "c_untagged": (plain[is_c] == c).mean(), "c_tagged": (with_tag[is_c] == c).mean(),
            "others_to_c": (with_tag[~is_c] == c).mean(), "mass": float(np.mean(masses)), "seconds": trained.seconds}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    args = ap.parse_args()
    print("seed model     test acc  3s untagged  3s tagged  others->3  Grad-CAM mass in tag quadrant  train s")
    for seed in args.seeds:
        for name, trained in (("clean", trained_digit_cnn(seed)), ("shortcut", trained_shortcut_cnn(seed))):
            m = measure(trained)
            print(f"{seed:4d} {name:9s} {m['acc']:8.3f} {m['c_untagged']:12.3f} {m['c_tagged']:10.3f} "
                  f"{m['others_to_c']:10.3f} {m['mass']:30.3f} {m['seconds']:8.1f}")


if __name__ == "__main__":
    main()
