"""Week 04's graded reference implementations, by exercise name: ``ref.iterate_minibatches`` is
``optimizers._iterate_minibatches``. For the package and the tests; notebooks never import this module
(CONTRIBUTING.md, "Graded reference implementations"). Importing it imports nothing.
"""

from .._lazy import private_table

WHERE = {                                   # exercise name -> the module that defines it as _<name>
    "iterate_minibatches": "optimizers",
    "time_decay": "schedules",
    "step_decay": "schedules",
    "exp_decay": "schedules",
    "momentum_step": "optimizers",
    "rmsprop_step": "optimizers",
    "adam_step": "optimizers",
    "glorot_uniform": "vanishing",
    "he_normal": "vanishing",
    "layer_grad_norms": "deep",
    "l2_penalty": "regularization",
    "l1_penalty": "regularization",
    "EarlyStopping": "regularization",
    "dropout_forward": "regularization",
    "augment": "augment",
    "batchnorm_forward": "batchnorm",
    "batchnorm_backward": "batchnorm",
    "batchnorm_eval": "batchnorm",
}
__getattr__, __dir__ = private_table(__name__, WHERE)
