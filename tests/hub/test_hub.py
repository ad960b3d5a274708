"""The course on a real JupyterHub, end to end, with one instructor and three students (``make hub-test``).

The flow (tests/hub/conftest.py starts the hub, the users and their servers):

1. the instructor releases week01 to nbgrader's exchange (``nbgrader release_assignment``, run
   in the instructor's own server);
2. each student fetches it through their own server (nbgrader's assignment-list endpoint), works
   on it through the contents API (one copies the solution's answers, one answers only the first
   notebook, one is hostile: from its own kernel it tries to read the others' homes, the
   exchange's submissions, the gradebook and to overwrite the release), and submits; the
   hostile one also hands in a forged submission in the correct student's name;
3. the instructor collects (``nbgrader collect``), which flags the forgery ("cheating
   attempt?", it does not refuse it), sets it aside and collects again, grades with
   ``make grade`` (bubblewrap sandbox, as the instructor, inside their server), then
   ``nbgrader release_feedback``;
4. each student fetches their feedback, which names them; every attempt to read another
   student's feedback (their home, the exchange's feedback folder) is a PermissionError.

Per-student times of fetch, submit and fetch_feedback (HTTP round trip through the proxy) are
written to artifacts/hub/timings.json and printed.
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
from pathlib import Path

import pytest

from .conftest import ARTIFACTS, ROOT, Hub, User

WEEK = "week01_boosting"
NOTEBOOKS = sorted(p.name for p in (ROOT / "course" / WEEK).glob("*.ipynb"))


def _answers(notebook: str) -> dict[str, list[str]]:
    """The solution's answer of every solution cell (by grade_id), marker lines removed."""
    nb = json.loads((ROOT / "solutions" / WEEK / notebook).read_text())
    out = {}
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution"):
            src = "".join(cell["source"])
            src = "\n".join(line for line in src.splitlines() if not re.match(r"\s*### (BEGIN|END) SOLUTION", line))
            out[meta["grade_id"]] = src
    return out


def _answer(hub: Hub, user: User, notebooks: list[str]) -> int:
    """Open each notebook of the student's fetched copy, paste the solution's answers, save. Returns cells changed."""
    changed = 0
    for name in notebooks:
        path = f"api/contents/{WEEK}/{name}"
        r = hub.server(user, "GET", path)
        assert r.status_code == 200, f"{user.name} cannot open {name}: HTTP {r.status_code}"
        model = r.json()
        answers = _answers(name)
        for cell in model["content"]["cells"]:
            gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            if gid in answers and cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
                cell["source"] = answers[gid]
                changed += 1
        r = hub.server(user, "PUT", path, json={"type": "notebook", "format": "json", "content": model["content"]})
        assert r.status_code == 200, f"{user.name} cannot save {name}: HTTP {r.status_code} {r.text[:300]}"
    return changed


def _timed(user: User, key: str, fn):
    t = time.monotonic()
    result = fn()
    user.timings[key] = round(time.monotonic() - t, 2)
    return result


# Code the hostile student runs in their own kernel: every way to another student's work it can
# think of. Each attempt records the exception's name, or what it got.
PROBE = r'''
import glob, json, os
def attempt(fn):
    try:
        got = fn()
        return {{"ok": True, "got": repr(got)[:200]}}
    except Exception as exc:
        return {{"ok": False, "error": type(exc).__name__}}
victim_home, exchange, course = {victim_home!r}, {exchange!r}, {course!r}
res = {{
  "list victim home": attempt(lambda: os.listdir(victim_home)),
  "read victim notebook": attempt(lambda: open(os.path.join(victim_home, {week!r}, {nb!r})).read(1)),
  "list exchange inbound": attempt(lambda: os.listdir(os.path.join(exchange, course, "inbound"))),
  "glob exchange inbound": attempt(lambda: glob.glob(os.path.join(exchange, course, "inbound", "*", "*")) or (_ for _ in ()).throw(PermissionError("nothing listed"))),
  "list exchange feedback": attempt(lambda: os.listdir(os.path.join(exchange, course, "feedback"))),
  "overwrite the release": attempt(lambda: open(os.path.join(exchange, course, "outbound", {week!r}, {nb!r}), "a").write(" ")),
  "take over the course folder": attempt(lambda: os.rename(os.path.join(exchange, course), os.path.join(exchange, "mine"))),
  "write into the course folder": attempt(lambda: open(os.path.join(exchange, course, "x"), "w")),
  "read the instructor's gradebook": attempt(lambda: open({gradebook!r}, "rb").read(16)),
  "read the instructor's solutions": attempt(lambda: os.listdir({solutions!r})),
}}
print(json.dumps(res))
'''

