"""dlcourse.grading: instructor grading that survives real classes, and the students' pre-check.

- ``dlcourse-grade WEEK SUBMISSIONS`` (:mod:`.cli`, steps in :mod:`.batch`): normalise an LMS
  export, classify, grade every submission in its own process group with limits, in parallel,
  through nbgrader's own autograde pipeline; feedback HTML, CSV, summary.
- :func:`dlcourse.grading.precheck.check_submission`: what a student runs before submitting.

Importing this package imports nothing heavy (no nbgrader, no numpy): the modules that need
them import them when called.
"""

__all__ = ["check_submission"]


def check_submission(path=None, release=None):
    """Report deleted, duplicated, retyped or edited graded cells before you submit."""
    from .precheck import check_submission as _check

    return _check(path, release)
