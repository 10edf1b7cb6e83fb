"""Shared fixtures: a fresh store per test, the shared sample bases, and the demo workshop."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cxcore.store import Store, open_store

PROJECT = Path(__file__).resolve().parent.parent
SHARED_SAMPLES = PROJECT.parent / "shared" / "samples"
REPO_SAMPLES = PROJECT / "data" / "samples"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """A new, migrated database file of its own."""
    s = open_store(tmp_path / "studio.duckdb")
    yield s
    s.close()


@pytest.fixture
def shared_samples() -> Path:
    if not (SHARED_SAMPLES / "expected.json").exists():
        pytest.skip("../shared/samples is not beside this checkout")
    return SHARED_SAMPLES


@pytest.fixture
def expected(shared_samples: Path) -> dict:
    return json.loads((shared_samples / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """A database with the demo workshop, built once per run (as the app's first start builds it)."""
    from cxcore import demo

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    s = open_store(path)
    demo.create(s)
    s.close()
    return path


@pytest.fixture(autouse=True)
def _no_ambient_db(monkeypatch, tmp_path: Path) -> None:
    """Never touch the developer's var/studio.duckdb from a test."""
    monkeypatch.setenv("CXSTUDIO_DB", os.fspath(tmp_path / "ambient.duckdb"))


def run_cli(*args: str) -> "subprocess.CompletedProcess[str]":
    """`python -m cxcore ARGS` in a child process, as a user or a script would run it."""
    return subprocess.run([sys.executable, "-m", "cxcore", *args], capture_output=True, text=True,
                          cwd=PROJECT, timeout=120)
