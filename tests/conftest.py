"""Shared pytest setup: ``tests/`` on sys.path (for ``mistakes``), headless matplotlib."""

import os
import sys
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")
TESTS = Path(__file__).resolve().parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))
