"""The suite runs offline: prove that the guard, not luck, is what blocks the network.

``make test`` sets DLCOURSE_OFFLINE=1 and puts tests/offline on PYTHONPATH, so every process
of the suite (and every kernel it starts) refuses non-loopback connections.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

GUARD_DIR = Path(__file__).resolve().parent / "offline"
PROBE = ("import socket; s = socket.create_connection(('pypi.org', 443), timeout=10); "
         "print('connected'); s.close()")


def _python(code: str, offline: bool) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DLCOURSE_OFFLINE", "PYTHONPATH")}
    if offline:
        env.update(DLCOURSE_OFFLINE="1", PYTHONPATH=str(GUARD_DIR))
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)


def test_the_suite_itself_runs_under_the_guard():
    if os.environ.get("DLCOURSE_OFFLINE") != "1":
        pytest.skip("not run through `make test` (DLCOURSE_OFFLINE is not set)")
    import socket
    assert hasattr(socket, "OfflineError"), "tests/offline/sitecustomize.py was not imported"


def test_the_guard_is_what_blocks_a_connection_that_otherwise_succeeds():
    without = _python(PROBE, offline=False)
    if "connected" not in without.stdout:
        pytest.skip(f"pypi.org is unreachable from here even without the guard: {without.stderr[-200:]}")
    with_guard = _python(PROBE, offline=True)
    assert with_guard.returncode != 0 and "dlcourse offline guard" in with_guard.stderr


def test_loopback_stays_allowed_under_the_guard():
    code = ("import socket; srv = socket.socket(); srv.bind(('127.0.0.1', 0)); srv.listen(1); "
            "c = socket.create_connection(srv.getsockname()); print('ok')")
    assert _python(code, offline=True).stdout.strip() == "ok"


def test_a_notebook_that_downloads_fails_under_the_guard(tmp_path):
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = new_notebook(cells=[new_code_cell(
        "import urllib.request\nurllib.request.urlopen('https://pypi.org/simple/', timeout=10)")])
    env_backup = dict(os.environ)
    os.environ.update(DLCOURSE_OFFLINE="1", PYTHONPATH=str(GUARD_DIR))   # the kernel inherits these
    try:
        with pytest.raises(CellExecutionError, match="offline guard"):
            NotebookClient(nb, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    finally:
        os.environ.clear()
        os.environ.update(env_backup)
