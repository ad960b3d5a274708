"""Offline datasets: every loader works without network and every random one is seeded.

Modules by kind: :mod:`.tables` (the lectures' worked-example tables as data),
:mod:`.toy` (small synthetic 2-D / 1-D sets), :mod:`.images` (bundled image sets).
"""

from .images import lfw_faces
from .tables import ADABOOST_TOY_MISTAKES, ML2_GRADES, adaboost_toy, ml2_grades
from .toy import noisy_sine, two_moons

__all__ = [
    "adaboost_toy", "ADABOOST_TOY_MISTAKES", "ml2_grades", "ML2_GRADES",
    "two_moons", "noisy_sine", "lfw_faces",
]
