"""What a student meets in JupyterLab: notebooks run, every widget renders and responds.

Every widget builder of every week is exercised at least once: the solution notebooks are
chosen by a greedy cover of the builders they call (not every notebook: CI budget). Each
chosen notebook is Run All; then no cell may show an error or stderr, every course widget
(an ``Explorer``: controls + a PNG image) must have drawn, and moving its first control must
change the picture without an error message. One release notebook per week must load and run
its first cells. A deliberately broken widget must be caught by the same checks.
"""

from __future__ import annotations

import ast
import time
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "artifacts" / "e2e"

IDLE = ".jp-Notebook-ExecutionIndicator[data-status='idle']"
STDERR = ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
EXPLORER = "xpath=ancestor::div[contains(@class, 'widget-vbox')][1]"


def _widget_builders(nb_path: Path) -> set[str]:
    """Widget builders (names from a ``dlcourse.<topic>.widgets`` module) that the notebook calls."""
    nb = nbformat.read(str(nb_path), as_version=4)
    trees = [ast.parse(c.source) for c in nb.cells if c.cell_type == "code"]
    names, modules = {}, {}                       # local name -> builder; alias -> widgets module
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("dlcourse."):
                for alias in node.names:
                    if node.module.endswith(".widgets"):
                        names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
                    elif alias.name == "widgets":
                        modules[alias.asname or alias.name] = f"{node.module}.widgets"
    called = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                f = node.func
                if isinstance(f, ast.Name) and f.id in names:
                    called.add(names[f.id])
                elif isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id in modules:
                    called.add(f"{modules[f.value.id]}.{f.attr}")
    return called


def widget_cover() -> list[Path]:
    """A small set of solution notebooks that together call every widget builder."""
    builders = {p: _widget_builders(p) for p in sorted(ROOT.glob("solutions/week*/*.ipynb"))}
    missing, chosen = set().union(*builders.values()), []
    while missing:
        best = max(builders, key=lambda p: len(builders[p] & missing))
        chosen.append(best)
        missing -= builders[best]
    return chosen


def _run_started(page, seconds: float) -> bool:
    """Some cell is queued or has run ('[*]' or '[n]' in its prompt) within ``seconds``."""
    started = page.locator(r".jp-InputPrompt:text-matches('\\[(\\*|\\d+)\\]')")
    deadline = time.time() + seconds
    while not started.count():
        if time.time() > deadline:
            return False
        page.wait_for_timeout(250)
    return True


def run_all(page, lab, rel_path: str, timeout_s: float = 180) -> float:
    start = time.time()
    page.goto(lab.url(rel_path))
    page.wait_for_selector(IDLE, timeout=90_000)
    for _ in range(2):                     # on a loaded machine the menu click can be lost: then try once more
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
        if _run_started(page, seconds=20):
            break
    else:
        raise AssertionError(f"{rel_path}: Run All Cells started no cell (tried twice)")
    while page.locator(".jp-InputPrompt:has-text('[*]')").count():
        assert time.time() - start < timeout_s, f"{rel_path}: still running after {timeout_s} s"
        page.wait_for_timeout(500)
    page.wait_for_selector(IDLE, timeout=60_000)
    return time.time() - start


def cell_errors(page) -> list[str]:
    return [t[:300] for t in page.locator(STDERR).all_inner_texts()]


def _poke(container) -> str:
    """Move the first control of a course widget; return what was moved."""
    handle = container.locator(".noUi-handle").first
    if handle.count():
        handle.scroll_into_view_if_needed()
        handle.click()
        before = handle.get_attribute("aria-valuenow")
        for _ in range(2):
            handle.press("ArrowRight")
        if handle.get_attribute("aria-valuenow") == before:    # it started at its maximum: move it down
            for _ in range(2):
                handle.press("ArrowLeft")
        return "slider"
    select = container.locator("select").first
    if select.count():
        options = select.locator("option").all_inner_texts()
        select.select_option(index=1 if len(options) > 1 else 0)
        return "dropdown"
    box = container.locator("input[type=checkbox]").first
    if box.count():
        box.click()
        return "checkbox"
    container.locator("button").first.click()
    return "button"


def check_widgets(page, name: str) -> list[str]:
    """Problems with the notebook's course widgets (empty list: all rendered and responded)."""
    problems = []
    try:                                   # widget views render asynchronously after the output arrives
        page.wait_for_selector(".widget-image", state="attached", timeout=60_000)
    except Exception:  # noqa: BLE001 - reported below as "no course widget rendered"
        pass
    if page.locator("text=Error displaying widget").count():
        problems.append("'Error displaying widget' shown")
    images = page.locator(".widget-image")
    if images.count() == 0:
        problems.append("no course widget rendered")
    for i in range(images.count()):
        image = images.nth(i)
        image.scroll_into_view_if_needed()
        before = image.get_attribute("src") or ""
        if not before.startswith(("data:image", "blob:")):
            problems.append(f"widget {i}: no picture drawn")
            continue
        container = image.locator(EXPLORER)
        moved = _poke(container)
        deadline = time.time() + 15
        while (image.get_attribute("src") or "") == before and time.time() < deadline:
            page.wait_for_timeout(200)
        if (image.get_attribute("src") or "") == before:
            problems.append(f"widget {i}: moving its {moved} did not change the picture")
        if container.locator("pre").count():
            problems.append(f"widget {i}: shows an error: {container.locator('pre').first.inner_text()[:200]}")
        if i == 0:
            container.screenshot(path=str(SHOTS / f"{name}_widget0.png"))
    return problems


