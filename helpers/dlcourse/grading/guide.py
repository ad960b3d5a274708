"""The per-week grading guide: every manually graded answer's question, rubric and model answer.

nbgrader's formgrader shows the student's answer and a score box, but has no instructor-only
field for a rubric or a model answer. The guide collects them from the solution notebooks, in
the order the student meets them, so a grader can open it beside formgrader::

    make guide                                   # every week -> autograder/guides/<week>.md
    python -m dlcourse.grading.guide week01_boosting [--solutions DIR] [--out DIR]

A manual answer is a markdown cell with nbgrader ``grade`` and ``solution`` set. Its question is
the markdown cell just above it, which prints the rubric as ``**Rubric (N points):** …``; the
model answer is the answer cell's text between ``### BEGIN SOLUTION`` and ``### END SOLUTION``.
The guide is generated output (git-ignored): regenerate it after editing a notebook.
"""

from __future__ import annotations

import argparse
import json
import re
from dataclasses import dataclass
from pathlib import Path

from .cells import MANUAL, nbgrader_md, role
from .cells import source as _source

__all__ = ["ManualItem", "manual_items", "render_guide", "write_guides"]

RUBRIC = re.compile(r"\*\*Rubric \((\d+(?:\.\d+)?) points?\):\*\*\s*(?P<text>.*?)(?:\n\s*\n|\Z)", re.DOTALL)
HEADING = re.compile(r"^#{1,4}\s+(.+)$", re.MULTILINE)


@dataclass(frozen=True)
class ManualItem:
    """One manually graded answer of a solution notebook."""

    notebook: str           # file name, e.g. "01_ensembles.ipynb"
    grade_id: str           # the cell's nbgrader grade_id (what formgrader shows)
    points: float           # the cell's points
    section: str            # the nearest heading above the answer
    question: str           # the markdown cell above the answer, verbatim
    rubric: str | None      # the text after "**Rubric (N points):**", None if the question has none
    rubric_points: float | None
    model_answer: str       # the solution region of the answer cell


def manual_items(notebook: Path) -> list[ManualItem]:
    """The manually graded answers of one solution notebook, in order."""
    cells = json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]
    items, section = [], ""
    for i, cell in enumerate(cells):
        src = _source(cell)
        if cell["cell_type"] == "markdown":
            headings = HEADING.findall(src)
            if headings:
                section = headings[-1].strip()
        if role(cell) != MANUAL:
            continue
        md = nbgrader_md(cell)
        question = _source(cells[i - 1]).strip() if i else ""
        m = RUBRIC.search(question)
        answer = src.split("### BEGIN SOLUTION", 1)[-1].split("### END SOLUTION", 1)[0].strip()
        items.append(ManualItem(Path(notebook).name, md["grade_id"], md.get("points", 0),
                                HEADING.findall(question)[-1].strip() if HEADING.findall(question) else section,
                                question, m.group("text").strip() if m else None,
                                float(m.group(1)) if m else None, answer))
    return items


def _points(x: float) -> str:
    return f"{x:g}"


def _question_text(question: str) -> str:
    """The question without its headings (the guide has its own) and without the rubric (shown apart)."""
    text = RUBRIC.sub("", question)
    return "\n".join(line for line in text.splitlines() if not HEADING.match(line)).strip()


def _criteria(rubric: str) -> str:
    """One bullet per criterion (the rubric lists them separated by semicolons)."""
    return "\n".join(f"- {' '.join(c.split())}" for c in rubric.split(";") if c.strip())


def _quote(text: str) -> str:
    return "\n".join(f"> {line}".rstrip() for line in text.splitlines())


def render_guide(week: str, solutions: Path) -> str:
    """The grading guide of one week as Markdown (math kept as $…$ for JupyterLab's preview)."""
    notebooks = sorted((Path(solutions) / week).glob("*.ipynb"))
    items = [item for nb in notebooks for item in manual_items(nb)]
    total = sum(item.points for item in items)
    lines = [f"# Grading guide: {week}", "",
             "Generated from `solutions/` by `make guide` (`python -m dlcourse.grading.guide`); do not edit.",
             "Open it beside nbgrader's formgrader. For each manually graded answer: the question as",
             "students see it, the rubric (criteria and points) and the model answer. Give partial",
             "points per criterion; a different argument that meets a criterion earns it.", "",
             f"Manually graded: {len(items)} answers, {_points(total)} of the week's 100 points.", ""]
    if not items:
        lines.append("This week has no manually graded answers.")
    for n, item in enumerate(items, 1):
        lines += [f"## {n}. {item.notebook} · `{item.grade_id}` · {_points(item.points)} points", "",
                  f"*Section:* {item.section}", ""]
        if item.rubric is None:
            lines += ["> **No rubric printed with this question.** Add `**Rubric (N points):** …` to it.", ""]
        elif item.rubric_points != item.points:
            lines += [f"> **The rubric says {_points(item.rubric_points)} points, the cell is worth "
                      f"{_points(item.points)}.** Fix the notebook.", ""]
        lines += ["### Question", "", _quote(_question_text(item.question)), "",
                  "### Rubric", "", _criteria(item.rubric) if item.rubric else "(none)", "",
                  "### Model answer", "", item.model_answer, "", "---", ""]
    return "\n".join(lines).rstrip() + "\n"


def write_guides(weeks: list[str], solutions: Path, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for week in weeks:
        path = out / f"{week}.md"
        path.write_text(render_guide(week, solutions), encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    root = Path.cwd()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("weeks", nargs="*", help="week folders (default: every solutions/week*)")
    parser.add_argument("--solutions", type=Path, default=root / "solutions")
    parser.add_argument("--out", type=Path, default=root / "autograder" / "guides")
    args = parser.parse_args(argv)
    weeks = args.weeks or sorted(p.name for p in args.solutions.glob("week*") if p.is_dir())
    for path in write_guides(weeks, args.solutions, args.out):
        print(f"grading guide: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