# The hostile student also hands in a copy of their own (empty) work IN ANOTHER STUDENT'S NAME:
# nbgrader's inbound folder is writable by all, and the newest entry per name wins at collect.
FORGE = r'''
import datetime, json, os, secrets, shutil
ts = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f UTC")
dest = os.path.join({exchange!r}, {course!r}, "inbound", {victim!r} + "+" + {week!r} + "+" + ts + "+" + secrets.token_hex(4))
try:
    shutil.copytree(os.path.expanduser("~/" + {week!r}), dest)
    open(os.path.join(dest, "timestamp.txt"), "w").write(ts)
    print(json.dumps({{"ok": True, "path": dest}}))
except Exception as exc:
    print(json.dumps({{"ok": False, "error": type(exc).__name__}}))
'''

# What the instructor does when collect says "cheating attempt?": move the flagged entry out of
# collect's way (the instructor owns inbound/), drop what was collected for that name, collect again.
SET_ASIDE = r'''
import json, os, re, shutil
flagged = re.findall(r"^\s*(/.+?) claims to be submitted by (\S+) but is owned by (\S+); cheating attempt", {log!r}, re.M)
for path, victim, owner in flagged:
    os.rename(path, os.path.join(os.path.dirname(path), "set-aside-" + os.path.basename(path).replace("+", "_")))
    shutil.rmtree(os.path.expanduser("~/dlcourse/autograder/submitted/" + victim))
print(json.dumps(flagged))
'''

LIMITS = r'''
import json, resource
print(json.dumps({"as": resource.getrlimit(resource.RLIMIT_AS)[0], "nproc": resource.getrlimit(resource.RLIMIT_NPROC)[0]}))
'''

# Instructor commands, run by the instructor's own kernel (as the instructor) in their clone.
SHELL = r'''
import json, subprocess, os
p = subprocess.run({cmd!r}, cwd=os.path.expanduser({cwd!r}), capture_output=True, text=True, timeout={timeout})
print(json.dumps({{"rc": p.returncode, "out": p.stdout[-6000:], "err": p.stderr[-6000:]}}))
'''


def _instructor(hub: Hub, cmd: list[str], cwd: str, timeout: int = 600) -> dict:
    res = hub.run_json(hub.instructor, SHELL.format(cmd=cmd, cwd=cwd, timeout=timeout), timeout=timeout + 30)
    assert res["rc"] == 0, f"instructor: {' '.join(cmd)} exited {res['rc']}\n{res['out']}\n{res['err']}"
    return res


@pytest.fixture(scope="module")
def flow(hub: Hub):
    """Run the whole class once; the tests below check what it produced (artifacts/hub/flow.json,
    written also when a step fails)."""
    rec: dict = {"students": {}}
    try:
        _class(hub, rec)
    finally:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "flow.json").write_text(json.dumps(rec, indent=1, default=str))
    return rec