@pytest.fixture(autouse=True, scope="module")
def _shots_dir():
    SHOTS.mkdir(parents=True, exist_ok=True)


@pytest.mark.parametrize("nb_path", widget_cover(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_solution_notebook_runs_and_its_widgets_respond(page, lab, nb_path):
    rel = str(nb_path.relative_to(ROOT))
    seconds = run_all(page, lab, rel)
    page.screenshot(path=str(SHOTS / f"{nb_path.parent.name}_{nb_path.stem}.png"))
    errors = cell_errors(page)
    assert not errors, f"{rel}: error/stderr outputs after Run All ({seconds:.0f} s): {errors[:3]}"
    problems = check_widgets(page, f"{nb_path.parent.name}_{nb_path.stem}")
    if problems == ["no course widget rendered"]:
        # Seen once (CI, 2026-11-22, 01_optimisers): Run All finished, no error, yet no widget view attached
        # (the notebook passes alone and in other runs). Record what the outputs showed, then
        # run the notebook once more: a widget that is really broken fails the second run too.
        shown = [t[:120] for t in page.locator(".jp-OutputArea-output").all_inner_texts() if "idget" in t][:3]
        print(f"{rel}: no widget view after Run All (widget-like outputs: {shown}); running it again")
        run_all(page, lab, rel)
        problems = check_widgets(page, f"{nb_path.parent.name}_{nb_path.stem}")
    assert not problems, f"{rel}: {problems}"


WEEK_RELEASES = [sorted(p.glob("*.ipynb"))[0] for p in sorted(ROOT.glob("course/week*")) if any(p.glob("*.ipynb"))]


@pytest.mark.parametrize("nb_path", WEEK_RELEASES, ids=lambda p: p.parent.name)
def test_release_notebook_loads_and_its_first_cells_run(page, lab, nb_path):
    rel = str(nb_path.relative_to(ROOT))
    page.goto(lab.url(rel))
    page.wait_for_selector(IDLE, timeout=90_000)
    setup = page.locator(".jp-CodeCell").first            # the setup cell: imports and seeding
    setup.click()
    deadline = time.time() + 90
    while not setup.locator(r".jp-InputPrompt:text-matches('\\[\\d+\\]')").count():
        assert time.time() < deadline, "the setup cell did not run within 90 s"
        if not setup.locator(".jp-InputPrompt:has-text('[*]')").count():
            page.keyboard.press("Control+Enter")          # (re)run it: the kernel may still have been starting
        page.wait_for_timeout(2000)
    page.keyboard.press("Shift+Enter")                    # and the cell after it
    page.wait_for_timeout(1000)
    page.wait_for_selector(IDLE, timeout=60_000)
    page.screenshot(path=str(SHOTS / f"{nb_path.parent.name}_release_{nb_path.stem}.png"))
    assert not cell_errors(page), f"{rel}: {cell_errors(page)}"


BROKEN = '''
import ipywidgets as W
from dlcourse.widgetkit import Explorer

def compute(a):
    if a > 1:
        raise ValueError("deliberately broken widget")
    return {"a": a}

def render(state, fig):
    fig.add_subplot().plot([0, 1], [0, state["a"]])

Explorer({"a": W.IntSlider(1, min=0, max=5)}, compute, render)
'''


def test_the_checks_catch_a_deliberately_broken_widget(page, lab):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(BROKEN)], metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}})
    nbformat.write(nb, str(lab.root / "broken_widget.ipynb"))
    run_all(page, lab, "broken_widget.ipynb")
    problems = check_widgets(page, "broken_widget")
    assert any("did not change the picture" in p for p in problems), problems
    assert any("deliberately broken widget" in p for p in problems), problems


def test_every_widget_builder_is_exercised_by_some_notebook():
    """The browser run reaches every widget only through notebooks that call it."""
    import importlib
    import pkgutil

    import dlcourse

    builders = set()
    for info in pkgutil.iter_modules(dlcourse.__path__):
        try:
            module = importlib.import_module(f"dlcourse.{info.name}.widgets")
        except ModuleNotFoundError:
            continue
        builders |= {f"{module.__name__}.{name}" for name in module.__all__}
    covered = set().union(*(_widget_builders(p) for p in widget_cover()))
    assert builders <= covered, f"widgets no notebook calls (so the browser never sees them): {builders - covered}"
