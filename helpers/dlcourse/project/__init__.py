"""Week 06 — consolidation: a CNN from the student's own parts, structuring a project, the mini-project.

Modules are imported by name (``from dlcourse.project.capstone import ...``); this package
re-exports nothing, so importing it stays cheap.
"""
