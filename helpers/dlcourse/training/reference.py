"""The graded reference implementations of week 04: one per exercise a notebook asks for.

Each is defined, under its exercise's name with a leading underscore, in the numerics module
listed below (``iterate_minibatches`` is ``optimizers._iterate_minibatches``);
widgets, other modules and tests use it through this module, by the exercise's name::

    from dlcourse.training import reference as ref
    ref.iterate_minibatches(...)

Notebooks never import this module (``tests/test_notebook_hygiene.py``), and the grader notes
a submission whose graded cells do (CONTRIBUTING.md, "Graded reference implementations").
Attributes resolve lazily on first use, so importing this module imports nothing.
"""

from __future__ import annotations

from importlib import import_module

# exercise name -> the module (of this package) that defines it as ``_<name>``
WHERE = {
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
