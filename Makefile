# dlcourse - run the course, test it, release it, grade it.
# A fresh machine needs only Python 3.11, pip and GNU make.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
WEEKS  := $(notdir $(wildcard solutions/week*))
WEEK   ?=
LAB_ARGS    ?=
PYTEST_ARGS ?=
# One BLAS/torch thread per test worker: two workers use both cores without oversubscribing.
THREADS_1 := OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 DLCOURSE_TORCH_THREADS=1
PIP := $(BIN)/python -m pip --disable-pip-version-check
# nbgrader calls the venv's `alembic` executable by name when it creates a gradebook.
export PATH := $(abspath $(BIN)):$(PATH)
# dlcourse's bytecode, compiled before anything starts kernels: where PYTHONDONTWRITEBYTECODE is
# set (this CI machine sets it) every kernel would otherwise recompile the package from source.
# Python still reads .pyc files it may not write; a stale one is ignored, never wrong (and a
# read-only checkout just skips this).
BYTECODE = $(BIN)/python -m compileall -q -j 0 helpers/dlcourse >/dev/null 2>&1 || true

.PHONY: help lab test nbval e2e hub-test bench release guide grade install install-test clean-venv

help:
	@echo "make lab      - install (once) and start JupyterLab on course/  (LAB_ARGS=--no-browser for headless)"
	@echo "make test     - install (once) with test pins and run the whole test suite"
	@echo "make nbval WEEK=week05_sequences - check one week's solution notebooks execute (nbval), after editing them"
	@echo "make e2e      - browser tests: real JupyterLab in headless Chromium (needs /usr/bin/chromium)"
	@echo "make hub-test - a real JupyterHub on loopback: 1 instructor + 3 students (Unix users) release, fetch, submit, grade, feedback (root; Node)"
	@echo "make bench    - measure notebooks, widgets, kernels and grading against the budgets, rerun the seed evidence; update README"
	@echo "make release  - regenerate the student release course/ from solutions/ (nbgrader), its START_HERE page and the grading guides"
	@echo "make guide    - write the graders' guides autograder/guides/<week>.md (rubrics + model answers)"
	@echo "make grade WEEK=week01_boosting [SUBMISSIONS=export.zip] - grade a week (parallel, limits), feedback, CSV"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Exact pins (binder/lock.txt, torch==2.13.0 CPU included; no extra package index) + the package, editable.
$(VENV)/.installed: binder/lock.txt pyproject.toml | $(BIN)/python
	$(PIP) install -r binder/lock.txt
	$(PIP) install --no-deps -e .
	@$(BYTECODE)
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed tests/requirements.txt
	$(PIP) install -r tests/requirements.txt
	@touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# Opens on course/START_HERE.ipynb, the students' front door (course map, how to check a submission).
lab: $(VENV)/.installed
	@$(BYTECODE)
	$(BIN)/jupyter lab --ServerApp.root_dir=course --LabApp.default_url=/lab/tree/START_HERE.ipynb $(LAB_ARGS)

# Offline: tests/offline/sitecustomize.py refuses non-loopback connections in every process
# of the suite, Jupyter kernels included (tests/test_offline_guard.py proves it).
OFFLINE := DLCOURSE_OFFLINE=1 PYTHONPATH=$(CURDIR)/tests/offline

# nbval checks that every solution notebook executes (one kernel per notebook, so --dist loadfile
# keeps a notebook on one worker; the root conftest.py adds "no stderr" and per-notebook timings).
# The cell timeout is nbgrader's Execute.timeout. JUnit XML feeds the test-count floor in .ci/run.
NBVAL := --nbval-lax --nbval-cell-timeout=60
test: $(VENV)/.installed-test
	@$(BYTECODE)
	$(THREADS_1) $(OFFLINE) $(BIN)/python -m pytest -n 2 --dist loadfile $(NBVAL) --ignore=tests/e2e --ignore=tests/hub \
	  --junitxml=artifacts/junit-test.xml $(PYTEST_ARGS) tests solutions

# Check one week's solution notebooks after editing them (same settings as make test).
nbval: $(VENV)/.installed-test
	@$(BYTECODE)
	@test -d solutions/$(WEEK) || { echo "usage: make nbval WEEK=week05_sequences  (one of: $(WEEKS))"; exit 2; }
	$(THREADS_1) $(OFFLINE) $(BIN)/python -m pytest -n 2 --dist loadfile $(NBVAL) solutions/$(WEEK) $(PYTEST_ARGS)

