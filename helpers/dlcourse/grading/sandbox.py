"""Run every student kernel inside a bubblewrap (``bwrap``) sandbox: the OS, not Python, keeps
student code away from the checkout, the gradebook, other students and the instructor's home.

Where: the grading process of a submission (:mod:`.worker`, outside the sandbox) runs
nbgrader; only the kernel, where student code runs, is sandboxed. The kernel manager
(:class:`SandboxedKernelManager`) prefixes the kernel command with ``bwrap``; everything the
kernel starts (subprocesses, daemons, fork storms) stays in the sandbox's PID namespace and
dies with it. nbgrader's own files (private gradebook copy, autograded notebooks, log) are
never mounted, so student code cannot read hidden tests from them or change its own score.

What the kernel sees (see :func:`bwrap_args`):

- a read-only system (``/usr``, ``/bin``, ``/lib*``, what Python needs of ``/etc``: no
  ``shadow``, no ``ssh``), the Python installation, the
  virtual environment and the ``dlcourse`` package, read-only; an otherwise empty, read-only
  root: no checkout, no ``solutions/``, no gradebook, no other submission, no real ``$HOME``;
- its working folder ``/submission`` (tmpfs, ``scratch_mb`` quota) with the release's data
  files bound read-only; a private tmpfs ``$HOME`` and ``/tmp`` (``home_mb`` each) and
  ``/dev/shm``; all gone when the kernel ends;
- new user (mapped to ``nobody``, no capabilities, no further user namespaces), PID, network
  (loopback only, not the host's), IPC and UTS namespaces; a new session; killed with its parent;
- a process limit: ``RLIMIT_NPROC`` set inside the sandbox (binds for an unprivileged
  instructor; every sandbox is its own user namespace, so it counts only that kernel's
  processes). Root is exempt from ``RLIMIT_NPROC`` whatever uid the namespace shows, so as
  root the kernel is also put into its own ``pids`` cgroup (``pids.max``).

The kernel talks to the grader over ZeroMQ ``ipc`` sockets created inside the sandbox (in a
1 MB tmpfs); the grader reaches them through ``/proc/<sandbox pid>/root``, so no host folder
is writable from inside.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

WORKDIR = "/submission"               # the kernel's cwd inside the sandbox
HOME = "/home/student"
IPC_DIR = "/run/dlcourse-kernel"      # connection file + ZeroMQ sockets, inside the sandbox
SANDBOX_UID = 65534                   # nobody: unprivileged, has a passwd entry everywhere

FIX = ("Install bubblewrap (Debian/Ubuntu: `sudo apt-get install bubblewrap`; Fedora: `sudo dnf install "
       "bubblewrap`) on a Linux machine with unprivileged user namespaces enabled. On macOS or Windows run "
       "the same command in a Linux container (see autograder/README.md, 'Grading on macOS or Windows'). "
       "`--no-sandbox` grades without it, with student code running as you.")


class SandboxUnavailable(RuntimeError):
    """The sandbox cannot start here; the message names the fix."""


@dataclass(frozen=True)
class SandboxConfig:
    """Per-submission sandbox limits (picklable: it travels with the job)."""

    scratch_mb: int = 512             # the kernel's working folder
    home_mb: int = 64                 # $HOME, /tmp and /dev/shm each
    max_processes: int = 256          # tasks (processes + threads) of one kernel
    cgroup: str | None = None         # pids cgroup folder (root only), set by the worker per submission


def bwrap() -> str | None:
    return shutil.which("bwrap")


# What of /etc a Python kernel needs (libc, users, time, TLS, fonts); never shadow, ssh, cron, ...
ETC = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "passwd", "group", "nsswitch.conf", "hosts", "host.conf",
       "localtime", "timezone", "ssl", "ca-certificates", "ca-certificates.conf", "alternatives", "fonts",
       "mime.types", "os-release", "debian_version", "xdg", "matplotlibrc", "gai.conf", "protocols", "services")


def _system_binds() -> list[str]:
    args = ["--ro-bind", "/usr", "/usr"]
    for name in ETC:
        path = Path("/etc") / name
        if path.exists():
            args += ["--ro-bind", str(path), str(path)]
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        path = Path("/") / name
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    return args


def _code_roots() -> list[Path]:
    """What the kernel must read, besides the system: Python, the venv, the dlcourse package."""
    import dlcourse

    roots = [Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(), Path(sys.executable).resolve().parent,
             Path(dlcourse.__file__).resolve().parent]
    out: list[Path] = []
    for root in sorted(set(roots), key=lambda p: len(p.parts)):
        if root.is_dir() and not any(root.is_relative_to(p) for p in out) \
                and not any(root.is_relative_to(s) for s in (Path("/usr"), Path("/etc"))):
            out.append(root)
    return out


def bwrap_args(config: SandboxConfig, data_dir: Path | None = None, connection_file: Path | None = None) -> list[str]:
    """The bwrap command line (without the command), for one kernel."""
    mb = 2**20
    args = [bwrap() or "bwrap", "--unshare-all", "--unshare-user", "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID),
            "--disable-userns", "--cap-drop", "ALL", "--die-with-parent", "--new-session"]
    args += _system_binds()
    args += ["--proc", "/proc", "--dev", "/dev",
             "--size", str(config.home_mb * mb), "--tmpfs", "/dev/shm",
             "--size", str(config.home_mb * mb), "--tmpfs", "/tmp",
             "--size", str(config.home_mb * mb), "--tmpfs", HOME,
             "--size", str(config.scratch_mb * mb), "--tmpfs", WORKDIR,
             "--size", str(mb), "--tmpfs", IPC_DIR]
    # The code after the private folders: bwrap mounts in order, so a venv or checkout that lives
    # under /tmp (a CI clone in a temporary folder) is bound on top of the empty /tmp, not hidden.
    for root in _code_roots():
        args += ["--ro-bind", str(root), str(root)]
    if data_dir is not None:
        for entry in sorted(Path(data_dir).iterdir()):
            args += ["--ro-bind", str(entry), f"{WORKDIR}/{entry.name}"]
    if connection_file is not None:
        args += ["--ro-bind", str(connection_file), f"{IPC_DIR}/connection.json"]
    args += ["--remount-ro", "/", "--remount-ro", "/dev",
             "--unsetenv", "JPY_PARENT_PID",                  # ipykernel would exit: its parent is pid 1 here
             "--setenv", "HOME", HOME, "--setenv", "TMPDIR", "/tmp", "--setenv", "USER", "student",
             "--chdir", WORKDIR]
    return args


def _prelude(config: SandboxConfig) -> str:
    """Python run first inside the sandbox: the process limit, then the real command."""
    n = int(config.max_processes)
    return f"import resource as r; r.setrlimit(r.RLIMIT_NPROC, ({n}, {n})); "


def kernel_command(cmd: list[str], config: SandboxConfig, data_dir: Path | None, connection_file: Path) -> list[str]:
    """``cmd`` (``python -m ipykernel_launcher -f <file> ...``) run inside the sandbox."""
    cmd = list(cmd)
    if "-f" in cmd:
        cmd[cmd.index("-f") + 1] = f"{IPC_DIR}/connection.json"
    if len(cmd) >= 3 and cmd[1] == "-m":                    # python -m module args: same process, limit first
        code = (_prelude(config) + "import runpy, sys; sys.argv[0] = " + repr(cmd[2]) + "; "
                "runpy.run_module(" + repr(cmd[2]) + ", run_name='__main__', alter_sys=True)")
        cmd = [cmd[0], "-c", code, *cmd[3:]]
    full = bwrap_args(config, data_dir, connection_file) + ["--", *cmd]
    if config.cgroup:                                        # root: join the pids cgroup before bwrap starts
        full = ["/bin/sh", "-c", 'echo $$ > "$0" && exec "$@"', str(Path(config.cgroup) / "cgroup.procs"), *full]
    return full


# ---------------------------------------------------------------- pids cgroup (root only)
def _pids_root() -> Path | None:
    v1 = Path("/sys/fs/cgroup/pids")
    if (v1 / "cgroup.procs").exists():
        return v1
    v2 = Path("/sys/fs/cgroup")
    if (v2 / "cgroup.controllers").exists() and "pids" in (v2 / "cgroup.controllers").read_text().split():
        return v2
    return None


def make_cgroup(name: str, max_processes: int) -> str:
    """A pids cgroup for one submission; raises SandboxUnavailable if none can be made."""
    root = _pids_root()
    if root is None:
        raise SandboxUnavailable("running as root, the process limit needs the cgroup 'pids' controller, which is "
                                 "not mounted here. Run `make grade` as an ordinary user instead. " + FIX)
    path = root / name
    try:
        if root == Path("/sys/fs/cgroup") and "pids" not in (root / "cgroup.subtree_control").read_text().split():
            (root / "cgroup.subtree_control").write_text("+pids")        # cgroup v2: enable pids for children
        path.mkdir(exist_ok=True)
        (path / "pids.max").write_text(str(max_processes))
    except OSError as exc:
        raise SandboxUnavailable(f"running as root, cannot create a pids cgroup ({exc}); run `make grade` as an "
                                 "ordinary user instead. " + FIX) from None
    return str(path)


def remove_cgroup(path: str | None) -> None:
    if not path:
        return
    for _ in range(50):                                      # empty once the last task has been reaped
        try:
            os.rmdir(path)
            return
        except FileNotFoundError:
            return
        except OSError:
            time.sleep(0.1)


def remove_stale_cgroups(prefix: str = "dlcourse-") -> None:
    root = _pids_root()
    if root is None or os.geteuid() != 0:
        return
    for path in root.glob(prefix + "*"):
        pid = path.name.split("-")[1] if path.name.count("-") >= 2 else ""
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            remove_cgroup(str(path))


# ---------------------------------------------------------------- can it start?
def probe(config: SandboxConfig | None = None) -> None:
    """Start a throw-away sandbox exactly as a kernel's; raise SandboxUnavailable (with the fix) if it fails."""
    config = config or SandboxConfig()
    if not sys.platform.startswith("linux"):
        raise SandboxUnavailable(f"the sandbox needs Linux (this is {sys.platform}). " + FIX)
    if bwrap() is None:
        raise SandboxUnavailable("bubblewrap (`bwrap`) is not installed. " + FIX)
    cgroup = None
    if os.geteuid() == 0:
        cgroup = make_cgroup(f"dlcourse-{os.getpid()}-probe", config.max_processes)
    try:
        cmd = kernel_command([sys.executable, "-c", "import os; print(os.getuid())"],
                             SandboxConfig(config.scratch_mb, config.home_mb, config.max_processes, cgroup), None,
                             Path(os.devnull))
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SandboxUnavailable(f"bubblewrap could not start: {exc}. " + FIX) from None
    finally:
        remove_cgroup(cgroup)
    if proc.returncode != 0 or proc.stdout.strip() != str(SANDBOX_UID):
        why = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        hint = (" (are unprivileged user namespaces disabled? `sysctl kernel.unprivileged_userns_clone=1`, or on "
                "Ubuntu 24.04+ the AppArmor restriction `kernel.apparmor_restrict_unprivileged_userns`)")
        raise SandboxUnavailable(f"bubblewrap is installed but the sandbox did not start: {why}{hint}. " + FIX)


