"""dlcourse: the helper package of the course.

Reference implementations (one subpackage per week), ipywidgets visualisations and the
student-facing checks used by the notebooks. Importing ``dlcourse`` is cheap: subpackages
are imported explicitly (``from dlcourse.boosting import ...``) and nothing here imports
torch (:func:`seed_everything` seeds it only if already imported).
"""

from __future__ import annotations

import os
import random
import sys

import numpy as np

__all__ = ["seed_everything", "as_rng", "check_submission", "__version__"]
__version__ = "0.1.0"


def seed_everything(seed: int = 0) -> np.random.Generator:
    """Seed Python, NumPy's legacy global RNG and torch (if imported); return a Generator.

    Notebooks call this once in their setup cell, after ``import torch`` where the notebook
    uses torch (torch is seeded only if already imported, so weeks without torch do not
    pay its import time). Library code never relies on global
    seeding: it takes an explicit ``rng`` / ``random_state`` argument (see :func:`as_rng`).

    Torch's thread count is left alone unless ``DLCOURSE_TORCH_THREADS`` is set, so kernels
    follow the environment (CI and parallel grading use one thread per worker).
    """
    random.seed(seed)
    np.random.seed(seed)
    os.environ["PYTHONHASHSEED"] = str(seed)
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.manual_seed(seed)
        threads = os.environ.get("DLCOURSE_TORCH_THREADS")
        if threads:
            torch.set_num_threads(int(threads))
    return np.random.default_rng(seed)


def as_rng(rng: np.random.Generator | int | None) -> np.random.Generator:
    """Turn ``rng`` (a Generator, a seed or None) into a ``np.random.Generator``."""
    if isinstance(rng, np.random.Generator):
        return rng
    return np.random.default_rng(rng)


def check_submission(path=None, release=None):
    """Before you submit: report deleted, duplicated, retyped or edited graded/read-only cells.

    Call it in a notebook (after saving) or pass the notebook's path; see
    :mod:`dlcourse.grading.precheck`. Imported on call, so ``import dlcourse`` stays cheap.
    """
    from dlcourse.grading.precheck import check_submission as _check

    return _check(path, release)
