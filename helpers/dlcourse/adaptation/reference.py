"""Week 11's graded reference implementations, by exercise name: ``ref.grad_reverse`` is
``dann._grad_reverse``. For the package and the tests; notebooks never import this module
(CONTRIBUTING.md, "Graded reference implementations"). Importing it imports nothing.
"""

from .._lazy import private_table

WHERE = {                                   # exercise name -> the module that defines it as _<name>
    "proxy_a_distance": "shift",
    "grad_reverse": "dann",
    "dann_lambda": "dann",
    "domain_labels": "dann",
    "dann_step": "dann",
    "tradaboost_error": "tradaboost",
    "tradaboost_update": "tradaboost",
    "tradaboost_round": "tradaboost",
}
__getattr__, __dir__ = private_table(__name__, WHERE)
