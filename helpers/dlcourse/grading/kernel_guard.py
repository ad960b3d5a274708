"""Imported INSIDE a student's kernel by the grader: keeps the checking machinery honest.

Tests run in the student's interpreter (nbgrader's design), so a solution cell can replace what
they call: ``np.allclose = lambda *a, **k: True``, a home-made ``check_close``,
``get_ipython().showtraceback = lambda *a, **k: None`` (nbgrader#1324). Before any student
code runs the grader calls :func:`arm` (records the originals); after every locked cell
(setup, tests) :func:`remember` records which names the instructor's code bound; before every
test cell :func:`restore` puts every original back and returns what had been changed, so the
test runs against the real functions and the grader flags the submission.

This is a speed bump, not a sandbox: code that knows about this module can defeat it
(same-process Python can always be subverted; see autograder/README.md). Stdlib only at import.
"""

from __future__ import annotations

import sys
import types

# module -> attributes whose replacement would fake a pass
GUARDED = {
    "builtins": ("isinstance", "issubclass", "abs", "all", "any", "len", "float", "int", "round", "sum", "max",
                 "min", "type", "id", "getattr", "hasattr", "repr", "str", "print", "AssertionError", "Exception"),
    "math": ("isclose", "isfinite", "isnan"),
    "numpy": ("allclose", "isclose", "array_equal", "array_equiv", "all", "any", "asarray", "array", "abs",
              "isfinite", "isnan", "testing"),
    "numpy.testing": ("assert_allclose", "assert_array_equal", "assert_array_almost_equal", "assert_equal",
                      "assert_almost_equal", "assert_array_less"),
    "torch": ("allclose", "equal", "isclose", "testing"),
    "torch.testing": ("assert_close",),
    "dlcourse.checks": None,                                       # None: every public function
}
_SHELL_METHODS = ("showtraceback", "_showtraceback", "showsyntaxerror", "run_cell", "run_cell_async")

_originals: dict[tuple[str, str], object] = {}
_modules: dict[str, types.ModuleType] = {}
_names: dict[str, object] = {}                                    # user namespace names bound by locked cells
_streams: dict[str, object] = {}
_shell_class_methods: dict[str, object] = {}
_shell_instance_methods: dict[str, object] = {}


def _capture_new_modules() -> None:
    for mod_name, attrs in GUARDED.items():
        mod = sys.modules.get(mod_name)
        if mod is None or mod_name in _modules:
            continue
        _modules[mod_name] = mod
        if attrs is None:
            attrs = tuple(getattr(mod, "__all__", ()))
        for attr in attrs:
            if hasattr(mod, attr):
                _originals[(mod_name, attr)] = getattr(mod, attr)


def arm() -> str:
    """Record the originals before any student code runs (imports numpy: the tests use it)."""
    import math  # noqa: F401
    for name in ("numpy", "numpy.testing", "dlcourse.checks"):
        try:
            __import__(name)
        except ImportError:
            pass
    _capture_new_modules()
    _streams.update(stdout=sys.stdout, stderr=sys.stderr)
    shell = _shell()
    if shell is not None:
        for method in _SHELL_METHODS:
            _shell_class_methods[method] = getattr(type(shell), method, None)
            _shell_instance_methods[method] = vars(shell).get(method)
    return "armed"


def _user_ns() -> dict:
    shell = _shell()
    return shell.user_ns if shell is not None else {}


def _shell():
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def _trusted_binding(value: object) -> bool:
    return isinstance(value, (types.ModuleType, types.FunctionType, types.BuiltinFunctionType, type))


def remember() -> str:
    """After a locked (instructor) cell: record the modules/functions/classes it bound."""
    _capture_new_modules()
    for name, value in list(_user_ns().items()):
        if not name.startswith("_") and _trusted_binding(value):
            _names[name] = value
    return "remembered"


def restore() -> list[str]:
    """Before a test cell: put back everything a student cell replaced; report what was."""
    changed = []
    for (mod_name, attr), original in _originals.items():
        mod = sys.modules.get(mod_name)
        if mod is not _modules[mod_name]:
            changed.append(f"sys.modules['{mod_name}'] was replaced")
            sys.modules[mod_name] = _modules[mod_name]
        if getattr(_modules[mod_name], attr, None) is not original:
            changed.append(f"{mod_name}.{attr} was replaced")
            setattr(_modules[mod_name], attr, original)
    ns = _user_ns()
    for name, original in _names.items():
        if ns.get(name) is not original:
            changed.append(f"'{name}' (bound by a read-only cell) was redefined")
            ns[name] = original
    shell = _shell()
    if shell is not None:
        for method, original in _shell_class_methods.items():
            if getattr(type(shell), method, None) is not original:
                changed.append(f"{type(shell).__name__}.{method} was replaced")
                setattr(type(shell), method, original)
        for method, original in _shell_instance_methods.items():
            if vars(shell).get(method) is not original:            # an instance attribute shadows the method
                changed.append(f"get_ipython().{method} was replaced")
                if original is None:
                    delattr(shell, method)
                else:
                    setattr(shell, method, original)
    for stream, original in _streams.items():
        if getattr(sys, stream) is not original:
            changed.append(f"sys.{stream} was replaced")
            setattr(sys, stream, original)
    return changed
