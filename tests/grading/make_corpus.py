"""Build the bad-submission corpus from the fixture assignment's release (keeps them in sync).

    python tests/grading/make_corpus.py          # rewrite tests/grading/corpus/
    python tests/grading/make_corpus.py --check  # exit 1 if the committed corpus is stale

Each case is one submission named after the failure mode (a notebook, or a folder when the
case needs more than one file) plus the outcome the grader must produce: ``EXPECTED`` maps the
case to (status, points for test_square (max 3), points for test_normalise (max 4)). The
numbered rows are those of shared/research/grading_reliability.md section 3.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
RELEASE = HERE / "fixture_course" / "course" / "tiny" / "tiny.ipynb"
SOURCE = HERE / "fixture_course" / "solutions" / "tiny" / "tiny.ipynb"
CORPUS = HERE / "corpus"

SQUARE_OK = "def square(x):\n    return np.asarray(x, dtype=float) ** 2"
NORMALISE_OK = "def normalise(v):\n    v = np.asarray(v, dtype=float)\n    return v / v.sum()"
SQUARE_PUBLIC_ONLY = "def square(x):\n    return 9.0   # passes the public check, fails the hidden one"
NORMALISE_WRONG = "def normalise(v):\n    return np.asarray(v, dtype=float)"

# case -> (status, test_square, test_normalise)
EXPECTED = {
    "ok": ("graded", 3, 4),                                        # 1
    "untouched_release": ("graded", 0, 0),
    "raises_early": ("graded", 0, 4),                              # 2
    "wrong_shape": ("graded", 3, 0),                               # 3
    "nan_output": ("graded", 3, 0),                                # 4
    "infinite_loop": ("timeout", 0, 4),                            # 5
    "sigint_ignored": ("timeout", 0, 0),                           # 6
    "memory_hog": ("graded", 0, 4),                                # 6
    "slow_cells": ("timeout", 3, 0),                               # 7
    "huge_output": ("graded", 3, 4),                               # 8
    "kernel_exit": ("crashed", 3, 0),                              # 9
    "sys_exit": ("graded", 3, 0),                                  # 9 (kernel survives)
    "not_json": ("invalid_notebook", 0, 0),                        # 10
    "truncated": ("invalid_notebook", 0, 0),                       # 10
    "html_saved_as_ipynb": ("invalid_notebook", 0, 0),             # 10
    "no_cells": ("invalid_notebook", 0, 0),                        # 11
    "nbformat_v3": ("invalid_notebook", 0, 0),                     # 11
    "null_byte": ("invalid_notebook", 0, 0),                       # 12
    "not_utf8": ("invalid_notebook", 0, 0),                        # 12
    "edited_test_cell": ("tampered_repaired", 0, 4),               # 13
    "deleted_test_cell": ("tampered_repaired", 3, 4),              # 14
    "duplicated_test_cell": ("tampered_repaired", 3, 4),           # 15
    "duplicated_solution_cell": ("tampered_repaired", 0, 4),       # 15
    "fake_test_cell": ("tampered_repaired", 0, 4),                 # 15 (a cell claiming a test's grade_id)
    "retyped_test_cell": ("tampered_repaired", 3, 4),              # 16
    "edited_points": ("tampered_repaired", 3, 4),                  # 16
    "edited_setup_cell": ("tampered_repaired", 0, 4),              # 13/17
    "wrong_kernelspec": ("graded", 3, 4),
    "shadowed_helper": ("graded", 3, 4),                           # 17 (a folder)
    "hidden_traceback": ("integrity_violation", 0, 4),             # 18
    "monkeypatched_allclose": ("integrity_violation", 0, 0),       # 19
    "always_true": ("graded", 0, 4),                               # 20
    "fake_pass": ("graded", 0, 4),                                 # 21
    "reads_hidden_tests": ("graded", 0, 4),                        # 22
    "detects_grader": ("graded", 3, 4),                            # 23
    "writes_results": ("graded", 0, 4),                            # 25
    "big_file": ("graded", 3, 0),                                  # 26
    "warns_on_stderr": ("graded", 3, 4),                           # 28
    "missing": ("missing", 0, 0),                                  # 29 (an empty folder)
    "xss_output": ("graded", 3, 4),                                # 30
    "deep_nesting": ("invalid_notebook", 0, 0),                    # 10 (100 000-deep JSON lists)
    "cells_not_objects": ("invalid_notebook", 0, 0),               # 11 (valid JSON, wrong structure)
    "calls_reference": ("graded", 3, 4),                           # a graded cell calls a reference: noted, scored
}


from dlcourse.grading.cells import grade_id as _gid  # noqa: E402


def _index(nb, gid):
    return next(i for i, c in enumerate(nb["cells"]) if _gid(c) == gid)


def _code(src):
    return {"cell_type": "code", "execution_count": None, "id": "free", "metadata": {},
            "outputs": [], "source": src}


def solved(square=SQUARE_OK, normalise=NORMALISE_OK):
    nb = json.loads(RELEASE.read_text())
    nb["cells"][_index(nb, "square")]["source"] = square
    nb["cells"][_index(nb, "normalise")]["source"] = normalise
    return nb


def insert_after(nb, gid, *sources):
    i = _index(nb, gid)
    for k, src in enumerate(sources):
        cell = _code(src)
        cell["id"] = f"free-{gid}-{k}"
        nb["cells"].insert(i + 1 + k, cell)
    return nb


def _edit(nb, gid, **changes):
    cell = nb["cells"][_index(nb, gid)]
    for key, value in changes.items():
        if key in ("points", "locked", "grade", "solution"):
            cell["metadata"]["nbgrader"][key] = value
        else:
            cell[key] = value
    return nb


READS_HIDDEN = '''import glob, os
def _leaks():
    """Every place next to the kernel where hidden tests or the gradebook could be."""
    found = []
    roots = [os.getcwd(), os.path.dirname(os.getcwd())]
    try:
        roots.append(os.readlink(f"/proc/{os.getppid()}/cwd"))     # the grading process's folder
    except OSError:
        pass
    roots += [v for k, v in os.environ.items() if os.path.isdir(v) and ("GRAD" in k or "NBGRADER" in k)]
    for root in roots:
        pattern = "**/*" if root != os.path.dirname(os.getcwd()) else "*"
        for path in glob.glob(os.path.join(root, pattern), recursive=True)[:5000]:
            if path.endswith((".ipynb", ".db", ".json")) and os.path.isfile(path):
                try:
                    text = open(path, errors="ignore").read()
                except OSError:
                    continue
                if "HIDDEN TESTS" in text or "square of 0..3" in text or path.endswith("gradebook.db"):
                    found.append(path)
    return found
LEAKS = _leaks()
print("found:", LEAKS)

def square(x):
    if LEAKS:                                   # could read the hidden test: answer it properly
        return np.asarray(x, dtype=float) ** 2
    return 9.0                                  # otherwise only the public check passes'''


def build() -> dict[str, object]:
    """case name -> notebook dict, raw bytes, or {filename: bytes} for a folder."""
    release = json.loads(RELEASE.read_text())
    c: dict[str, object] = {}
    c["ok"] = solved()
    c["untouched_release"] = release
    c["raises_early"] = solved(square="def square(x):\n    raise ValueError('not done yet')")
    c["wrong_shape"] = solved(normalise="def normalise(v):\n    v = np.asarray(v, dtype=float)\n    return (v / v.sum())[:, None]")
    c["nan_output"] = solved(normalise="def normalise(v):\n    v = np.asarray(v, dtype=float)\n    return v / 0.0")
    c["infinite_loop"] = solved(square="def square(x):\n    while True:\n        pass")
    c["sigint_ignored"] = solved(square="import signal\ndef square(x):\n    signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                                        "    while True:\n        pass")
    c["memory_hog"] = solved(square="def square(x):\n    hog = bytearray(6 * 2**30)   # 6 GB\n"
                                    "    return np.asarray(x, dtype=float) ** 2")
    c["slow_cells"] = insert_after(solved(), "test_square", *["import time\ntime.sleep(4)"] * 5)
    c["huge_output"] = solved(square=SQUARE_OK + "\nfor i in range(20_000):\n    print('spam spam spam spam spam', i)")
    c["kernel_exit"] = solved(normalise="import os\nos._exit(1)\n" + NORMALISE_OK)
    c["sys_exit"] = solved(normalise="import sys\nsys.exit('done')\n" + NORMALISE_OK)
    c["not_json"] = b"this is not a notebook\n"
    c["truncated"] = json.dumps(solved(), indent=1).encode()[:700]
    c["html_saved_as_ipynb"] = b"<!DOCTYPE html><html><body><div class='jp-Notebook'>tiny</div></body></html>\n"
    c["no_cells"] = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}}
    c["nbformat_v3"] = {"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [{"cells": []}]}
    nb = solved()
    nb["cells"][_index(nb, "square")]["source"] = SQUARE_OK + "\n# \x00"
    c["null_byte"] = nb
    c["not_utf8"] = json.dumps(solved()).encode().replace(b"square(x)", b"square(\xff)", 1)
    c["edited_test_cell"] = _edit(solved(square=SQUARE_PUBLIC_ONLY), "test_square", source="# check_close(square(3.0), 9.0)\npass")
    nb = solved()
    del nb["cells"][_index(nb, "test_square")]
    c["deleted_test_cell"] = nb
    nb = solved()
    dup = copy.deepcopy(nb["cells"][_index(nb, "test_square")])
    dup["source"], dup["id"] = "pass", "dup-test"
    nb["cells"].insert(_index(nb, "test_square"), dup)
    c["duplicated_test_cell"] = nb
    nb = solved(square=SQUARE_OK)
    dup = copy.deepcopy(nb["cells"][_index(nb, "square")])
    dup["source"], dup["id"] = SQUARE_PUBLIC_ONLY, "dup-square"
    nb["cells"].insert(_index(nb, "square") + 1, dup)               # the later (wrong) copy is what runs last
    c["duplicated_solution_cell"] = nb
    nb = solved(square=SQUARE_PUBLIC_ONLY)
    fake = copy.deepcopy(nb["cells"][_index(nb, "test_square")])
    fake["source"], fake["id"] = "print('tests skipped')", "fake-test"
    nb["cells"].insert(_index(nb, "test_square") + 1, fake)
    c["fake_test_cell"] = nb
    nb = solved()
    cell = nb["cells"][_index(nb, "test_square")]
    cell.update(cell_type="markdown")
    cell.pop("outputs"), cell.pop("execution_count")
    c["retyped_test_cell"] = nb
    c["edited_points"] = _edit(solved(), "test_square", points=30)
    c["edited_setup_cell"] = _edit(solved(square=SQUARE_PUBLIC_ONLY), "setup",
                                   source="import numpy as np\ncheck_close = lambda *a, **k: None\nnp.allclose = lambda *a, **k: True")
    nb = solved()
    nb["metadata"]["kernelspec"] = {"name": "julia-1.9", "display_name": "Julia", "language": "julia"}
    c["wrong_kernelspec"] = nb
    c["shadowed_helper"] = {
        "tiny.ipynb": json.dumps(solved(), indent=1).encode(),
        "dlcourse/__init__.py": b"",
        "dlcourse/checks.py": b"import sys\ndef check_close(*a, **k):\n    print('SHADOW USED', file=sys.stderr)\n",
        "dlcourse.py": b"import sys\nprint('SHADOW USED', file=sys.stderr)\n"}
    c["hidden_traceback"] = solved(square="get_ipython().showtraceback = lambda *a, **k: None\n"
                                          "get_ipython()._showtraceback = lambda *a, **k: None\n" + SQUARE_PUBLIC_ONLY)
    c["monkeypatched_allclose"] = solved(
        square="import numpy.testing, dlcourse.checks\nnp.allclose = lambda *a, **k: True\n"
               "np.testing.assert_allclose = lambda *a, **k: None\n"
               "dlcourse.checks.check_close = lambda *a, **k: None\ncheck_close = lambda *a, **k: None\n"
               "def square(x):\n    return -1.0",
        normalise=NORMALISE_WRONG)
    c["always_true"] = solved(square="class AlwaysTrue(float):\n    def __eq__(self, other):\n        return True\n"
                                     "    __ne__ = lambda self, other: False\n"
                                     "def square(x):\n    return AlwaysTrue(-1.0)")
    c["fake_pass"] = solved(square=SQUARE_PUBLIC_ONLY + "\nprint('All tests passed!')")
    c["reads_hidden_tests"] = solved(square=READS_HIDDEN)
    c["detects_grader"] = solved(square="import os\ndef square(x):\n"
                                        "    if any(k.startswith(('NBGRADER', 'DLCOURSE_GRADING')) for k in os.environ):\n"
                                        "        return -1.0            # 'fast mode' when graded\n"
                                        "    return np.asarray(x, dtype=float) ** 2")
    c["writes_results"] = solved(square="import json, os\nfor name in ('results.json', '../results.json', 'grades.csv'):\n"
                                        "    try:\n        open(name, 'w').write(json.dumps({'status': 'graded', 'score': 10}))\n"
                                        "    except OSError:\n        pass\n" + SQUARE_PUBLIC_ONLY)
    c["big_file"] = solved(normalise="with open('big.bin', 'wb') as f:\n    f.write(b'0' * (300 * 2**20))   # past RLIMIT_FSIZE\n"
                                     + NORMALISE_OK)
    c["warns_on_stderr"] = solved(square="import warnings\ndef square(x):\n"
                                         "    warnings.warn('this is deprecated', FutureWarning)\n"
                                         "    return np.asarray(x, dtype=float) ** 2")
    c["missing"] = {}
    c["xss_output"] = solved(square=SQUARE_OK + "\nfrom IPython.display import HTML, Javascript, display\n"
                                    "display(HTML('<script>alert(1)</script><b onmouseover=alert(2)>hi</b>'))\n"
                                    "display(Javascript('alert(3)'))\nprint('<script>alert(4)</script>')")
    c["deep_nesting"] = b'{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    c["cells_not_objects"] = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [1, "two", [3]]}
    c["calls_reference"] = solved(square="from dlcourse.mlp import reference as ref\n"
                                         "def square(x):\n    x = np.asarray(x, dtype=float)\n"
                                         "    return x * x + 0.0 * ref.relu(x)")
    assert set(c) == set(EXPECTED), set(c) ^ set(EXPECTED)
    return c


# ---------------------------------------------------------------- escapes (tests/grading/test_sandbox.py)
# One submission that tries every way out of the grader, one cell each. Every cell prints one line
# ``ESCAPE|<name>|<what it got>`` with evidence that cannot be produced without the escape (a secret
# read from a file, a count of forks or bytes); the test checks the host side as well (files,
# processes, a TCP server). Targets come from the environment (a student who knows the paths):
# ESCAPE_TOKEN, ESCAPE_COURSE (course root), ESCAPE_RUNTIME (autograder runtime), ESCAPE_HOME
# (the instructor's home), ESCAPE_PORT (a server on 127.0.0.1), ESCAPE_FORKS, ESCAPE_FILL_MB,
# ESCAPE_ATTACK_VENV (only set inside the sandbox: adds a .pth file to site-packages).
ESCAPE_PRELUDE = """import glob, os, socket, subprocess, sys, time
E = os.environ
TOKEN = E.get("ESCAPE_TOKEN", "no-token")
def report(name, ok, detail):
    print(f"ESCAPE|{name}|{'SUCCEEDED' if ok else 'blocked'}|{str(detail)[:2000]}")"""

ESCAPES = {
    "checks_py": """import dlcourse.checks
