"""A real course hub on loopback for ``make hub-test`` (tests/hub/test_hub.py).

One JupyterHub process, started from deploy/jupyterhub_config.py (loaded unchanged as a
sub-config; the test config below only adds loopback ports, a throw-away state folder, a fixed
password for JupyterHub's DummyAuthenticator and an API token for the test itself), the pinned
configurable-http-proxy from deploy/proxy/, and LocalProcessSpawner servers running as REAL
Unix users that the fixture creates with ``useradd`` (unique names) and removes afterwards.

Everything a user does goes through the hub's proxy with that user's own API token: nbgrader's
assignment-list REST endpoints of their single-user server (fetch, submit, fetch_feedback), the
contents API (open and save a notebook), and a kernel of their server (code runs as them).

Needs root (CI is root) and ``DLCOURSE_HUB_TEST=1`` (set by ``make hub-test``); anywhere else
the module is skipped, so ``pytest tests`` never starts it.
"""

from __future__ import annotations

import asyncio
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
VENV_BIN = Path(sys.executable).parent
ARTIFACTS = ROOT / "artifacts" / "hub"
ENABLED = os.environ.get("DLCOURSE_HUB_TEST") == "1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class User:
    name: str
    role: str                  # instructor | correct | partial | hostile
    token: str = ""
    kernel: str = ""
    timings: dict = field(default_factory=dict)


@dataclass
class Hub:
    url: str
    admin_token: str
    proc: subprocess.Popen
    log: Path
    tmp: Path
    exchange: Path
    course_id: str
    instructor: User
    students: list[User]

    # --- the hub's REST API (the test's own service token) ---------------------------------
    def api(self, method: str, path: str, **kw) -> requests.Response:
        return requests.request(method, f"{self.url}/hub/api{path}", timeout=60,
                                headers={"Authorization": f"token {self.admin_token}"}, **kw)

    # --- a user's single-user server, through the proxy, with the user's own token ---------
    def server(self, user: User, method: str, path: str, **kw) -> requests.Response:
        return requests.request(method, f"{self.url}/user/{user.name}/{path.lstrip('/')}", timeout=300,
                                headers={"Authorization": f"token {user.token}"}, **kw)

    def nbgrader(self, user: User, action: str, assignment: str) -> dict:
        """POST to nbgrader's assignment-list endpoint (fetch, submit, fetch_feedback) of the user's server."""
        r = self.server(user, "POST", f"assignments/{action}",
                        data={"course_id": self.course_id, "assignment_id": assignment})
        assert r.status_code == 200, f"{user.name} {action}: HTTP {r.status_code} {r.text[:500]}"
        return r.json()

    def run(self, user: User, code: str, timeout: float = 120) -> str:
        """Execute ``code`` in the user's kernel (as that Unix user); its stdout, or raise with the error."""
        if not user.kernel:
            r = self.server(user, "POST", "api/kernels", json={"name": "python3"})
            assert r.status_code in (200, 201), f"{user.name}: kernel start HTTP {r.status_code} {r.text[:300]}"
            user.kernel = r.json()["id"]
        ws = f"{self.url.replace('http', 'ws', 1)}/user/{user.name}/api/kernels/{user.kernel}/channels"
        return asyncio.run(_execute(ws, user.token, code, timeout))

    def run_json(self, user: User, code: str, timeout: float = 120):
        """Run code whose last printed line is JSON; return it decoded."""
        out = self.run(user, code, timeout)
        return json.loads(out.strip().splitlines()[-1])


async def _execute(ws_url: str, token: str, code: str, timeout: float) -> str:
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    conn = await websocket_connect(HTTPRequest(ws_url, headers={"Authorization": f"token {token}"},
                                               request_timeout=timeout))
    msg_id, session = uuid.uuid4().hex, uuid.uuid4().hex
    conn.write_message(json.dumps({
        "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": "hubtest", "session": session,
                   "date": "", "version": "5.3"},
        "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
        "content": {"code": code, "silent": False, "store_history": False, "user_expressions": {},
                    "allow_stdin": False, "stop_on_error": True}}))
    out: list[str] = []
    error = None
    deadline = time.monotonic() + timeout
    try:
        while True:
            raw = await asyncio.wait_for(conn.read_message(), max(1.0, deadline - time.monotonic()))
            if raw is None:
                raise RuntimeError("kernel websocket closed")
            if isinstance(raw, bytes):
                continue
            msg = json.loads(raw)
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = msg["msg_type"]
            if kind == "stream":
                out.append(msg["content"]["text"])
            elif kind == "error":
                error = f"{msg['content']['ename']}: {msg['content']['evalue']}"
            elif kind == "status" and msg["content"]["execution_state"] == "idle":
                break
    finally:
        conn.close()
    if error:
        raise RuntimeError(f"code failed in the kernel: {error}\nstdout:\n{''.join(out)[-3000:]}")
    return "".join(out)


