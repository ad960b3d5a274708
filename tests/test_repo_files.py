"""The repo's install and Binder files, checked statically (Binder cannot be built here)."""

import os
import re

from course_layout import ROOT

BINDER = ROOT / "binder"


def _requirement_lines(path):
    return [ln.strip() for ln in path.read_text().splitlines() if ln.strip() and not ln.startswith("#")]


def test_lock_has_only_exact_pins_and_no_index():
    lines = _requirement_lines(BINDER / "lock.txt")
    assert lines and all(re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[^\s=]+", ln) for ln in lines), \
        [ln for ln in lines if "==" not in ln]
    assert "torch==2.13.0+cpu" in lines
    assert not any("torchvision" in ln for ln in lines), "torchvision breaks beside this torch"


def test_binder_requirements_add_the_cpu_index_and_include_the_lock():
    lines = _requirement_lines(BINDER / "requirements.txt")
    assert "-r lock.txt" in lines
    assert any(ln.startswith("--extra-index-url") and "download.pytorch.org/whl/cpu" in ln for ln in lines)
    assert not any("==" in ln for ln in lines), "pins belong in lock.txt only"


def test_binder_runtime_and_postbuild():
    assert (BINDER / "runtime.txt").read_text().strip() == "python-3.11"
    post = BINDER / "postBuild"
    assert os.access(post, os.X_OK), "postBuild must be executable"
    text = post.read_text()
    assert text.startswith("#!/bin/bash") and "set -e" in text and "pip install" in text


def test_local_installs_never_see_the_pytorch_index():
    makefile = (ROOT / "Makefile").read_text()
    assert "binder/lock.txt" in makefile and "binder/requirements.txt" not in makefile
    assert "download.pytorch.org" not in makefile + (ROOT / ".ci" / "run").read_text()
    assert "download.pytorch.org" not in (ROOT / "tests" / "requirements.txt").read_text()


def test_pyproject_uses_loose_ranges():
    text = (ROOT / "pyproject.toml").read_text()
    deps = re.search(r"dependencies = \[(.*?)\]", text, re.S).group(1)
    assert "==" not in deps, "exact pins belong in binder/lock.txt"


def test_grading_runtime_dirs_are_ignored():
    ignored = (ROOT / ".gitignore").read_text()
    for entry in ("autograder/submitted/", "autograder/autograded/", "autograder/feedback/", "autograder/gradebook.db"):
        assert entry in ignored