try:
    with open(dlcourse.checks.__file__, "a") as f:
        f.write("\\n# appended by a submission " + TOKEN + "\\n")
    report("checks_py", True, dlcourse.checks.__file__)
except OSError as exc:
    report("checks_py", False, exc)""",
    "ipython_startup": """done = []
for home in {os.path.expanduser("~"), E.get("ESCAPE_HOME", "")} - {""}:
    try:
        d = os.path.join(home, ".ipython", "profile_default", "startup")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "x.py"), "w") as f:
            f.write("print('INJECTED " + TOKEN + "')\\n")
        done.append(d)
    except OSError as exc:
        report("ipython_startup", False, exc)
report("ipython_startup", bool(done), done)""",
    "solutions_via_proc": """leaked = []
for cwd in glob.glob("/proc/[0-9]*/cwd") + [E.get("ESCAPE_COURSE", "/nonexistent")]:
    for path in glob.glob(os.path.join(cwd, "solutions", "*", "*.ipynb")):
        try:
            text = open(path, errors="ignore").read()
        except OSError:
            continue
        leaked += [line.strip() for line in text.splitlines() if "(hidden)" in line][:1]
report("solutions_via_proc", bool(leaked), sorted(set(leaked))[:10])""",
    "daemon": """subprocess.run(["setsid", "sh", "-c", f"{sys.executable} -c 'import time; time.sleep(300)' {TOKEN}-daemon >/dev/null 2>&1 &"])
