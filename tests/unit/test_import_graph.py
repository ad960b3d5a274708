"""The package's import graph keeps weeks apart (CONTRIBUTING.md, "Layers"):

* no week imports another week's view code (``plots``, ``widgets``, ``textlayer``): shared
  figure pieces live in :mod:`dlcourse.widgetkit` or :mod:`dlcourse.plotting`;
* the data layer (:mod:`dlcourse.data`) and the shared modules (``widgetkit``, ``plotting``,
  ``arrays``, ``checks``, ``quiz``) import no week.

Every import statement is read from the source (function-level imports included), so a
lazy import cannot hide an edge. A week is any subpackage of ``dlcourse`` that is not shared,
so new weeks are covered as they are added.
"""

from __future__ import annotations

import ast
from pathlib import Path

import dlcourse

PACKAGE = Path(dlcourse.__file__).parent
SHARED_PACKAGES = {"data", "grading", "widgetkit"}
VIEW_MODULES = {"plots", "widgets", "textlayer"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module) for every import in ``path``; ``from a import b`` gives a and a.b."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            out.append((node.lineno, module))
            out += [(node.lineno, f"{module}.{alias.name}") for alias in node.names if alias.name != "*"]
    return [(line, m) for line, m in out if m == "dlcourse" or m.startswith("dlcourse.")]


def _weeks() -> set[str]:
    return {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists() and p.name not in SHARED_PACKAGES}


def _edges():
    """(importing file, line, its top part, imported module) for every dlcourse-internal import."""
    for path in sorted(PACKAGE.rglob("*.py")):
        top = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
        for line, module in _imports(path):
            yield path.relative_to(PACKAGE.parent), line, top, module


def _week_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in _weeks() else None


def cross_week_imports() -> list[str]:
    """Every import statement by which one week imports another week's module (view code or
    not; numerics may be shared), as "file:line imports module" (for reports)."""
    statements: dict[tuple, str] = {}
    for path, line, top, module in _edges():
        target = _week_of(module)
        if top in _weeks() and target and target != top and len(module.split(".")) > 2:
            key = (str(path), line)
            statements[key] = min(statements.get(key, module), module, key=len)
    return [f"{path}:{line} imports {module}" for (path, line), module in sorted(statements.items())]


def test_weeks_are_found():
    assert {"boosting", "mlp", "cnn", "training", "sequences"} <= _weeks()


def test_no_week_imports_another_weeks_view_code():
    bad = sorted({f"{path}:{line} imports {module}" for path, line, top, module in _edges()
                  if top in _weeks() and _week_of(module) not in (None, top)
                  and len(module.split(".")) > 2 and module.split(".")[2] in VIEW_MODULES})
    assert not bad, ("a week imports another week's plots/widgets; move what both need into "
                     "dlcourse.widgetkit (view kit) or dlcourse.plotting (shared figure pieces):\n" + "\n".join(bad))


def test_data_layer_and_shared_modules_import_no_week():
    shared = SHARED_PACKAGES - {"grading"} | {"plotting", "arrays", "checks", "quiz"}
    bad = sorted({f"{path}:{line} imports {module}" for path, line, top, module in _edges()
                  if top in shared and _week_of(module)})
    assert not bad, ("the data layer and the shared modules must not import a week; move what they "
                     "need into dlcourse.arrays (numerics) or the shared module itself:\n" + "\n".join(bad))


def test_the_graph_reader_sees_relative_and_lazy_imports(tmp_path):
    sample = PACKAGE / "training" / "vanishing.py"          # a lazy "from ..mlp.backprop import ..."
    assert any(m == "dlcourse.mlp.backprop" for _, m in _imports(sample))
