"""Week 01 printed tables: plain text for ``print`` (the figures' tables are in :mod:`.plots`)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

__all__ = ["columns_table"]


def columns_table(columns: Mapping[str, np.ndarray], footer: Mapping[str, Mapping[str, float]] | None = None,
                  row_label: str = "sample", width: int = 9, decimals: int = 4) -> str:
    """Columns of N numbers side by side, rows numbered 1..N, as text.

    ``columns`` : name -> (N,) values. ``footer`` : row label -> {column name: value}, one extra row
    per entry with blanks under the columns it does not name (e.g. ``{"Z": {"unnorm1": 0.92}}``).
    """
    names = list(columns)
    first = len(row_label)
    lines = [row_label.rjust(first) + "".join(name.rjust(width) for name in names)]
    n = len(next(iter(columns.values())))
    for i in range(n):
        lines.append(f"{i + 1:>{first}}" + "".join(f"{columns[name][i]:{width}.{decimals}f}" for name in names))
    for label, row in (footer or {}).items():
        lines.append(label.rjust(first) + "".join(f"{row[name]:{width}.{decimals}f}" if name in row else " " * width
                                                  for name in names))
    return "\n".join(lines)