# Real JupyterLab + Debian's Chromium via Playwright; screenshots in artifacts/e2e/.
e2e: $(VENV)/.installed-test
	@$(BYTECODE)
	$(THREADS_1) $(BIN)/python -m pytest tests/e2e -p no:xdist --junitxml=artifacts/junit-e2e.xml $(PYTEST_ARGS)

# The course hub (deploy/) end to end: hub pins installed WITH the students' pins (pip's resolver
# proves they co-resolve), the pinned proxy from npm (needs node + npm: Debian's nodejs npm),
# then a real JupyterHub with real Unix users (needs root). See README "Teaching a class".
$(VENV)/.installed-hub: $(VENV)/.installed-test deploy/requirements.txt deploy/proxy/package-lock.json
	$(PIP) install -r binder/lock.txt -r deploy/requirements.txt
	cd deploy/proxy && npm ci --no-audit --no-fund
	@touch $@

hub-test: $(VENV)/.installed-hub
	DLCOURSE_HUB_TEST=1 $(THREADS_1) $(BIN)/python -m pytest tests/hub -p no:xdist -s --junitxml=artifacts/junit-hub.xml $(PYTEST_ARGS)

# Reports to tests/benchmarks/reports/ (git-ignored) and README's "What it costs to run".
bench: $(VENV)/.installed-test
	@$(BYTECODE)
	$(OFFLINE) $(BIN)/python tests/benchmarks/bench.py --update-readme $(BENCH_ARGS)

# nbgrader reads autograder/nbgrader_config.py from its working directory, hence the cd.
release: $(VENV)/.installed
	$(BIN)/python helpers/scripts/nbtool.py clean solutions/week*/*.ipynb
	@for week in $(WEEKS); do \
	  (cd autograder && ../$(BIN)/nbgrader generate_assignment $$week --force --no-db --log-level=WARN) || exit 1; \
	done
	$(BIN)/python helpers/scripts/landing.py
	@echo "course/ regenerated for: $(WEEKS)"
	@$(MAKE) --no-print-directory guide

# Per-week grading guides (question, rubric, model answer of every manual answer), git-ignored.
guide: $(VENV)/.installed
	$(BIN)/python -m dlcourse.grading.guide --solutions solutions --out autograder/guides

# One command (dlcourse-grade, see autograder/README.md): records the week in the gradebook, takes
# SUBMISSIONS (a folder or .zip as the LMS exports it; default: what is in autograder/submitted/),
# grades every submission in its own process group with limits, in parallel, every kernel inside
# a bubblewrap sandbox (Linux; `apt-get install bubblewrap`), writes feedback,
# autograder/grades_WEEK.csv and prints a summary. GRADE_ARGS e.g. "--workers 2 --force";
# "--no-sandbox" grades without the sandbox (and says so everywhere).
SUBMISSIONS ?=
GRADE_ARGS  ?=
# Order-only: grading never reinstalls (on a course hub VENV= is the shared, read-only environment).
grade: | $(VENV)/.installed
	@test -n "$(WEEK)" || { echo "usage: make grade WEEK=week01_boosting [SUBMISSIONS=export.zip]  (one of: $(WEEKS))"; exit 2; }
	@test -d solutions/$(WEEK) || { echo "no such week: $(WEEK) (one of: $(WEEKS))"; exit 2; }
	@command -v bwrap >/dev/null || case "$(GRADE_ARGS)" in *--no-sandbox*) ;; *) echo "make grade: the grading \
	sandbox needs bubblewrap: sudo apt-get install bubblewrap (Fedora: sudo dnf install bubblewrap); on macOS or \
	Windows see autograder/README.md 'Grading on macOS or Windows'. GRADE_ARGS=--no-sandbox grades without it."; \
	exit 2;; esac
	@$(BYTECODE)
	$(THREADS_1) $(BIN)/python -m dlcourse.grading --course-root $(CURDIR) $(WEEK) $(SUBMISSIONS) $(GRADE_ARGS)

clean-venv:
	rm -rf $(VENV)
