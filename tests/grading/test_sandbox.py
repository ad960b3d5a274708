"""The grading sandbox, proved by escapes: one submission (make_corpus.escape_notebook) tries
every way out, one cell per escape, next to an honest classmate whose notebook holds a secret.

1. Graded with the sandbox (the default) inside the real checkout's grader: every escape fails,
   and afterwards the checkout is byte-identical (git status and file hashes), site-packages is
   unchanged, no process of the batch remains, and the honest students get their usual grades.
2. The same submission graded with ``--no-sandbox`` in a throw-away copy (package, course,
   HOME, cwd all under tmp): every escape succeeds. This positive control proves each exploit
   works, so neither a broken exploit nor another guard can make part 1 pass.

Evidence is taken on the host where there is any (files, processes, a TCP server this test
runs on 127.0.0.1) and otherwise from what the kernel printed (a secret it could only print by
reading it, a count of forks or megabytes).
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import psutil
import pytest

from course_layout import ROOT
from grading_env import CORPUS, WEEK, env, make_course, read_csv, require_sandbox
from make_corpus import ESCAPES, EXPECTED, escape_notebook, solved

FORKS, FILL_MB, SCRATCH_MB, MAX_PROCESSES = 100, 160, 64, 64
LIMITS = ["--cell-timeout", "60", "--submission-timeout", "300", "--kill-grace", "10", "--memory-mb", "2048",
          "--scratch-mb", str(SCRATCH_MB), "--max-processes", str(MAX_PROCESSES), "--workers", "2"]
HIDDEN = "square of 0..3 (hidden)"


# ---------------------------------------------------------------- host-side evidence
class Server:
    """A TCP server on 127.0.0.1 that records what it receives."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.5)
        self.port = self.sock.getsockname()[1]
        self.received: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(2)
                try:
                    self.received.append(conn.recv(1000))
                except OSError:
                    pass

    def close(self):
        self._stop.set()
        self._thread.join(5)
        self.sock.close()


def tree_digest(root: Path) -> str:
    """Hash (path and bytes) of every file of the package, the only part of the checkout the sandbox
    mounts; git status (before == after) covers every other tracked or new file."""
    h = hashlib.sha256()
    for path in sorted((root / "helpers" / "dlcourse").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def site_packages_digest() -> str:
    """Every file of site-packages by path, size and mtime; .pth files and *customize.py by content."""
    import sysconfig

    site = Path(sysconfig.get_paths()["purelib"])
    h = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(site):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            st = path.lstat()
            h.update(f"{path.relative_to(site)}|{st.st_size}|{st.st_mtime_ns}".encode())
            if name.endswith(".pth") or name.endswith("customize.py"):
                h.update(path.read_bytes())
    return h.hexdigest()


def git_status() -> str:
    return subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=ROOT, capture_output=True,
                          text=True).stdout


def processes_with(marker: str) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        if proc.pid != os.getpid() and marker in " ".join(proc.info["cmdline"] or []):
            found.append(proc)
    return found


def kill_all(procs) -> None:
    for proc in procs:
        try:
            proc.send_signal(signal.SIGKILL)
        except psutil.Error:
            pass


def escape_lines(runtime: Path, student: str = "escaper") -> dict[str, tuple[str, str]]:
    """``{escape: (SUCCEEDED|blocked, detail)}`` from the escape cells' printed output."""
    nb = json.loads((runtime / "autograded" / student / WEEK / f"{WEEK}.ipynb").read_text())
    out = {}
    for cell in nb["cells"]:
        for o in cell.get("outputs", []):
            text = o.get("text", "")
            for line in ("".join(text) if isinstance(text, list) else text).splitlines():
                if line.startswith("ESCAPE|"):
                    _, name, verdict, detail = line.split("|", 3)
                    out[name] = (verdict, detail)
    return out


# ---------------------------------------------------------------- the two batches
def _submissions(dest: Path, token: str) -> tuple[Path, str]:
    secret = f"OTHER-SECRET-{token}"
    for student, nb in {"escaper": escape_notebook(),
                        "classmate": solved(square="def square(x):\n    # " + secret + "\n"
                                                   "    return np.asarray(x, dtype=float) ** 2"),
                        "raises_early": json.loads((CORPUS / "raises_early.ipynb").read_text())}.items():
        (dest / student).mkdir(parents=True)
        (dest / student / f"{WEEK}.ipynb").write_text(json.dumps(nb))
    return dest, secret


