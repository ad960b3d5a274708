"""`make bench`: what the course costs to run, measured, against its budgets.

    python tests/benchmarks/bench.py [--only notebooks,widgets,kernels,grading,seeds] [--submissions N]
                                     [--repeats R] [--seeds-match TEXT] [--update-readme]

Sections (each row reports ✓/✗ against its budget; nothing here fails a build):
- notebooks: every solution notebook executed once, in order, on all cores (nbclient; wall
  time includes kernel start-up; peak RSS of the kernel process) - budget 60 s, 1.5 GB;
- widgets: every widget builder of every week (``dlcourse.<topic>.widgets.__all__``, found by
  ``dlcourse.widgetkit.testing.widget_modules``, as the conformance test finds them), built
  with its defaults; each control is visited once (a warm-up: first visits may fit and cache),
  then ~20 timed changes of the light controls (continuous sliders, checkboxes, text boxes):
  median and p95 of ``Explorer.last_update_seconds`` (compute + render + Agg draw + PNG) -
  budget 50 ms median. Heavy controls (on-release sliders, dropdowns) and buttons, which
  DESIGN allows to recompute, are timed apart and reported;
- kernels: NumPy reference kernels vs their torch counterparts on the same inputs
  (tests/benchmarks/kernels.py), as a ratio measured in the same run;
- grading: N students handing in week01's solutions, graded by plain sequential ``nbgrader
  autograde`` (the baseline) and by the whole ``dlcourse-grade`` command with all workers,
  sandboxed (own process per submission, every kernel in bubblewrap, one BLAS/torch thread per
  kernel), and with 1 worker sandboxed and ``--no-sandbox`` (the sandbox's cost per
  submission): median of ``--repeats`` runs (3) each, speed-up over nbgrader (goal ≥ 1.8× on 2
  cores), whether every cell's grade is identical, and the load average (a busy machine
  inflates every number);
- seeds: the evidence across seeds behind the trained-model thresholds (DESIGN "Results of
  training"): every ``tests/benchmarks/*_seeds.py`` run as its own process with one BLAS/torch
  thread, offline, with the arguments in its ``BENCH_ARGS = [...]`` line if it has one (e.g. a
  number of seeds); each script's output is saved to ``reports/seeds-<script>.txt`` and listed
  in the report with its wall time and exit code. ``--seeds-match week11`` runs only the
  scripts whose name contains the text.

The report (markdown + JSON, with date, CPU count and versions) goes to
tests/benchmarks/reports/ (git-ignored); ``--update-readme`` rewrites README's
"What it costs to run" table from it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "notebooks"))
REPORTS = ROOT / "tests" / "benchmarks" / "reports"
NOTEBOOK_BUDGET_S, NOTEBOOK_BUDGET_MB, WIDGET_BUDGET_MS = 60.0, 1536.0, 50.0


def _mark(ok: bool) -> str:
    return "✓" if ok else "✗"


# ---------------------------------------------------------------- notebooks
def _peak_rss_of(pid: int, stop: threading.Event, out: list[float]) -> None:
    import psutil

    peak = 0
    try:
        proc = psutil.Process(pid)
        while not stop.is_set():
            rss = proc.memory_info().rss + sum(c.memory_info().rss for c in proc.children(recursive=True))
            peak = max(peak, rss)
            time.sleep(0.05)
    except psutil.Error:
        pass
    out.append(peak / 2**20)


def bench_notebook(path: Path) -> dict:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(str(path), as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    peak: list[float] = []
    stop = threading.Event()
    with client.setup_kernel():
        pid = client.km.provisioner.pid if client.km.provisioner else None
        watcher = threading.Thread(target=_peak_rss_of, args=(pid, stop, peak), daemon=True)
        watcher.start()
        errors = 0
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
            errors += any(o.get("output_type") == "error" for o in cell.get("outputs", []))
        stop.set()
        watcher.join()
    seconds = time.perf_counter() - start
    rss = peak[0] if peak else float("nan")
    ok = seconds <= NOTEBOOK_BUDGET_S and rss <= NOTEBOOK_BUDGET_MB and not errors
    return {"notebook": str(path.relative_to(ROOT)), "seconds": round(seconds, 1), "peak_rss_mb": round(rss),
            "errors": errors, "ok": ok}


def section_notebooks() -> list[dict]:
    rows = [bench_notebook(p) for p in sorted(ROOT.glob("solutions/week*/*.ipynb"))]
    for row in rows:
        print(f"  {row['notebook']:<55} {row['seconds']:>6.1f} s {row['peak_rss_mb']:>6} MB {_mark(row['ok'])}")
    return rows


# ---------------------------------------------------------------- widgets
def _control_values(control) -> list:
    """A walk over a control's values: ~10 positions of a slider, every option of a choice."""
    import ipywidgets as W

    if isinstance(control, (W.Dropdown, W.SelectionSlider, W.ToggleButtons, W.RadioButtons)):
        return [value for _, value in control._options_full] if hasattr(control, "_options_full") else list(control.options)
    if isinstance(control, W.Checkbox):
        return [not control.value, control.value]
    if isinstance(control, W.FloatLogSlider):
        return list(control.base ** np.linspace(control.min, control.max, 8))
    if hasattr(control, "min") and hasattr(control, "max"):
        values = np.linspace(control.min, control.max, 10)
        return [int(v) for v in values] if isinstance(control.value, int) else list(values)
    if isinstance(control, (W.FloatText, W.IntText, W.BoundedFloatText)):
        return [control.value + d for d in (1, -1, 2, 0)]
    return []


