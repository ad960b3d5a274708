"""The committed student release is exactly what nbgrader makes of solutions/, and every
public check fails on the untouched stubs (nbgrader's Validator, since its CLI always exits 0)."""

from __future__ import annotations

import filecmp

import pytest

from course_layout import COURSE, RELEASE_NOTEBOOKS, WEEKS, rel
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
