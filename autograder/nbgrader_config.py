"""nbgrader configuration of the course (nbgrader 0.9).

nbgrader has no --config flag: it reads ``nbgrader_config.py`` from its working directory.
Run every nbgrader command from this folder (the Makefile does): the course root is the
repo root, computed from this file's own path, so the commands work from any checkout.

    solutions/<week>/        source (instructor notebooks with solutions and hidden tests)
    course/<week>/           release (generated, committed)
    autograder/submitted/<student>/<week>/   what students handed in   } git-ignored
    autograder/autograded/, autograder/feedback/, autograder/gradebook.db } runtime dirs
"""

import os

c = get_config()  # noqa: F821  (injected by traitlets when nbgrader loads this file)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUNTIME = os.environ.get("DLCOURSE_GRADING_DIR", os.path.join(ROOT, "autograder"))

c.CourseDirectory.root = ROOT
c.CourseDirectory.course_id = "dlcourse"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "course"
c.CourseDirectory.submitted_directory = os.path.join(RUNTIME, "submitted")
c.CourseDirectory.autograded_directory = os.path.join(RUNTIME, "autograded")
c.CourseDirectory.feedback_directory = os.path.join(RUNTIME, "feedback")
c.CourseDirectory.solution_directory = os.path.join(RUNTIME, "solution")
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(RUNTIME, "gradebook.db")

# Per-cell limit: the slowest solution cell takes < 2 s on 2 cores (measured); a student's
# infinite loop is interrupted after this and scores 0 for that cell.
c.Execute.timeout = 60
# Keep student releases free of nbgrader's "read-only" surprise on free demo cells.
c.LockCells.lock_readonly_cells = True
c.LockCells.lock_grade_cells = True
c.LockCells.lock_solution_cells = False