def _is_heavy(control) -> bool:
    """Controls allowed to recompute (DESIGN: on release or a discrete choice), timed apart."""
    import ipywidgets as W

    return getattr(control, "continuous_update", True) is False or isinstance(control, (W.Dropdown, W.RadioButtons))


def _timed_walk(explorer, names: list[str], walks: dict, n: int, rng) -> list[float]:
    times = []
    while len(times) < n and names:
        name = names[len(times) % len(names)]
        value = walks[name][rng.integers(len(walks[name]))]
        if value == explorer.controls[name].value:
            continue
        explorer.controls[name].value = value
        times.append(explorer.last_update_seconds * 1000)
    return times


def bench_widget(builder) -> dict:
    explorer = builder()
    explorer.raise_errors = True
    walks = {name: _control_values(c) for name, c in explorer.controls.items()}
    first_visit = []
    for name, values in walks.items():                 # warm-up: every value once (fits, caches, fonts)
        original = explorer.controls[name].value
        for value in values:
            explorer.controls[name].value = value
            first_visit.append(explorer.last_update_seconds)
        explorer.controls[name].value = original
    rng = np.random.default_rng(0)
    light = [n for n, v in walks.items() if v and not _is_heavy(explorer.controls[n])]
    heavy = [n for n, v in walks.items() if v and _is_heavy(explorer.controls[n])]
    times = _timed_walk(explorer, light or heavy, walks, 20, rng)
    heavy_times = _timed_walk(explorer, heavy, walks, 6, rng)
    median = statistics.median(times) if times else float("nan")
    p95 = float(np.percentile(times, 95)) if times else float("nan")
    button_ms = []                                     # buttons may do heavy work (train, step): reported apart
    for button in explorer.buttons.values():
        for _ in range(3):
            start = time.perf_counter()
            button.click()
            button_ms.append(1000 * (time.perf_counter() - start))
    return {"widget": f"{builder.__module__.split('.')[1]}.{builder.__name__}", "median_ms": round(median, 1),
            "p95_ms": round(p95, 1), "slowest_first_visit_ms": round(max(first_visit, default=0) * 1000),
            "slowest_heavy_ms": round(max(heavy_times, default=0)),
            "slowest_button_ms": round(max(button_ms, default=0)), "ok": median <= WIDGET_BUDGET_MS}


def widget_builders() -> list:
    """Every builder of every ``dlcourse.<week>.widgets`` (module or subpackage), discovered as
    the conformance test discovers them (:mod:`dlcourse.widgetkit.testing`)."""
    from dlcourse.widgetkit import testing

    return [builder for module in testing.widget_modules() for builder in testing.builders(module)]


