"""`make bench`'s seeds section: it finds the evidence scripts, reads their BENCH_ARGS, runs each
as its own process with one thread, and saves and lists each one's output."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _bench():
    spec = importlib.util.spec_from_file_location("bench_under_test", ROOT / "tests" / "benchmarks" / "bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_finds_the_seed_scripts_and_their_arguments(tmp_path):
    bench = _bench()
    names = [p.name for p in bench.seed_scripts()]
    assert "week11_seeds.py" in names and names == sorted(names) and all(n.endswith("_seeds.py") for n in names)
    assert [p.name for p in bench.seed_scripts("week11")] == ["week11_seeds.py"]
    assert bench.bench_args_of(ROOT / "tests" / "benchmarks" / "week11_seeds.py") == ["5"]
    plain = tmp_path / "x_seeds.py"
    plain.write_text("print('no arguments asked for')\n")
    assert bench.bench_args_of(plain) == []
    typed = tmp_path / "y_seeds.py"
    typed.write_text('BENCH_ARGS: list[str] = ["--quick", 3]   # a comment\n')
    assert bench.bench_args_of(typed) == ["--quick", "3"]


def test_runs_each_script_with_one_thread_and_saves_its_output(tmp_path, monkeypatch):
    bench = _bench()
    script = tmp_path / "demo_seeds.py"
    script.write_text('import os, sys\nBENCH_ARGS = ["7"]\n'
                      'print("seeds", sys.argv[1:], os.environ["OMP_NUM_THREADS"], os.environ["DLCOURSE_TORCH_THREADS"])\n')
    broken = tmp_path / "fails_seeds.py"
    broken.write_text('raise SystemExit("no data")\n')
    monkeypatch.setattr(bench, "REPORTS", tmp_path / "reports")
    monkeypatch.setattr(bench, "ROOT", tmp_path)
    monkeypatch.setattr(bench, "seed_scripts", lambda match="": [script, broken])
    rows = bench.section_seeds()
    assert [r["ok"] for r in rows] == [True, False] and rows[1]["exit"] == 1
    saved = (tmp_path / "reports" / "seeds-demo_seeds.txt").read_text()
    assert "seeds ['7'] 1 1" in saved
    assert "no data" in (tmp_path / "reports" / "seeds-fails_seeds.txt").read_text()
    md = bench.markdown({"date": "2026-12-07", "cpus": 2, "machine": "x", "versions": {}, "seeds": rows})
    assert "`demo_seeds.py` | 7 |" in md and "reports/seeds-fails_seeds.txt" in md
