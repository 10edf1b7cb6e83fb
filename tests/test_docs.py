"""Docs that cannot rot: every command documented with an example, CI runs the README's test command."""
from __future__ import annotations

from pathlib import Path

import pytest

from cxcore import cli
from tests.conftest import run_cli

PROJECT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("command", sorted(cli.EXAMPLES))
def test_every_command_is_documented_with_an_example(command):
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    assert f"python -m cxcore {command}" in readme
    done = run_cli(*command.split(), "--help")  # a nested command ("journey export") is two words
    assert done.returncode == 0 and "example: python -m cxcore " + command in done.stdout


def test_every_command_has_an_example():
    assert set(cli.EXAMPLES) == set(cli.command_names())
    assert {"journey export", "journey import"} <= set(cli.command_names())


def test_ci_runs_the_readme_test_command():
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    blocks = [b.split("```", 1)[0].strip() for b in readme.split("```bash")[1:3]]
    ci = (PROJECT / ".ci" / "run").read_text(encoding="utf-8")
    assert blocks[1] in ci.splitlines()
    assert "streamlit run app.py" in blocks[0]