def section_widgets() -> list[dict]:
    from dlcourse.plotting import use_style

    use_style()                                        # as the notebooks do
    rows = []
    for builder in widget_builders():
        row = bench_widget(builder)
        rows.append(row)
        print(f"  {row['widget']:<40} median {row['median_ms']:>6.1f} ms  p95 {row['p95_ms']:>6.1f} ms  {_mark(row['ok'])}")
    return rows


# ---------------------------------------------------------------- kernels
def section_kernels() -> list[dict]:
    import kernels

    rows = kernels.run()
    for row in rows:
        print(f"  {row['kernel']:<40} numpy {row['numpy_ms']:>7.2f} ms  torch {row['torch_ms']:>7.2f} ms  ratio {row['ratio']:.1f}")
    return rows


# ---------------------------------------------------------------- grading
def _plain_nbgrader(root: Path, week: str) -> dict:
    """Plain sequential ``nbgrader autograde`` on root's autograder/submitted: seconds and scores."""
    from nbgrader.api import Gradebook
    from nbgrader_run import nbgrader

    from dlcourse.grading.config import KERNEL_ENV

    nbgrader(root, "generate_assignment", week, "--force")
    saved = {k: os.environ.get(k) for k in KERNEL_ENV}
    os.environ.update(KERNEL_ENV)                      # the same kernel thread settings as dlcourse-grade's
    try:
        start = time.perf_counter()
        nbgrader(root, "autograde", week)
        seconds = time.perf_counter() - start
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    with Gradebook(f"sqlite:///{root / 'autograder' / 'gradebook.db'}") as gb:
        scores = {(s.student.id, nb.name, g.name): g.auto_score for s in gb.assignment_submissions(week)
                  for nb in s.notebooks for g in nb.grades if g.cell_type == "code"}
    return {"seconds": seconds, "scores": scores}


def _dlcourse_grade(root: Path, week: str, submissions: Path, workers: int, label: str, sandbox: bool = True) -> dict:
    """``python -m dlcourse.grading`` (the whole command: record release, grade, feedback, CSV),
    in a fresh runtime folder (so nothing is reused from an earlier run)."""
    import csv
    import subprocess

    runtime = root / f"runtime-{label}"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "helpers"), os.environ.get("PYTHONPATH", "")]),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "dlcourse.grading", week, str(submissions), "--course-root", str(root),
                    "--runtime-dir", str(runtime), "--workers", str(workers), "--quiet"]
                   + ([] if sandbox else ["--no-sandbox"]), env=env, check=True)
    seconds = time.perf_counter() - start
    with open(runtime / f"grades_{week}.csv") as fh:
        rows = list(csv.DictReader(fh))
    scores = {(r["student_id"], *col.split(":", 1)): float(v) for r in rows for col, v in r.items()
              if ":" in col and v != ""}
    steps = json.loads((runtime / f"timings_{week}.json").read_text())["steps"]
    return {"seconds": seconds, "grade_seconds": steps["grade"], "steps": steps, "scores": scores}


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {len(os.sched_getaffinity(0))} cores"


