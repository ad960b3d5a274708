"""The root conftest.py's additions to nbval work: a cell that writes to stderr fails with a
message saying why, a clean notebook passes, and each notebook's timing is recorded."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from course_layout import ROOT


@pytest.mark.notebooks
def test_nbval_fails_a_cell_that_writes_to_stderr_and_records_timings(tmp_path):
    folder = ROOT / "artifacts" / "nbval_selftest"   # under the repo, so the root conftest applies
    folder.mkdir(parents=True, exist_ok=True)
    clean, noisy = folder / "clean.ipynb", folder / "noisy.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("x = 1 + 1\nprint(x)")]), str(clean))
    nbformat.write(new_notebook(cells=[new_code_cell("import sys\nsys.stderr.write('a library warning\\n')"),
                                       new_code_cell("y = 2")]), str(noisy))
    timings = tmp_path / "timings.json"
    proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:xdist", "--nbval-lax", "-q", "-rf",
                           str(clean), str(noisy)], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "DLCOURSE_NB_TIMINGS": str(timings)})
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out[-3000:]
    assert "1 failed, 2 passed" in out, out[-3000:]
    assert "noisy.ipynb::Cell 0" in out and "wrote to stderr" in out and "a library warning" in out, out[-3000:]
    recorded = json.loads(timings.read_text())
    assert {k.rsplit("/", 1)[-1] for k in recorded} == {"clean.ipynb", "noisy.ipynb"}, recorded
    assert all(v["seconds"] > 0 for v in recorded.values()), recorded
