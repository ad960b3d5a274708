"""The lectures' worked examples, typed in as data (Week 01: AdaBoost, gradient boosting).

Numbers follow ``shared/syllabus/bath_ml2.md`` (Week 01), with the slides' errata fixed:
the AdaBoost toy set reproduces the lecture's three rounds (errors on samples {3,4,5},
{6,7,8}, {1,2,9}) under greedy weighted stumps; the ML2-grade table's sample 3 predicts
75.09 after two trees (the slide's 73.11 is a sign slip).
"""

from __future__ import annotations

import copy

import numpy as np

__all__ = ["adaboost_toy", "ADABOOST_TOY_MISTAKES", "ml2_grades", "ML2_GRADES"]

# (x, y, label) of samples 1..10; the lecture's figure is lost, this set reproduces its rounds.
_TOY = np.array([
    [1, 2, +1], [2, 1, +1],
    [4, 8, +1], [5, 7, +1], [6, 9, +1],
    [4, 3, -1], [5, 2, -1], [6, 4, -1],
    [8, 8, -1], [9, 3, -1],
], dtype=float)

#: 0-based indices of the samples each of the lecture's three stumps gets wrong.
ADABOOST_TOY_MISTAKES: tuple[tuple[int, ...], ...] = ((2, 3, 4), (5, 6, 7), (0, 1, 8))


def adaboost_toy() -> tuple[np.ndarray, np.ndarray]:
    """The 10-sample AdaBoost example.

    Returns
    -------
    X : ndarray of shape (10, 2), float
    y : ndarray of shape (10,), int, labels in {-1, +1}
    """
    return _TOY[:, :2].copy(), _TOY[:, 2].astype(int)


#: "Predict your ML2 grade": lectures attended, labs attended, CS background (1 = yes), ML1 mark, ML2 mark.
ML2_GRADES = {
    "columns": ("lectures", "labs", "cs_background", "ml1"),
    "X": np.array([[16, 10, 1, 85], [4, 4, 1, 60], [15, 6, 1, 85],
                   [7, 8, 0, 45], [17, 10, 0, 90], [8, 7, 1, 68]], dtype=float),
    "y": np.array([90, 55, 84, 64, 78, 67], dtype=float),
    # Leaf groupings (0-based sample indices) of the lecture's two trees, read off its numbers.
    "partitions": [
        [[0, 2, 4], [1], [3], [5]],
        [[0, 2, 4], [1], [3, 5]],
    ],
    "new_student": np.array([14, 5, 1, 80], dtype=float),
    "new_student_leaves": [0, 0],  # the new student falls in leaf 0 of both trees
    "learning_rate": 0.1,
}


def ml2_grades() -> dict:
    """A deep copy of :data:`ML2_GRADES`, so callers may modify it."""
    return copy.deepcopy(ML2_GRADES)
