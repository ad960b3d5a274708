"""Week 06 — consolidation: a CNN from the student's own parts, structuring a project, the mini-project.

Modules are imported by name (``from dlcourse.project.capstone import ...``); this package
re-exports nothing, so importing it stays cheap. Graded pieces are private (a leading underscore);
the package and the tests reach them through :mod:`.reference`, by exercise name. Figures of
the capstone in :mod:`.plots`.
"""
