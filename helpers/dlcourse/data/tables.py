"""The lectures' worked examples, typed in as data (Week 01: AdaBoost, gradient boosting).

Numbers follow ``shared/syllabus/bath_ml2.md`` (Week 01), with the slides' errata fixed:
the AdaBoost toy set reproduces the lecture's three rounds (errors on samples {3,4,5},
{6,7,8}, {1,2,9}) under greedy weighted stumps; the ML2-grade table's sample 3 predicts
75.09 after two trees (the slide's 73.11 is a sign slip).
"""

from __future__ import annotations

import copy

import numpy as np

__all__ = ["adaboost_toy", "ADABOOST_TOY_MISTAKES", "ml2_grades", "ML2_GRADES", "backprop_222", "BACKPROP_222"]

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


# --- Week 02: the lecture's 2-2-2 backpropagation example (Mazur's numbers; sigmoid everywhere,
# J = 1/2 sum (yhat - y)^2, lr 0.5, each layer's two neurons share one bias) -------------------
#: Network, input, targets and the verified answer key (syllabus Week 02, errata #7 and #8).
BACKPROP_222 = {
    "weights": {"w1": 0.15, "w2": 0.20, "w3": 0.25, "w4": 0.30,
                "w5": 0.40, "w6": 0.45, "w7": 0.50, "w8": 0.55, "b1": 0.35, "b2": 0.60},
    "x": (0.05, 0.10),          # i1, i2
    "target": (0.01, 0.99),     # y1, y2 (the slide calls them yhat by mistake)
    "lr": 0.5,
    "answer_key": {
        "net_h": (0.3775, 0.3925),
        "h": (0.593269992, 0.596884378),
        "net_o": (1.105905967, 1.224921404),
        "yhat": (0.751365070, 0.772928465),
        "J": 0.298371109,
        "grads": {"w1": 0.000438568, "w2": 0.000877135, "w3": 0.000497713, "w4": 0.000995425,
                  "w5": 0.082167041, "w6": 0.082667628, "w7": -0.022602540, "w8": -0.022740242,
                  "b1": 0.018725609, "b2": 0.100400325},
        "new_weights": {"w1": 0.149780716, "w2": 0.199561432, "w3": 0.249751144, "w4": 0.299502287,
                        "w5": 0.358916480, "w6": 0.408666186, "w7": 0.511301270, "w8": 0.561370121,
                        "b1": 0.340637195, "b2": 0.549799837},
    },
}


def backprop_222() -> dict:
    """A deep copy of :data:`BACKPROP_222` (the key's values are printed to 9 decimals)."""
    return copy.deepcopy(BACKPROP_222)