def _class(hub: Hub, rec: dict) -> None:
    correct, partial, hostile = hub.students
    home = {u.name: f"/home/{u.name}" for u in (hub.instructor, *hub.students)}
    # 1. release
    t = time.monotonic()
    rec["release"] = _instructor(hub, ["nbgrader", "release_assignment", WEEK], "~/dlcourse/autograder")
    rec["release_s"] = round(time.monotonic() - t, 2)
    # 2. fetch, work, submit
    for user in hub.students:
        rec["students"][user.name] = {"fetch": _timed(user, "fetch_s", lambda u=user: hub.nbgrader(u, "fetch", WEEK))}
        r = hub.server(user, "GET", f"api/contents/{WEEK}")
        rec["students"][user.name]["fetched"] = sorted(f["name"] for f in r.json()["content"]) if r.ok else []
    rec["answered"] = {correct.name: _answer(hub, correct, NOTEBOOKS), partial.name: _answer(hub, partial, NOTEBOOKS[:1])}
    rec["limits"] = hub.run_json(correct, LIMITS)
    rec["formgrader"] = {u.role: hub.server(u, "GET", "formgrader").status_code for u in (hub.instructor, correct)}
    for user in (correct, partial):
        rec["students"][user.name]["submit"] = _timed(user, "submit_s", lambda u=user: hub.nbgrader(u, "submit", WEEK))
    probe = dict(victim_home=home[correct.name], exchange=str(hub.exchange), course=hub.course_id, week=WEEK,
                 nb=NOTEBOOKS[0], gradebook=f"{home[hub.instructor.name]}/dlcourse/autograder/gradebook.db",
                 solutions=f"{home[hub.instructor.name]}/dlcourse/solutions")
    rec["probe_before"] = hub.run_json(hostile, PROBE.format(**probe))
    rec["students"][hostile.name]["submit"] = _timed(hostile, "submit_s", lambda: hub.nbgrader(hostile, "submit", WEEK))
    rec["forge"] = hub.run_json(hostile, FORGE.format(exchange=str(hub.exchange), course=hub.course_id,
                                                      victim=correct.name, week=WEEK))
    # 3. collect, grade (sandboxed), release feedback
    t = time.monotonic()
    rec["collect_first"] = _instructor(hub, ["nbgrader", "collect", WEEK], "~/dlcourse/autograder")
    first = rec["collect_first"]["out"] + rec["collect_first"]["err"]
    rec["set_aside"] = hub.run_json(hub.instructor, SET_ASIDE.format(log=first))
    rec["collect"] = _instructor(hub, ["nbgrader", "collect", WEEK], "~/dlcourse/autograder")
    rec["collect_s"] = round(time.monotonic() - t, 2)
    t = time.monotonic()
    # VENV=: the instructor's server already runs in the course's environment (its pins are the
    # clone's binder/lock.txt); the sandbox binds the venv by its real path, so not via a symlink.
    rec["grade"] = _instructor(hub, ["make", "grade", f"WEEK={WEEK}", f"VENV={ROOT / '.venv'}"], "~/dlcourse",
                               timeout=900)
    rec["grade_s"] = round(time.monotonic() - t, 2)
    rec["csv"] = hub.run(hub.instructor, f"print(open('{home[hub.instructor.name]}/dlcourse/autograder/grades_{WEEK}.csv').read())")
    t = time.monotonic()
    rec["release_feedback"] = _instructor(hub, ["nbgrader", "release_feedback", WEEK], "~/dlcourse/autograder")
    rec["release_feedback_s"] = round(time.monotonic() - t, 2)
    # 4. feedback, and the attempts to read someone else's
    for user in hub.students:
        rec["students"][user.name]["feedback"] = _timed(
            user, "feedback_s", lambda u=user: hub.nbgrader(u, "fetch_feedback", WEEK))
        rec["students"][user.name]["pages"] = hub.run_json(user, (
            "import glob, json, os\n"
            f"pages = sorted(glob.glob(os.path.expanduser('~/{WEEK}/feedback/*/*.html')))\n"
            "print(json.dumps({os.path.basename(p): open(p).read() for p in pages}))"))
        others = [o for o in hub.students if o is not user]
        rec["students"][user.name]["cross"] = hub.run_json(user, (
            "import glob, json, os\n"
            "def attempt(fn):\n"
            "    try:\n        return {'ok': True, 'got': repr(fn())[:200]}\n"
            "    except Exception as exc:\n        return {'ok': False, 'error': type(exc).__name__}\n"
            "res = {}\n"
            f"for other in {[home[o.name] for o in others]!r}:\n"
            f"    res['list ' + other + '/{WEEK}/feedback'] = attempt(lambda: os.listdir(other + '/{WEEK}/feedback'))\n"
            "    res['read ' + other + ' nbgrader cache'] = attempt(lambda: os.listdir(other + '/.local/share/jupyter'))\n"
            f"res['list exchange feedback'] = attempt(lambda: os.listdir('{hub.exchange}/{hub.course_id}/feedback'))\n"
            "print(json.dumps(res))"))
    rec["probe_after"] = hub.run_json(hostile, PROBE.format(**probe))
    rec["timings"] = {u.name: {"role": u.role, **u.timings} for u in hub.students}
    rec["wall_s"] = round(time.monotonic() - hub.t0, 1)
    rec["startup_s"], rec["spawn_s"] = round(hub.startup_s, 1), round(hub.spawn_s, 1)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    summary = {k: rec[k] for k in ("timings", "startup_s", "spawn_s", "release_s", "collect_s", "grade_s",
                                   "release_feedback_s", "wall_s")}
    (ARTIFACTS / "timings.json").write_text(json.dumps(summary, indent=1))
    print("\n== hub test timings (s):", json.dumps(summary, indent=1))


def _grades(flow) -> dict[str, dict]:
    return {row["student_id"]: row for row in csv.DictReader(io.StringIO(flow["csv"]))}


