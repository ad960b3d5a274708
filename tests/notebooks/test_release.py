"""The committed student release is exactly what nbgrader makes of solutions/, and every
public check fails on the untouched stubs (nbgrader's Validator, since its CLI always exits 0)."""

from __future__ import annotations

import filecmp
import re

import nbformat
import pytest

from course_layout import COURSE, RELEASE_NOTEBOOKS, ROOT, WEEKS, rel
from nbgrader_run import make_course_copy, nbgrader


def test_release_is_in_sync_with_solutions(tmp_path):
    for week in WEEKS:
        root = make_course_copy(tmp_path / week, week, with_release=False)
        nbgrader(root, "generate_assignment", week, "--force", "--no-db")
        fresh = root / "course" / week
        committed = COURSE / week
        assert committed.is_dir(), f"course/{week} is missing: run `make release`"
        cmp = filecmp.dircmp(fresh, committed)
        assert not cmp.left_only and not cmp.right_only, f"{week}: files differ: {cmp.left_only} vs {cmp.right_only}"
        stale = [name for name in cmp.common_files if (fresh / name).read_bytes() != (committed / name).read_bytes()]
        assert not stale, f"course/{week} is stale for {stale}: run `make release` and commit course/"


@pytest.mark.notebooks
@pytest.mark.parametrize("nb_path", RELEASE_NOTEBOOKS, ids=rel)
def test_every_public_check_fails_on_the_untouched_stub(nb_path):
    from nbgrader.validator import Validator

    result = Validator(invert=True).validate(str(nb_path))
    assert not result.get("passed"), (
        f"{rel(nb_path)}: these test cells pass on the untouched stub, so they check nothing: "
        f"{[c.get('source', '')[:80] for c in result['passed']]}")


def _landing():
    import importlib.util

    spec = importlib.util.spec_from_file_location("landing", ROOT / "helpers" / "scripts" / "landing.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_course_root_holds_only_the_weeks_and_the_landing_page():
    """Students' JupyterLab opens on course/: nothing there but the week folders and START_HERE."""
    landing = _landing()
    entries = sorted(p.name for p in COURSE.iterdir() if p.name not in (".ipynb_checkpoints",))
    assert entries == sorted(WEEKS + [landing.LANDING]), f"course/ holds {entries}"


def test_landing_page_is_in_sync_with_the_readme_and_links_every_notebook():
    landing = _landing()
    committed = (COURSE / landing.LANDING).read_text(encoding="utf-8")
    assert committed == landing.render((ROOT / "README.md").read_text(encoding="utf-8")), \
        "course/START_HERE.ipynb is stale: run `make release` (it is built from README.md's course map)"
    links = re.findall(r"\]\((week[^)]+\.ipynb)\)", committed)
    assert sorted(links) == sorted(rel(p).removeprefix("course/") for p in RELEASE_NOTEBOOKS), links
    for needed in ("dlcourse.check_submission()", "## Where to get help", "## How to work in a notebook"):
        assert needed in committed, f"the landing page lacks {needed!r}"
    nb = nbformat.reads(committed, as_version=4)
    assert all(c.cell_type == "markdown" for c in nb.cells), "the landing page holds no code"