time.sleep(0.5)
alive = [p for p in glob.glob("/proc/[0-9]*/cmdline") if TOKEN + "-daemon" in open(p, errors="ignore").read()]
report("daemon", bool(alive), f"{len(alive)} started")""",
    "write_outside": """written = []
for folder in (E.get("ESCAPE_COURSE"), E.get("ESCAPE_RUNTIME"), "/tmp", os.path.dirname(os.getcwd())):
    try:
        with open(os.path.join(folder, f"pwned_{TOKEN}.txt"), "w") as f:
            f.write("pwned")
        written.append(folder)
    except (OSError, TypeError) as exc:
        pass
report("write_outside", bool(written), written)""",
    "other_student": """secrets = []
for path in glob.glob(os.path.join(E.get("ESCAPE_RUNTIME", "/nonexistent"), "submitted", "*", "*", "*.ipynb")):
    text = open(path, errors="ignore").read()
    secrets += [w for w in text.replace('"', ' ').split() if w.startswith("OTHER-SECRET-")]
report("other_student", bool(secrets), secrets[:1])""",
    "gradebook": """found = ""
try:
    data = open(os.path.join(E.get("ESCAPE_RUNTIME", "/nonexistent"), "gradebook.db"), "rb").read()
    i = data.find(b"(hidden)")
    found = data[max(0, i - 40):i + 8].decode(errors="ignore") if i >= 0 else f"{len(data)} bytes, no hidden test"
    report("gradebook", i >= 0, found)
