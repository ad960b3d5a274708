"""Lazy attribute tables for the weeks' ``reference`` modules (CONTRIBUTING.md, "Graded reference
implementations"): ``ref.fit_stump`` is ``<week>.<WHERE["fit_stump"]>._fit_stump``, imported on first use."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from importlib import import_module


def private_table(module: str, where: Mapping[str, str]) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for the module ``module`` whose names live, privately, in
    ``<package>.<where[name]>`` as ``_<name>``. A resolved name is cached in the module. The
    module defines no ``__all__``: its names are not public API (tests/test_notebook_hygiene.py)."""
    package = module.rpartition(".")[0]

    def __getattr__(name: str):
        if name not in where:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        value = getattr(import_module(f"{package}.{where[name]}"), "_" + name)
        setattr(sys.modules[module], name, value)            # later look-ups are plain attribute reads
        return value

    def __dir__() -> list[str]:
        return list(where)

    return __getattr__, __dir__
