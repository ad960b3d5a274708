"""Write the students' front door, ``course/START_HERE.ipynb`` (run by ``make release``).

Students whose JupyterLab opens on ``course/`` see the week folders and this notebook. It holds
no code: the course map (taken from README.md's "Course map" table, so the map lives in one
place), how to run a notebook, how to check a notebook before submitting it, where to get help.

    python helpers/scripts/landing.py            # writes course/START_HERE.ipynb
    python helpers/scripts/landing.py --check    # exit 1 if the committed page is stale

Deterministic: the same README gives the same bytes (fixed cell ids, no outputs).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[2]
LANDING = "START_HERE.ipynb"
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def course_map_rows(readme: str) -> list[tuple[str, str, str, str]]:
    """(week, notebook path under course/, what you build, points) for each row of README's map."""
    section = readme.split("## Course map", 1)[1].split("\n## ", 1)[0]
    rows, week = [], ""
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or not cells[1].startswith("`course/"):
            continue
        week = cells[0] or week
        rows.append((week, cells[1].strip("`").removeprefix("course/"), cells[2], cells[3]))
    if not rows:
        raise ValueError("README.md has no course map rows (| week | `course/...ipynb` | what | points |)")
    return rows


WELCOME = """# Start here

Welcome to **dlcourse**, an interactive course on ensembles and deep learning. Each week is a folder of
notebooks (on the left). Every notebook explains an idea, lets you *play* with it in widgets, and asks you
to *build* it: you write a function, and checks tell you at once whether it works and, if not, what is
most likely wrong. Everything runs on a laptop CPU, offline."""

MAP_INTRO = """## Course map

Work through a week's notebooks in order: later notebooks use what earlier ones built. Each week is worth
100 points: autograded exercises, a short quiz at the end of the week and one or two written answers."""

HOW_TO_RUN = """## How to work in a notebook

1. Open the notebook and run it from the top, cell by cell, with `Shift+Enter` (**Run → Run All Cells** stops
   at the first exercise you have not solved yet). The header gives the run time (the computer's) and the
   study time (yours) to expect.
2. Read, then do the **Predict first** prompts *before* you move a widget: write down a guess, explore,
   then open the answer below the widget.
3. Each exercise is a code cell with `raise NotImplementedError()` where your code goes. Replace that line
   with your answer and run the cell, then run the **test cell** under it. A ✓ line means a public check
   passed; a failing check says what differs and the likely cause. More tests run after you submit.
4. Stuck? Each exercise has up to three hints (click to open): a nudge, the formula, then a partial step.
5. Quiz answers are one variable each (`q1 = "b"`, `q2 = 0.25`, …): the check only tells you whether the
   answer has the right form; it is graded after you submit.
6. Written answers go in the markdown cell under the question, which prints its rubric: what earns the
   points.

If a widget does not respond, run the cell again; if a notebook misbehaves, **Kernel → Restart Kernel and
Run All Cells**. Your edits are saved in the notebook file (`Ctrl+S`)."""

BEFORE_SUBMITTING = """## Before you submit: check your notebook

Hand in the notebooks with their original names, in their week folder. Graded and read-only cells must
stay as they are: do not delete, copy, split or retype them, and do not change a cell's type. To check,
save the notebook, add a new cell at its end and run

```python
import dlcourse; dlcourse.check_submission()
```

It compares your notebook with its release and lists deleted, duplicated or retyped answer cells and
edited read-only cells, with what to do about each. Then run **Kernel → Restart Kernel and Run All
Cells** once: the grader runs your notebook from the top in a fresh kernel, so everything your answers
need must be defined in the notebook itself. You may delete the check cell again."""

HELP = """## Where to get help

- **In the notebook:** the hints under each exercise, the message of the failing check, and the
  "Further reading" list in each notebook's header.
- **After grading:** your feedback lists every test with its points and, for a failed one, the message
  that explains what was wrong (hidden tests included), and the quiz's right answers with why.
- **People:** ask on your course's forum or in the help sessions your instructor announces. Quote the
  notebook, the exercise and the check's message; do not post your solution code.
- **Running it yourself:** the course's README explains `make lab` (install and start JupyterLab on these
  notebooks) on your own computer."""


def build(readme: str) -> nbformat.NotebookNode:
    rows = course_map_rows(readme)
    table = ["| week | notebook | what you build | points |", "|---|---|---|---|"]
    last = None
    for week, path, what, points in rows:
        table.append(f"| {week if week != last else ''} | [{Path(path).name}]({path}) | {what} | {points} |")
        last = week
    texts = [WELCOME, MAP_INTRO + "\n\n" + "\n".join(table), HOW_TO_RUN, BEFORE_SUBMITTING, HELP]
    nb = new_notebook(metadata={"kernelspec": KERNELSPEC, "language_info": {"name": "python"}})
    for i, text in enumerate(texts):
        cell = new_markdown_cell(text)
        cell["id"] = f"start-here-{i}"
        nb.cells.append(cell)
    return nb


def render(readme: str) -> str:
    return nbformat.writes(build(readme)) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="write course/START_HERE.ipynb from README.md's course map")
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed page differs")
    args = parser.parse_args(argv)
    text = render((ROOT / "README.md").read_text(encoding="utf-8"))
    target = ROOT / "course" / LANDING
    if args.check:
        same = target.exists() and target.read_text(encoding="utf-8") == text
        print(f"{target.relative_to(ROOT)} is {'up to date' if same else 'stale: run `make release`'}")
        return 0 if same else 1
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