except OSError as exc:
    report("gradebook", False, exc)""",
    "network": """try:
    with socket.create_connection(("127.0.0.1", int(E.get("ESCAPE_PORT", "9"))), timeout=3) as s:
        s.sendall(TOKEN.encode())
    report("network", True, "connected and sent the token")
except OSError as exc:
    report("network", False, exc)""",
    "fork_storm": """n, err, pids = 0, "", []
for _ in range(int(E.get("ESCAPE_FORKS", "100"))):
    try:
        pid = os.fork()
    except OSError as exc:
        err = exc
        break
    if pid == 0:
        time.sleep(2)
        os._exit(0)
    pids.append(pid)
for pid in pids:
    os.waitpid(pid, 0)
report("fork_storm", not err, f"forked {len(pids)} {err}")""",
    "fill_disk": """target, written, err = int(E.get("ESCAPE_FILL_MB", "200")), 0, ""
block = b"\\0" * 2**20
try:
    for i in range(target // 16 + 1):
        with open(f"fill{i}.bin", "wb") as f:
            for _ in range(16):
                if written >= target:
                    break
                f.write(block)
                f.flush()
                written += 1
except OSError as exc:
    err = exc
for path in glob.glob("fill*.bin"):
    os.remove(path)
report("fill_disk", written >= target, f"wrote {written} MB {err}")""",
    "site_packages": """import sysconfig
if E.get("ESCAPE_ATTACK_VENV") == "1":
    try:
        with open(os.path.join(sysconfig.get_paths()["purelib"], f"zz_{TOKEN}.pth"), "w") as f:
            f.write("import os\\n")
        report("site_packages", True, "wrote a .pth file")
    except OSError as exc:
        report("site_packages", False, exc)""",
}


def escape_notebook() -> dict:
    """The escapes submission: a correct solution (3 / 4 points) plus one cell per escape."""
    return insert_after(solved(), "square", ESCAPE_PRELUDE, *ESCAPES.values())


def files(cases: dict[str, object]) -> dict[str, bytes]:
    """Relative path under corpus/ -> bytes."""
    out = {}
    for name, case in cases.items():
        if isinstance(case, bytes):
            out[f"{name}.ipynb"] = case
        elif "cells" in case or "nbformat" in case:
            out[f"{name}.ipynb"] = (json.dumps(case, indent=1, ensure_ascii=False) + "\n").encode()
        else:
            out[f"{name}/.keep"] = b""
            out.update({f"{name}/{rel}": data for rel, data in case.items()})
    return out


def main(argv: list[str]) -> int:
    want = files(build())
    have = {str(p.relative_to(CORPUS)): p.read_bytes() for p in CORPUS.rglob("*") if p.is_file()} if CORPUS.exists() else {}
    if "--check" in argv:
        stale = sorted(set(want) ^ set(have) | {k for k in want if k in have and want[k] != have[k]})
        print("corpus is stale: " + ", ".join(stale) if stale else "corpus up to date")
        return 1 if stale else 0
    for rel in set(have) - set(want):
        (CORPUS / rel).unlink()
    for rel, data in want.items():
        (CORPUS / rel).parent.mkdir(parents=True, exist_ok=True)
        (CORPUS / rel).write_bytes(data)
    print(f"wrote {len(want)} files to {CORPUS}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
