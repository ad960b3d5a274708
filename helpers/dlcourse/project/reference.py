"""Week 06's graded reference implementations, by exercise name: ``ref.diagnose`` is
``structuring._diagnose``. For the package and the tests; notebooks never import this module
(CONTRIBUTING.md, "Graded reference implementations"). Importing it imports nothing.

Exercise 1 of the capstone (``conv2d_backward``) is week 03's challenge exercise: ``dlcourse.cnn.reference.conv2d_backward``.
"""

from .._lazy import private_table

WHERE = {                                   # exercise name -> the module that defines it as _<name>
    "softmax_cross_entropy": "capstone",
    "build_capstone": "capstone",
    "fit_capstone": "capstone",
    "diagnose": "structuring",
    "confusion_matrix": "structuring",
    "error_ceiling": "structuring",
    "select_model": "structuring",
}
__getattr__, __dir__ = private_table(__name__, WHERE)
