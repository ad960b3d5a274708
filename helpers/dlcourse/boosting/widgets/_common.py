"""Helpers shared by the week 01 widgets."""

from __future__ import annotations

_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _sub(n: int) -> str:
    """Subscript digits: 12 -> '₁₂'."""
    return str(n).translate(_SUB)


def _stage_xlim(n_max: int) -> tuple[float, float]:
    """x limits for curves over stages 1..n_max: matplotlib's default 5 % margins, fixed."""
    pad = max(0.05 * (n_max - 1), 0.5)
    return 1 - pad, n_max + pad