def test_each_student_fetched_the_release_through_their_server(hub, flow):
    for user in hub.students:
        got = flow["students"][user.name]
        assert got["fetch"].get("success"), f"{user.name}: fetch failed: {got['fetch']}"
        assert set(NOTEBOOKS) <= set(got["fetched"]), f"{user.name} got {got['fetched']}, expected {NOTEBOOKS}"


def test_servers_run_with_the_rosters_limits(flow):
    assert flow["limits"] == {"as": 4 * 2**30, "nproc": 256}, flow["limits"]


def test_only_the_instructor_gets_nbgraders_formgrader(flow):
    assert flow["formgrader"] == {"instructor": 200, "correct": 404}, flow["formgrader"]


def test_homes_are_private_and_the_exchange_hides_other_submissions(flow):
    for when in ("probe_before", "probe_after"):
        for what, outcome in flow[when].items():
            assert not outcome["ok"], f"hostile student ({when}): '{what}' succeeded: {outcome.get('got')}"
            # before release_feedback the exchange has no feedback folder yet
            allowed = {"PermissionError", "FileNotFoundError"} if (when, what) == (
                "probe_before", "list exchange feedback") else {"PermissionError"}
            assert outcome["error"] in allowed, \
                f"hostile student ({when}): '{what}' failed with {outcome['error']}, not a permission error"


def test_every_submission_was_submitted_and_collected(hub, flow):
    for user in hub.students:
        assert flow["students"][user.name]["submit"].get("success"), flow["students"][user.name]["submit"]
    first = flow["collect_first"]["out"] + flow["collect_first"]["err"]
    log = flow["collect"]["out"] + flow["collect"]["err"]
    for user in hub.students:
        assert f"Collecting submission: {user.name} {WEEK}" in first, f"collect did not take {user.name}:\n{first}"
    # the second collect takes the correct student's own submission again (the forgery set aside)
    assert f"Collecting submission: {hub.students[0].name} {WEEK}" in log, log
    assert "cheating attempt" not in log, f"after setting the forgery aside, collect still sees one:\n{log}"


def test_a_submission_forged_in_another_name_is_flagged_and_set_aside(hub, flow):
    correct, _, hostile = hub.students
    assert flow["forge"]["ok"], f"the forgery could not even be written: {flow['forge']}"
    forged = flow["forge"]["path"]
    assert flow["set_aside"] == [[forged, correct.name, hostile.name]], \
        f"collect did not flag the forged entry {forged} as {hostile.name}'s:\n{flow['collect_first']['err']}"


def test_grading_ran_sandboxed_and_orders_the_students(hub, flow):
    correct, partial, hostile = hub.students
    assert flow["answered"][correct.name] > flow["answered"][partial.name] > 0, flow["answered"]
    grades = _grades(flow)
    assert set(grades) == {u.name for u in hub.students}, f"CSV rows: {sorted(grades)}\n{flow['grade']['out']}"
    for row in grades.values():
        assert row["sandbox"] == "yes", f"{row['student_id']} graded without the sandbox"
        assert row["status"] == "graded", f"{row['student_id']}: {row['status']} {row['message']}"
    score = {name: float(row["score"]) for name, row in grades.items()}
    auto_cols = [c for c in next(iter(grades.values())) if ":" in c]
    full = sum(float(grades[correct.name][c]) for c in auto_cols if grades[correct.name][c])
    assert score[correct.name] == full > 0, f"correct answers lost points: {grades[correct.name]}"
    zero_cols = [c for c in auto_cols if grades[correct.name][c] == "0"]
    assert not zero_cols, f"the solution's answers scored 0 in {zero_cols}"
    assert score[correct.name] > score[partial.name] > score[hostile.name], score


def test_each_student_fetched_only_their_own_feedback(hub, flow):
    for user in hub.students:
        got = flow["students"][user.name]
        assert got["feedback"].get("success"), f"{user.name}: fetch_feedback failed: {got['feedback']}"
        pages = got["pages"]
        assert sorted(Path(n).stem for n in pages) == sorted(Path(n).stem for n in NOTEBOOKS), \
            f"{user.name} got feedback pages {sorted(pages)}"
        for name, page in pages.items():
            assert f"student: {user.name}" in page, f"{user.name}'s {name} is not their own feedback"
            for other in hub.students:
                if other is not user:
                    assert f"student: {other.name}" not in page
        for what, outcome in got["cross"].items():
            assert not outcome["ok"] and outcome["error"] == "PermissionError", \
                f"{user.name}: '{what}' gave {outcome}"


def test_times_per_student_were_measured(hub, flow):
    for user in hub.students:
        t = flow["timings"][user.name]
        assert {"fetch_s", "submit_s", "feedback_s"} <= set(t), t
