"""The graded reference implementations of week 03: one per exercise a notebook asks for.

Each is defined, under its exercise's name with a leading underscore, in the numerics module
listed below (``conv_output_size`` is ``conv._conv_output_size``);
widgets, other modules and tests use it through this module, by the exercise's name::

    from dlcourse.cnn import reference as ref
    ref.conv_output_size(...)

Notebooks never import this module (``tests/test_notebook_hygiene.py``), and the grader notes
a submission whose graded cells do (CONTRIBUTING.md, "Graded reference implementations").
Attributes resolve lazily on first use, so importing this module imports nothing.
"""

from __future__ import annotations

from importlib import import_module

# exercise name -> the module (of this package) that defines it as ``_<name>``
WHERE = {
    "conv_output_size": "conv",
    "conv_param_count": "conv",
    "conv2d_naive": "conv",
    "conv2d": "conv",
    "max_pool2d": "conv",
    "avg_pool2d": "conv",
    "receptive_field": "architectures",
    "conv_mults": "architectures",
    "iou": "detection",
    "nms": "detection",
    "yolo_encode": "detection",
    "yolo_decode": "detection",
    "best_anchor": "detection",
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