def section_grading(n_submissions: int, week: str = "week01_boosting", repeats: int = 3,
                    cost_repeats: int = 1) -> list[dict]:
    """N students who hand in the solutions. The fixed baseline: plain sequential ``nbgrader
    autograde`` (same kernel thread settings); against it, the dlcourse grading command with
    all workers, sandboxed (the default), and with 1 worker with and without the sandbox (the
    sandbox's cost per submission, ``cost_repeats`` runs each). Median of ``repeats`` runs each;
    grades must be identical.

    Two speed-ups are reported: like for like (nbgrader's ``autograde`` against the command's own
    grading step, both timed from the gradebook that ``generate_assignment`` left), and whole
    command (release recording, grading, feedback pages and CSV) against ``autograde`` alone."""
    import shutil
    import tempfile

    import nbformat
    from course_layout import SOLUTIONS, read
    from nbgrader_run import clean_copy, make_course_copy

    cpus = len(os.sched_getaffinity(0))
    print(f"  before: {_load()}")
    with tempfile.TemporaryDirectory() as tmp:
        subs = Path(tmp) / "submissions"
        for i in range(n_submissions):
            folder = subs / f"student{i:03d}"
            folder.mkdir(parents=True)
            for path in sorted((SOLUTIONS / week).glob("*.ipynb")):
                nbformat.write(clean_copy(read(path)), str(folder / path.name))
        plains = []
        for k in range(repeats):                                     # a fresh course copy per run
            root = make_course_copy(Path(tmp) / f"plain{k}", week)
            shutil.copytree(subs, root / "autograder" / "submitted")
            for student in (root / "autograder" / "submitted").iterdir():  # nbgrader's layout: <student>/<week>/
                (student / week).mkdir()
                for nb in student.glob("*.ipynb"):
                    nb.rename(student / week / nb.name)
            plains.append(_plain_nbgrader(root, week))
        root = make_course_copy(Path(tmp) / "course", week)
        configs = [(cpus, True), (1, True), (1, False)] if cpus > 1 else [(1, True), (1, False)]
        runs = {(w, sb): [_dlcourse_grade(root, week, subs, w, f"{w}-{sb}-{k}", sb)
                          for k in range(repeats if w == cpus else cost_repeats)]
                for w, sb in configs}
    print(f"  after: {_load()}")
    plain_s = statistics.median(p["seconds"] for p in plains)
    reference = plains[0]["scores"]
    rows = [{"week": week, "grader": "nbgrader autograde (sequential)", "workers": 1, "sandbox": False,
             "submissions": n_submissions, "seconds": round(plain_s, 1), "runs": [round(p["seconds"], 1) for p in plains],
             "seconds_per_submission": round(plain_s / n_submissions, 2), "speedup": 1.0,
             "same_grades": bool(reference) and all(p["scores"] == reference for p in plains)}]
    for (workers, sandbox), results in runs.items():
        secs = statistics.median(r["grade_seconds"] for r in results)
        whole = statistics.median(r["seconds"] for r in results)
        same = bool(reference) and all(r["scores"].get(key) == v for r in results for key, v in reference.items())
        rows.append({"week": week, "grader": "dlcourse-grade " + ("(sandboxed)" if sandbox else "(--no-sandbox)"),
                     "workers": workers, "sandbox": sandbox, "submissions": n_submissions, "seconds": round(secs, 1),
                     "runs": [round(r["grade_seconds"], 1) for r in results],
                     "seconds_per_submission": round(secs / n_submissions, 2),
                     "speedup": round(plain_s / secs, 2), "whole_seconds": round(whole, 1),
                     "whole_runs": [round(r["seconds"], 1) for r in results],
                     "speedup_whole": round(plain_s / whole, 2), "same_grades": same})
    seq = {r["sandbox"]: r["seconds"] for r in rows[1:] if r["workers"] == 1}
    if True in seq and False in seq:
        rows.append({"week": week, "grader": "sandbox cost per submission (1 worker, sandboxed - --no-sandbox)",
                     "workers": 1, "sandbox": True, "submissions": n_submissions,
                     "seconds": round(seq[True] - seq[False], 1), "runs": [],
                     "seconds_per_submission": round((seq[True] - seq[False]) / n_submissions, 2),
                     "speedup": None, "same_grades": True, "cost_row": True})
    for r in rows:
        speedup = "" if r["speedup"] is None else f"speed-up {r['speedup']}×  "
        whole = f"whole command {r['whole_seconds']} s ({r['speedup_whole']}×)  " if "whole_seconds" in r else ""
        print(f"  {r['grader']:<66} workers={r['workers']}  {r['submissions']} submissions in {r['seconds']:>6.1f} s "
              f"({r['seconds_per_submission']} s each)  runs {r['runs']}  {speedup}{whole}same grades: {r['same_grades']}")
    return rows


# ---------------------------------------------------------------- report
SEEDS_TIMEOUT_S = 3600


