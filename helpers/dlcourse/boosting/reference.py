"""Week 01's graded reference implementations, by exercise name: ``ref.bootstrap_indices`` is
``bagging._bootstrap_indices``. For the package and the tests; notebooks never import this module
(CONTRIBUTING.md, "Graded reference implementations"). Importing it imports nothing.
"""

from .._lazy import private_table

WHERE = {                                   # exercise name -> the module that defines it as _<name>
    "bootstrap_indices": "bagging",
    "hard_vote": "bagging",
    "soft_vote": "bagging",
    "fit_stump": "stump",
    "integral_image": "haar",
    "rect_sum": "haar",
    "haar_feature": "haar",
    "gb_fixed_partitions": "gradient_boosting",
}
__getattr__, __dir__ = private_table(__name__, WHERE)
