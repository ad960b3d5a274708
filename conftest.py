"""pytest hooks for checking the solution notebooks with nbval (``--nbval-lax``).

``make test`` runs ``pytest --nbval-lax ... tests solutions``; a contributor checks one week
with ``make nbval WEEK=week05_sequences`` (or ``pytest --nbval-lax solutions/week05_sequences``).
This file sits at the repo root so it is loaded for both. It adds what the course needs on top
of nbval's "every cell runs without an error":

* **one worker per notebook** - nbval runs a notebook's cells in one kernel, so they must stay
  on one pytest-xdist worker: the suite runs with ``--dist loadfile`` (``load`` and ``loadgroup``
  scatter the cells; pytest-xdist 3.8 here does not apply ``xdist_group`` marks at all);
* **no stderr** - a cell that writes to stderr fails, as nbgrader scores a graded cell 0 for
  any stderr (library warnings included);
* **timings** - each notebook's wall time (kernel start included) and its slowest cell are
  written to ``artifacts/notebook_timings.json`` for the README's cost table and the margin of
  ``Execute.timeout``.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
TIMINGS = Path(os.environ.get("DLCOURSE_NB_TIMINGS", ROOT / "artifacts" / "notebook_timings.json"))


def _is_nbval_cell(item) -> bool:
    return type(item).__name__ == "IPyNbCell" and str(getattr(item, "path", "")).endswith(".ipynb")


def _notebook(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if _is_nbval_cell(item):
            item.add_marker(pytest.mark.notebooks)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    if _is_nbval_cell(item):
        stderr = "".join(out.get("text", "") for out in (item.test_outputs or [])
                         if out.get("output_type") == "stream" and out.get("name") == "stderr")
        if stderr:
            raise AssertionError(
                f"{item.name} wrote to stderr, which costs a graded cell all its points in nbgrader "
                f"(silence the warning at its source, or fix the code that causes it):\n{stderr[:1500]}")
    return result


class _Timings:
    """A plugin on the xdist controller (or a run without xdist) that sums each notebook's
    setup/call/teardown durations and writes them when the session ends."""

    def __init__(self) -> None:
        self.total: dict[str, float] = defaultdict(float)
        self.slowest: dict[str, tuple[float, str]] = {}

    def pytest_runtest_logreport(self, report) -> None:
        nb, _, cell = report.nodeid.partition("::")
        if not nb.endswith(".ipynb") or not cell.startswith("Cell "):
            return
        nb = nb.removeprefix("solutions/")
        self.total[nb] += report.duration
        if report.when == "call" and report.duration > self.slowest.get(nb, (0.0, ""))[0]:
            self.slowest[nb] = (report.duration, cell.split("@", 1)[0])

    def pytest_sessionfinish(self) -> None:
        if not self.total:
            return
        TIMINGS.parent.mkdir(exist_ok=True)
        data = json.loads(TIMINGS.read_text()) if TIMINGS.exists() else {}
        for nb, seconds in self.total.items():
            secs, cell = self.slowest.get(nb, (0.0, ""))
            data[nb] = {"seconds": round(seconds, 1), "slowest_cell": cell, "slowest_cell_seconds": round(secs, 2)}
        TIMINGS.write_text(json.dumps(data, indent=1, sort_keys=True))


def pytest_configure(config):
    if not hasattr(config, "workerinput"):
        config.pluginmanager.register(_Timings(), "dlcourse-notebook-timings")