def seed_scripts(match: str = "") -> list[Path]:
    """The evidence scripts ``tests/benchmarks/*_seeds.py`` (sorted), those whose name contains ``match``."""
    return [p for p in sorted((ROOT / "tests" / "benchmarks").glob("*_seeds.py")) if match in p.name]


def bench_args_of(script: Path) -> list[str]:
    """The arguments a script asks ``make bench`` for, from its ``BENCH_ARGS = [...]`` line (read, not imported)."""
    import ast

    m = re.search(r"^BENCH_ARGS\s*(?::[^=]*)?=\s*(\[.*?\])\s*(?:#.*)?$", script.read_text(), re.M)
    return [str(a) for a in ast.literal_eval(m.group(1))] if m else []


def section_seeds(match: str = "") -> list[dict]:
    import subprocess

    env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
           "DLCOURSE_TORCH_THREADS": "1", "DLCOURSE_OFFLINE": "1"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "helpers"), env.get("PYTHONPATH", "")]))
    REPORTS.mkdir(parents=True, exist_ok=True)
    rows = []
    for script in seed_scripts(match):
        args = bench_args_of(script)
        out = REPORTS / f"seeds-{script.stem}.txt"
        print(f"   {script.name} {' '.join(args)}", flush=True)
        t0 = time.perf_counter()
        try:
            proc = subprocess.run([sys.executable, str(script), *args], cwd=ROOT, env=env, capture_output=True,
                                  text=True, timeout=SEEDS_TIMEOUT_S)
            code, text = proc.returncode, proc.stdout + (f"\n--- stderr\n{proc.stderr}" if proc.returncode else "")
        except subprocess.TimeoutExpired as exc:
            code, text = "timeout", (exc.stdout or b"").decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        seconds = round(time.perf_counter() - t0, 1)
        out.write_text(f"# {script.name} {' '.join(args)} (one thread; {seconds} s; exit {code}; {_load()})\n\n{text}")
        rows.append({"script": script.name, "args": " ".join(args), "seconds": seconds, "exit": code,
                     "output": str(out.relative_to(ROOT)), "ok": code == 0})
    return rows


def versions() -> dict:
    import matplotlib
    import nbgrader
    import sklearn

    out = {"python": platform.python_version(), "numpy": np.__version__, "matplotlib": matplotlib.__version__,
           "scikit-learn": sklearn.__version__, "nbgrader": nbgrader.__version__}
    try:
        import torch
        out["torch"] = torch.__version__
    except ImportError:
        pass
    return out