def _grade(tmp: Path, token: str, server: Server, *, sandbox: bool, package: Path | None = None,
           students: list[str] | None = None) -> dict:
    course = make_course(tmp / "course")
    runtime, home = tmp / "runtime", tmp / "home"
    home.mkdir()
    subs, secret = _submissions(tmp / "subs", token)
    for extra in set(p.name for p in subs.iterdir()) - set(students or [p.name for p in subs.iterdir()]):
        shutil.rmtree(subs / extra)
    e = env()
    e.update(HOME=str(home), ESCAPE_TOKEN=token, ESCAPE_COURSE=str(course), ESCAPE_RUNTIME=str(runtime),
             ESCAPE_HOME=str(home), ESCAPE_PORT=str(server.port), ESCAPE_FORKS=str(FORKS),
             ESCAPE_FILL_MB=str(FILL_MB))
    if sandbox:
        e["ESCAPE_ATTACK_VENV"] = "1"
    if package is not None:                    # the positive control imports dlcourse from a throw-away copy
        e["PYTHONPATH"] = os.pathsep.join([str(package), e["PYTHONPATH"]])
        where = subprocess.run([sys.executable, "-c", "import dlcourse.checks; print(dlcourse.checks.__file__)"],
                               env=e, capture_output=True, text=True).stdout.strip()
        assert where.startswith(str(package)), f"the control must never touch the real package: {where}"
    cmd = [sys.executable, "-m", "dlcourse.grading", WEEK, str(subs), "--course-root", str(course),
           "--runtime-dir", str(runtime), *LIMITS] + ([] if sandbox else ["--no-sandbox"])
    proc = subprocess.Popen(cmd, cwd=course, env=e, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = proc.communicate(timeout=900)
    assert proc.returncode == 0, out[-3000:] + err[-3000:]
    return {"course": course, "runtime": runtime, "home": home, "stdout": out, "pid": proc.pid, "secret": secret,
            "escapes": escape_lines(runtime), "csv": read_csv(runtime)}


@pytest.fixture(scope="module")
def sandboxed(tmp_path_factory):
    require_sandbox()
    tmp = tmp_path_factory.mktemp("sandboxed")
    token = f"tok{uuid.uuid4().hex[:12]}"
    server = Server()
    before = {"tree": tree_digest(ROOT), "git": git_status(), "site": site_packages_digest()}
    try:
        run = _grade(tmp, token, server, sandbox=True)
        run.update(token=token, received=list(server.received), before=before,
                   after={"tree": tree_digest(ROOT), "git": git_status(), "site": site_packages_digest()},
                   leftovers=processes_with(token) + processes_with(str(run["home"])),   # kernels: connection file
                   cgroups=glob.glob(f"/sys/fs/cgroup/pids/dlcourse-{run['pid']}-*"))
    finally:
        server.close()
        kill_all(processes_with(token))
    return run


@pytest.fixture(scope="module")
def unsandboxed(tmp_path_factory):
    """The positive control: everything it can damage is a throw-away copy."""
    tmp = tmp_path_factory.mktemp("control")
    token = f"tok{uuid.uuid4().hex[:12]}"
    package = tmp / "pkg"
    shutil.copytree(ROOT / "helpers" / "dlcourse", package / "dlcourse", ignore=shutil.ignore_patterns("__pycache__"))
    server = Server()
    try:
        run = _grade(tmp, token, server, sandbox=False, package=package, students=["escaper", "classmate"])
        run.update(token=token, package=package, received=list(server.received),
                   daemons=len(processes_with(f"{token}-daemon")))
    finally:
        server.close()
        kill_all(processes_with(token))
        Path(f"/tmp/pwned_{token}.txt").unlink(missing_ok=True)
    return run


# ---------------------------------------------------------------- inside the sandbox: every escape fails
def test_every_escape_ran(sandboxed, unsandboxed):
    names = set(ESCAPES) - {"site_packages"}                  # attacked only inside the sandbox (no control)
    assert names <= set(sandboxed["escapes"]) and names <= set(unsandboxed["escapes"])
    assert "site_packages" in sandboxed["escapes"]


@pytest.mark.parametrize("name", ["checks_py", "solutions_via_proc", "other_student", "gradebook", "network",
                                  "fork_storm", "fill_disk", "site_packages"])
def test_escape_is_blocked_inside_the_sandbox(sandboxed, name):
    verdict, detail = sandboxed["escapes"][name]
    assert verdict == "blocked", f"{name}: {detail}"


def test_sandbox_evidence_on_the_host(sandboxed):
    token, course, runtime, home = sandboxed["token"], sandboxed["course"], sandboxed["runtime"], sandboxed["home"]
    assert sandboxed["received"] == [], "a kernel reached a server on the host's 127.0.0.1"
    assert not list(home.glob(".ipython/profile_default/startup/*")), "a kernel wrote into the instructor's home"
    for folder in (course, runtime, Path("/tmp")):
        assert not (folder / f"pwned_{token}.txt").exists(), f"a kernel wrote into {folder}"
    assert sandboxed["leftovers"] == [], "a process of the batch survived it (daemon or kernel)"
    assert sandboxed["cgroups"] == [], "a pids cgroup of the batch was left behind"
    assert HIDDEN not in json.dumps(sandboxed["escapes"]) and sandboxed["secret"] not in json.dumps(sandboxed["escapes"])
    # the limits held: forks stopped at the process limit, writes at the scratch quota
    forks = int(sandboxed["escapes"]["fork_storm"][1].split()[1])
    assert forks < MAX_PROCESSES < FORKS, sandboxed["escapes"]["fork_storm"]
    written = int(sandboxed["escapes"]["fill_disk"][1].split()[1])
    assert written <= SCRATCH_MB and "No space left" in sandboxed["escapes"]["fill_disk"][1]


def test_checkout_and_venv_unchanged_after_the_sandboxed_batch(sandboxed):
    assert sandboxed["after"]["git"] == sandboxed["before"]["git"]
    assert sandboxed["after"]["tree"] == sandboxed["before"]["tree"], "a file of the checkout changed"
    assert sandboxed["after"]["site"] == sandboxed["before"]["site"], "site-packages changed"


def test_honest_students_keep_their_grades_beside_the_escaper(sandboxed):
    rows = sandboxed["csv"]
    for student, case in (("classmate", "ok"), ("raises_early", "raises_early"), ("escaper", "ok")):
        status, square, normalise = EXPECTED[case]
        assert (rows[student]["status"], float(rows[student]["tiny:test_square"]),
                float(rows[student]["tiny:test_normalise"])) == (status, square, normalise), student
        assert rows[student]["sandbox"] == "yes"
    assert "sandbox: on (bubblewrap)" in sandboxed["stdout"]


# ---------------------------------------------------------------- the positive control: every escape works
@pytest.mark.parametrize("name", ["checks_py", "ipython_startup", "solutions_via_proc", "daemon", "write_outside",
                                  "other_student", "gradebook", "network", "fork_storm", "fill_disk"])
def test_escape_succeeds_without_the_sandbox(unsandboxed, name):
    verdict, detail = unsandboxed["escapes"][name]
    assert verdict == "SUCCEEDED", f"{name}: {detail}"


def test_control_evidence_on_the_host(unsandboxed):
    token, course, runtime, home = unsandboxed["token"], unsandboxed["course"], unsandboxed["runtime"], unsandboxed["home"]
    assert token.encode() in unsandboxed["received"]
    assert (home / ".ipython" / "profile_default" / "startup" / "x.py").exists()
    assert token in (unsandboxed["package"] / "dlcourse" / "checks.py").read_text()
    assert (course / f"pwned_{token}.txt").exists() and (runtime / f"pwned_{token}.txt").exists()
    assert unsandboxed["daemons"] >= 1, "the setsid daemon should outlive an unsandboxed batch"
    assert HIDDEN in unsandboxed["escapes"]["solutions_via_proc"][1]
    assert "(hidden)" in unsandboxed["escapes"]["gradebook"][1]          # a hidden test, read from the db
    assert unsandboxed["secret"] in unsandboxed["escapes"]["other_student"][1]
    assert f"forked {FORKS}" in unsandboxed["escapes"]["fork_storm"][1]


def test_no_sandbox_is_said_in_summary_csv_and_feedback(unsandboxed):
    assert "GRADED WITHOUT THE SANDBOX" in unsandboxed["stdout"]
    assert {row["sandbox"] for row in unsandboxed["csv"].values()} == {"NO (--no-sandbox)"}
    page = (unsandboxed["runtime"] / "feedback" / "classmate" / WEEK / f"{WEEK}.html").read_text()
    assert "graded without the sandbox" in page