def _sh(*cmd: str) -> None:
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _remove_user(name: str) -> None:
    """Kill what is left of a test user's processes (by uid), then delete the user and home."""
    try:
        uid = pwd.getpwnam(name).pw_uid
    except KeyError:
        return
    for _ in range(3):
        pids = [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit() and _uid(p) == uid]
        if not pids:
            break
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.5)
    subprocess.run(["userdel", "-r", name], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _uid(proc: Path) -> int | None:
    try:
        return proc.stat().st_uid
    except OSError:
        return None


def _closed_ancestors(*paths: Path) -> list[Path]:
    """Directories above the checkout and the venv's interpreter that other users cannot traverse
    (here the interpreter is pyenv's, under /root, mode 0700)."""
    closed = []
    for path in paths:
        for parent in reversed(Path(path).resolve().parents):
            if not os.stat(parent).st_mode & 0o001 and parent not in closed:
                closed.append(parent)
    return closed


def _instructor_clone(home: Path, owner: str) -> Path:
    """The instructor's course folder: a copy of the parts of the checkout that nbgrader and
    `make grade` read (mtimes kept, so make sees the checkout's venv, passed as VENV=, as up to date)."""
    clone = home / "dlcourse"
    clone.mkdir()
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy2(ROOT / name, clone / name)
    for name in ("binder", "solutions", "course"):
        shutil.copytree(ROOT / name, clone / name)
    (clone / "autograder").mkdir()
    shutil.copy2(ROOT / "autograder" / "nbgrader_config.py", clone / "autograder" / "nbgrader_config.py")
    _sh("chown", "-R", f"{owner}:{owner}", str(clone))
    return clone


def _wait_ready(hub: Hub, name: str, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if hub.proc.poll() is not None:
            raise RuntimeError(f"the hub exited:\n{hub.log.read_text()[-4000:]}")
        server = hub.api("GET", f"/users/{name}").json().get("servers", {}).get("")
        if server and server.get("ready"):
            return
        time.sleep(0.5)
    raise RuntimeError(f"{name}'s server not ready after {timeout} s:\n{hub.log.read_text()[-4000:]}")


@pytest.fixture(scope="module")
def hub():
    if not ENABLED:
        pytest.skip("the hub test runs with `make hub-test` (DLCOURSE_HUB_TEST=1, as root)")
    if os.geteuid() != 0:
        pytest.fail("make hub-test needs root: the hub spawns servers as real Unix users")
    for path in (ROOT, ROOT / ".venv"):
        assert os.stat(path).st_mode & 0o005 == 0o005, f"{path} must be readable by other users (the students run its venv)"
    # The students' environment is this checkout's venv. On a real hub it lives where every user can
    # read it (TLJH: /opt/tljh/user); here its interpreter may sit under /root (0700), so the test
    # grants ONLY its own throw-away users search (x, not read) on such directories, with an ACL
    # that it removes again before deleting them.
    closed = _closed_ancestors(Path(sys.base_prefix) / "bin", ROOT)
    assert not closed or shutil.which("setfacl"), \
        f"{closed} are closed to other users: install Debian's acl package (setfacl) or use a readable venv"
    proxy = DEPLOY / "proxy" / "node_modules" / ".bin" / "configurable-http-proxy"
    assert proxy.exists(), "the pinned proxy is missing: npm ci --prefix deploy/proxy (make hub-test does)"

    t0 = time.monotonic()
    tag = secrets.token_hex(3)
    instructor = User(f"dlhi{tag}", "instructor")
    students = [User(f"dlhs{tag}{i}", role) for i, role in enumerate(("correct", "partial", "hostile"))]
    everyone = [instructor, *students]
    tmp = Path(tempfile.mkdtemp(prefix="dlcourse-hub-"))
    os.chmod(tmp, 0o755)
    state = tmp / "state"
    state.mkdir(mode=0o700)
    exchange = tmp / "exchange"
    proc = None
    log = state / "jupyterhub.log"
    try:
        for user in everyone:
            # Plain useradd: with Debian's umask the home is 0755; the hub's pre-spawn hook must fix it.
            _sh("useradd", "--create-home", "--shell", "/bin/bash", user.name)
            for folder in closed:
                _sh("setfacl", "-m", f"u:{user.name}:x", str(folder))
        roster = tmp / "roster.yaml"
        limits = {"memory": "4G", "cpu": 1.0, "processes": 256}
        roster.write_text(yaml.safe_dump({
            "course_id": "dlcourse", "exchange": str(exchange), "instructors": [instructor.name],
            "students": [s.name for s in students], "limits": limits}))
        _instructor_clone(Path(pwd.getpwnam(instructor.name).pw_dir), instructor.name)

        port, hub_port, api_port = _free_port(), _free_port(), _free_port()
        admin_token = secrets.token_hex(24)
        config = state / "test_config.py"
        config.write_text(f'''
c = get_config()
load_subconfig({str(DEPLOY / "jupyterhub_config.py")!r})    # the deployment's config, unchanged
c.JupyterHub.bind_url = "http://127.0.0.1:{port}"
c.JupyterHub.hub_bind_url = "http://127.0.0.1:{hub_port}"
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.pid_file = {str(state / "proxy.pid")!r}
c.JupyterHub.db_url = "sqlite:///{state / "hub.sqlite"}"
c.JupyterHub.cookie_secret_file = {str(state / "cookie_secret")!r}
c.JupyterHub.pid_file = {str(state / "hub.pid")!r}
c.DummyAuthenticator.password = {secrets.token_hex(12)!r}
c.JupyterHub.services = [{{"name": "hubtest", "api_token": {admin_token!r}}}]
c.JupyterHub.load_roles = [{{"name": "hubtest", "services": ["hubtest"],
                             "scopes": ["admin:users", "admin:servers", "tokens", "read:users"]}}]
c.Spawner.environment = {{**c.Spawner.environment, "DLCOURSE_OFFLINE": "1",
                          "PYTHONPATH": {str(ROOT / "tests" / "offline")!r},
                          "OMP_NUM_THREADS": "1", "DLCOURSE_TORCH_THREADS": "1"}}
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180
''')
        env = {**os.environ, "DLCOURSE_ROSTER": str(roster), "DLCOURSE_HUB_AUTH": "dummy",
               "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
        env.pop("PYTHONPATH", None)
        with open(log, "w") as fh:
            proc = subprocess.Popen([str(VENV_BIN / "jupyterhub"), "-f", str(config)], cwd=state, env=env,
                                    stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)
        url = f"http://127.0.0.1:{port}"
        hub = Hub(url, admin_token, proc, log, tmp, exchange, "dlcourse", instructor, students)
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the hub exited ({proc.returncode}):\n{log.read_text()[-4000:]}")
            try:
                if requests.get(f"{url}/hub/api/", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the hub did not answer in 90 s:\n{log.read_text()[-4000:]}")
            time.sleep(0.5)
        hub.startup_s = time.monotonic() - t0
        t_spawn = time.monotonic()
        for user in everyone:
            r = hub.api("POST", f"/users/{user.name}/server")
            assert r.status_code in (201, 202), f"spawn {user.name}: HTTP {r.status_code} {r.text[:300]}"
        for user in everyone:
            _wait_ready(hub, user.name)
            r = hub.api("POST", f"/users/{user.name}/tokens", json={"note": "hub test", "expires_in": 3600})
            assert r.status_code in (200, 201), f"token for {user.name}: HTTP {r.status_code} {r.text[:300]}"
            user.token = r.json()["token"]
        hub.spawn_s = time.monotonic() - t_spawn
        hub.t0 = t0
        yield hub
    finally:
        if proc is not None and proc.poll() is None:
            for user in everyone:      # stop the servers through the hub, then the hub (it stops its proxy)
                try:
                    requests.delete(f"http://127.0.0.1:{port}/hub/api/users/{user.name}/server",
                                    headers={"Authorization": f"token {admin_token}"}, timeout=30)
                except requests.RequestException:
                    pass
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)
        if log.exists():
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            shutil.copy(log, ARTIFACTS / "jupyterhub.log")
        pid_file = state / "proxy.pid"
        if pid_file.exists():                  # a proxy the hub failed to stop
            try:
                os.kill(int(pid_file.read_text().strip()), signal.SIGTERM)
            except (ValueError, ProcessLookupError):
                pass
        for user in everyone:
            for folder in closed:
                subprocess.run(["setfacl", "-x", f"u:{user.name}", str(folder)], stderr=subprocess.DEVNULL)
            _remove_user(user.name)
        shutil.rmtree(tmp, ignore_errors=True)