def markdown(report: dict) -> str:
    lines = [f"# dlcourse benchmark - {report['date']}", "",
             f"{report['cpus']} CPUs, {report['machine']}; " + ", ".join(f"{k} {v}" for k, v in report["versions"].items()), ""]
    if report.get("notebooks"):
        lines += ["| solution notebook | wall s | peak RSS MB | error cells | budget (60 s, 1.5 GB, no errors) |",
                  "|---|---:|---:|---:|:---:|"]
        lines += [f"| `{r['notebook']}` | {r['seconds']} | {r['peak_rss_mb']} | {r['errors']} | {_mark(r['ok'])} |"
                  for r in report["notebooks"]]
        total = sum(r["seconds"] for r in report["notebooks"])
        lines += [f"| **course total** | **{total:.0f}** | | | |", ""]
    if report.get("widgets"):
        lines += ["| widget | median ms | p95 ms | slowest heavy control ms | slowest button ms | budget (50 ms median) |",
                  "|---|---:|---:|---:|---:|:---:|"]
        lines += [f"| `{r['widget']}` | {r['median_ms']} | {r['p95_ms']} | {r['slowest_heavy_ms']} | "
                  f"{r['slowest_button_ms']} | {_mark(r['ok'])} |" for r in report["widgets"]]
        lines.append("")
    if report.get("kernels"):
        lines += ["| NumPy kernel vs torch | NumPy ms | torch ms | ratio |", "|---|---:|---:|---:|"]
        lines += [f"| {r['kernel']} | {r['numpy_ms']} | {r['torch_ms']} | {r['ratio']} |" for r in report["kernels"]]
        lines.append("")
    if report.get("grading"):
        lines += ["| autograding | week | workers | submissions | grading s | s / submission | speed-up vs nbgrader "
                  "| whole command s (speed-up) | same grades |",
                  "|---|---|---:|---:|---:|---:|---:|---:|:---:|"]
        lines += [f"| {r['grader']} | {r['week']} | {r['workers']} | {r['submissions']} | {r['seconds']} | "
                  f"{r['seconds_per_submission']} | {'' if r.get('speedup') is None else str(r['speedup']) + '×'} | "
                  f"{'' if 'whole_seconds' not in r else str(r['whole_seconds']) + ' (' + str(r['speedup_whole']) + '×)'} | "
                  f"{_mark(r['same_grades'])} |" for r in report["grading"]]
        lines += ["", f"Grading seconds: nbgrader's `autograde` against the command's grading step, both after "
                  f"`generate_assignment`; the whole command adds recording the release, feedback pages and the CSV. "
                  f"Median of {report.get('grading_repeats', 1)} runs ({report.get('cost_repeats', 1)} for the "
                  f"one-worker rows); {report.get('grading_load', '')}."]
        lines.append("")
    if report.get("seeds"):
        lines += ["| evidence across seeds | arguments | wall s (one thread) | exit | output |", "|---|---|---:|:---:|---|"]
        lines += [f"| `{r['script']}` | {r['args'] or '(defaults)'} | {r['seconds']} | {_mark(r['ok'])} {r['exit']} | "
                  f"`{r['output']}` |" for r in report["seeds"]]
        lines.append("")
    return "\n".join(lines)


README_START, README_END = "<!-- bench:start -->", "<!-- bench:end -->"


SECTION_OF_ROW = (("| solution notebooks", "notebooks"), ("| widget update", "widgets"), ("| autograding", "grading"),
                  ("| parallel grading", "grading"), ("| grading sandbox", "grading"))


def _readme_rows(report: dict) -> dict[str, list[str]]:
    """README rows per measured section (each row ends with the date it was measured)."""
    day = report["date"][:10]
    rows: dict[str, list[str]] = {}
    if report.get("notebooks"):
        nbs = report["notebooks"]
        slowest = max(nbs, key=lambda r: r["seconds"])
        rows["notebooks"] = [f"| solution notebooks ({len(nbs)}) | {sum(r['seconds'] for r in nbs):.0f} s in total; slowest "
                             f"`{Path(slowest['notebook']).name}` {slowest['seconds']} s; peak RSS ≤ "
                             f"{max(r['peak_rss_mb'] for r in nbs)} MB | ≤ 60 s and ≤ 1.5 GB each "
                             f"{_mark(all(r['ok'] for r in nbs))} | {day} |"]
    if report.get("widgets"):
        ws = report["widgets"]
        worst = max(ws, key=lambda r: r["median_ms"])
        rows["widgets"] = [f"| widget update ({len(ws)} widgets) | median {min(r['median_ms'] for r in ws)}–"
                           f"{worst['median_ms']} ms (slowest `{worst['widget']}`) | ≤ 50 ms median "
                           f"{_mark(all(r['ok'] for r in ws))} | {day} |"]
    if report.get("kernels"):
        rows["kernels"] = [f"| {r['kernel']} | {r['ratio']}× torch | reported | {day} |" for r in report["kernels"]]
    if report.get("grading"):
        g = report["grading"][0]
        out = [f"| autograding `{g['week']}` | {g['seconds_per_submission']} s per submission (nbgrader, sequential) "
               f"| reported | {day} |"]
        graders = [r for r in report["grading"][1:] if r.get("speedup") is not None and r.get("sandbox", True)]
        best = max(graders, key=lambda r: r["speedup"], default=None)
        if best:
            out.append(f"| parallel grading (`dlcourse-grade`, sandboxed, {best['workers']} workers) | {best['speedup']}× "
                       f"nbgrader's throughput (grading step, median of {report.get('grading_repeats', 1)}; whole "
                       f"command {best['speedup_whole']}×), grades identical "
                       f"{_mark(all(r['same_grades'] for r in report['grading']))} | ≥ 1.8× on 2 cores "
                       f"{_mark(best['speedup'] >= 1.8)} | {day} |")
        cost = next((r for r in report["grading"] if r.get("cost_row")), None)
        if cost:
            out.append(f"| grading sandbox (bubblewrap) | {cost['seconds_per_submission']} s per submission "
                       f"(sequential: sandboxed minus `--no-sandbox`) | reported | {day} |")
        rows["grading"] = out
    return rows


