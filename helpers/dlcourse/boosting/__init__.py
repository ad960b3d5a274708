"""Week 01 - ensembles and boosting: voting, bagging, AdaBoost, Viola-Jones, gradient boosting.

Numerics live in :mod:`.bagging`, :mod:`.stacking`, :mod:`.stump`, :mod:`.adaboost`, :mod:`.haar`,
:mod:`.gradient_boosting` and :mod:`.staged` (every stage's predictions and errors); figures in
:mod:`.plots`, printed tables in :mod:`.tables`; ipywidgets only in :mod:`.widgets`.
Graded pieces are private (``_fit_stump``...): the notebook asks students to write them; the package
and the tests reach them through :mod:`.reference` (``ref.fit_stump``).

Shape letters (CONTRIBUTING.md) with this week's exceptions, the lecture's: ``D_t`` is
AdaBoost's weight distribution over the N samples (not a feature count), ``t = 1..T`` its
rounds (not time steps) and ``M`` the number of stages (trees) of gradient boosting.
"""

from .adaboost import sklearn_weak_learner
from .haar import HAAR_KINDS, haar_feature_matrix, haar_rectangles, random_haar_features
from .stump import Stump

__all__ = ["Stump", "sklearn_weak_learner", "HAAR_KINDS", "haar_rectangles",
           "random_haar_features", "haar_feature_matrix"]
