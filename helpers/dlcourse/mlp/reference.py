"""Week 02's graded reference implementations, by exercise name: ``ref.perceptron_predict`` is
``perceptron._perceptron_predict``. For the package and the tests; notebooks never import this module
(CONTRIBUTING.md, "Graded reference implementations"). Importing it imports nothing.
"""

from .._lazy import private_table

WHERE = {                                   # exercise name -> the module that defines it as _<name>
    "perceptron_predict": "perceptron",
    "train_perceptron": "perceptron",
    "sigmoid": "activations",
    "sigmoid_grad": "activations",
    "tanh": "activations",
    "tanh_grad": "activations",
    "relu": "activations",
    "relu_grad": "activations",
    "softmax": "activations",
    "bce": "losses",
    "cce": "losses",
    "mse": "losses",
    "init_mlp": "network",
    "mlp_forward": "network",
    "mlp_backward": "network",
    "Value": "engine",
    "Neuron": "engine",
    "Layer": "engine",
    "MLP": "engine",
}
__getattr__, __dir__ = private_table(__name__, WHERE)
