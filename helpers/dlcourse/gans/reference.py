"""The graded reference implementations of week 07: one per exercise a notebook asks for.

Each is defined, under its exercise's name with a leading underscore, in the numerics module
listed below (``optimal_discriminator`` is ``losses._optimal_discriminator``);
widgets, other modules and tests use it through this module, by the exercise's name::

    from dlcourse.gans import reference as ref
    ref.optimal_discriminator(...)

Notebooks never import this module (``tests/test_notebook_hygiene.py``), and the grader notes
a submission whose graded cells do (CONTRIBUTING.md, "Graded reference implementations").
Attributes resolve lazily on first use, so importing this module imports nothing.
"""

from __future__ import annotations

from importlib import import_module

# exercise name -> the module (of this package) that defines it as ``_<name>``
WHERE = {
    "optimal_discriminator": "losses",
    "d_loss": "losses",
    "g_loss_nonsat": "losses",
    "g_loss_minimax": "losses",
    "d_loss_logits": "losses",
    "g_loss_logits": "losses",
    "d_step": "training",
    "g_step": "training",
    "count_modes": "tools",
    "train_gan": "training",
    "DCGenerator": "models",
    "DCDiscriminator": "models",
    "interpolate": "tools",
    "adain": "tools",
    "receptive_field": "tools",
    "cycle_loss": "tools",
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
