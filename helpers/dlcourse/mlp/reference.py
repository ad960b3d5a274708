"""The graded reference implementations of week 02: one per exercise a notebook asks for.

Each is defined, under its exercise's name with a leading underscore, in the numerics module
listed below (``perceptron_predict`` is ``perceptron._perceptron_predict``);
widgets, other modules and tests use it through this module, by the exercise's name::

    from dlcourse.mlp import reference as ref
    ref.perceptron_predict(...)

Notebooks never import this module (``tests/test_notebook_hygiene.py``), and the grader notes
a submission whose graded cells do (CONTRIBUTING.md, "Graded reference implementations").
Attributes resolve lazily on first use, so importing this module imports nothing.
"""

from __future__ import annotations

from importlib import import_module

# exercise name -> the module (of this package) that defines it as ``_<name>``
WHERE = {
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

__all__ = list(WHERE)


def __getattr__(name: str):
    if name not in WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__package__}.{WHERE[name]}"), "_" + name)
    globals()[name] = value                  # later look-ups are plain attribute reads
    return value


def __dir__() -> list[str]:
    return __all__