# ---------------------------------------------------------------- the kernel manager
def _sandbox_pid(launcher_pid: int, timeout: float = 30.0) -> int:
    """The host pid of the sandbox's first process (its root is the sandbox's root)."""
    import psutil

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            for child in psutil.Process(launcher_pid).children(recursive=True):
                if Path(f"/proc/{child.pid}/root{IPC_DIR}/connection.json").exists():
                    return child.pid
        except (psutil.NoSuchProcess, OSError):
            break
        time.sleep(0.005)
    raise RuntimeError("the kernel's sandbox did not start (see grading.log)")


def kernel_manager_class():
    """:class:`SandboxedKernelManager`, built lazily (jupyter_client is heavy to import)."""
    global _KM
    if _KM is None:
        _KM = _make_kernel_manager_class()
    return _KM


_KM = None


def _make_kernel_manager_class():
    import asyncio

    from jupyter_client.manager import AsyncKernelManager

    class SandboxedKernelManager(AsyncKernelManager):
        """A kernel manager whose kernel runs inside bwrap (config in ``sandbox_config``)."""

        sandbox_config: SandboxConfig = SandboxConfig()
        sandbox_data: str | None = None        # host folder of the release data files

        async def _async_pre_start_kernel(self, **kw):
            self.transport = "ipc"
            self.ip = f"{IPC_DIR}/ipc"                        # as the kernel sees it (the connection file)
            return await super()._async_pre_start_kernel(**kw)

        def format_kernel_cmd(self, extra_arguments=None):
            cmd = super().format_kernel_cmd(extra_arguments)
            return kernel_command(cmd, self.sandbox_config, Path(self.sandbox_data) if self.sandbox_data else None,
                                  Path(self.connection_file).resolve())

        async def _async_launch_kernel(self, kernel_cmd, **kw):
            await super()._async_launch_kernel(kernel_cmd, **kw)
            pid = await asyncio.get_running_loop().run_in_executor(None, _sandbox_pid, self.provisioner.pid)
            self.ip = f"/proc/{pid}/root{IPC_DIR}/ipc"      # the same sockets, as the grader reaches them

        async def _async_interrupt_kernel(self):
            # a signal to bwrap does not reach the kernel (new session, own PID namespace): ask ipykernel
            if self.has_kernel:
                msg = self.session.msg("interrupt_request", content={})
                self._connect_control_socket()
                self.session.send(self._control_socket, msg)
            else:
                await super()._async_interrupt_kernel()

        interrupt_kernel = _async_interrupt_kernel            # AsyncKernelManager binds the function, not the name

    return SandboxedKernelManager
