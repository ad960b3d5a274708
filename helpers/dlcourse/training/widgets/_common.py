"""Helpers shared by the week 04 widgets."""

from __future__ import annotations

from collections.abc import Callable


from ..optimizers import _adam_step, _momentum_step, _rmsprop_step, _sgd_step

REFERENCE_STEPS: dict[str, Callable] = {"SGD": _sgd_step, "momentum": _momentum_step, "RMSProp": _rmsprop_step,
                                        "Adam": _adam_step}