def _section(row: str) -> str:
    return next((sec for prefix, sec in SECTION_OF_ROW if row.startswith(prefix)), "kernels")


def update_readme(report: dict) -> None:
    """Rewrite the rows of the sections this run measured; rows of other sections stay as they were."""
    readme = ROOT / "README.md"
    text = readme.read_text()
    old: list[str] = []
    if README_START in text:
        block = text[text.index(README_START):text.index(README_END)]
        old = [ln for ln in block.splitlines() if ln.startswith("| ") and not ln.startswith(("| what ", "|---"))]
        dated = re.search(r"on (\d{4}-\d{2}-\d{2})", block)                  # the block's one date, before rows had their own
        old = [ln if ln.count(" | ") >= 3 else f"{ln} {dated.group(1) if dated else '?'} |" for ln in old]
    new = _readme_rows(report)
    order = ["notebooks", "widgets", "kernels", "grading"]
    rows = []
    for sec in order:
        rows += new.get(sec) or [ln for ln in old if _section(ln) == sec]
    lines = ["Measured by `make bench` on the date in the last column (2 CPUs unless said); budgets in the third.", "",
             "| what | measured | budget | measured on |", "|---|---|---|---|", *rows]
    block = "\n".join([README_START, *lines, README_END])
    if README_START in text:
        text = text[:text.index(README_START)] + block + text[text.index(README_END) + len(README_END):]
    else:
        text += f"\n## What it costs to run\n\n{block}\n"
    readme.write_text(text)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", default="notebooks,widgets,kernels,grading,seeds")
    ap.add_argument("--seeds-match", default="", help="seeds section: only the *_seeds.py scripts containing this text")
    ap.add_argument("--submissions", type=int, default=8, help="students in the grading section")
    ap.add_argument("--repeats", type=int, default=3, help="runs of each grader in the grading section (median)")
    ap.add_argument("--cost-repeats", type=int, default=1,
                    help="runs of the one-worker rows (sandboxed and --no-sandbox: the sandbox's cost)")
    ap.add_argument("--update-readme", action="store_true")
    args = ap.parse_args(argv)
    sections = args.only.split(",")
    report = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "cpus": os.cpu_count(),
              "machine": platform.machine(), "versions": versions()}
    t0 = time.perf_counter()
    for name, run in (("notebooks", section_notebooks), ("widgets", section_widgets),
                      ("kernels", section_kernels), ("grading", lambda: section_grading(args.submissions, repeats=args.repeats, cost_repeats=args.cost_repeats)),
                      ("seeds", lambda: section_seeds(args.seeds_match))):
        if name in sections:
            print(f"== {name}")
            report[name] = run()
            if name == "grading":
                report["grading_repeats"], report["grading_load"] = args.repeats, _load()
                report["cost_repeats"] = args.cost_repeats
    report["bench_seconds"] = round(time.perf_counter() - t0)
    REPORTS.mkdir(parents=True, exist_ok=True)
    stamp = report["date"][:19].replace(":", "")
    md = markdown(report)
    for path in (REPORTS / f"bench-{stamp}.md", REPORTS / "latest.md"):
        path.write_text(md)
    (REPORTS / "latest.json").write_text(json.dumps(report, indent=1))
    print(md)
    print(f"report: {REPORTS / 'latest.md'} ({report['bench_seconds']} s)")
    if args.update_readme:
        update_readme(report)
        print("README.md: 'What it costs to run' updated")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
