"""Helpers shared by the week 04 widgets."""

from __future__ import annotations

from collections.abc import Callable


from ..optimizers import _sgd_step
from .. import reference as ref

REFERENCE_STEPS: dict[str, Callable] = {"SGD": _sgd_step, "momentum": ref.momentum_step, "RMSProp": ref.rmsprop_step,
                                        "Adam": ref.adam_step}
