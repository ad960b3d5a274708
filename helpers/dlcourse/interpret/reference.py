"""Week 08's graded reference implementations, by exercise name: ``ref.get_activations`` is
``attribution._get_activations``. For the package and the tests; notebooks never import this module
(CONTRIBUTING.md, "Graded reference implementations"). Importing it imports nothing.
"""

from .._lazy import private_table

WHERE = {                                   # exercise name -> the module that defines it as _<name>
    "get_activations": "attribution",
    "normalize_filters": "attribution",
    "occlusion_map": "attribution",
    "relu_backward": "attribution",
    "activation_maximization": "synthesis",
    "tv_loss": "synthesis",
    "gram_matrix": "synthesis",
    "style_transfer_loss": "synthesis",
    "cam": "attribution",
    "grad_cam": "attribution",
}
__getattr__, __dir__ = private_table(__name__, WHERE)
