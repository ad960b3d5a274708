"""The graded reference implementations of week 08: one per exercise a notebook asks for.

Each is defined, under its exercise's name with a leading underscore, in the numerics module
listed below (``get_activations`` is ``attribution._get_activations``);
widgets, other modules and tests use it through this module, by the exercise's name::

    from dlcourse.interpret import reference as ref
    ref.get_activations(...)

Notebooks never import this module (``tests/test_notebook_hygiene.py``), and the grader notes
a submission whose graded cells do (CONTRIBUTING.md, "Graded reference implementations").
Attributes resolve lazily on first use, so importing this module imports nothing.
"""

from __future__ import annotations

from importlib import import_module

# exercise name -> the module (of this package) that defines it as ``_<name>``
WHERE = {
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

__all__ = list(WHERE)


def __getattr__(name: str):
    if name not in WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__package__}.{WHERE[name]}"), "_" + name)
    globals()[name] = value                  # later look-ups are plain attribute reads
    return value


def __dir__() -> list[str]:
    return __all__
