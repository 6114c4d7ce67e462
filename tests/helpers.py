"""Shared test helpers: run the command line in this process (fast), or as the installed console
script in a real subprocess (the few end-to-end tests, marked `e2e`)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from migrator.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
AS_OF = "2026-11-28"
PROG_NAME = "astro-migrate"


@dataclass
class CliResult:
    """What a run of the command printed and returned, as `subprocess.CompletedProcess` has it."""

    args: list
    returncode: int
    stdout: str
    stderr: str


def cli_runner() -> CliRunner:
    """A CliRunner with stderr apart from stdout on every click this project supports (8.1 mixes
    them unless told not to; 8.2 dropped the option and always keeps them apart)."""
    try:
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:
        return CliRunner()


def run_cli(*args, cwd=None, env=None) -> CliResult:
    """Run `astro-migrate ARGS` in this process, in folder `cwd`, with `env` added to the
    environment; the folder and the environment are restored afterwards. An exception the command
    does not turn into an exit code fails the test (a subprocess would print a traceback)."""
    arguments = list(map(str, args))
    previous = os.getcwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        result = cli_runner().invoke(main, arguments, env={"ASTRO_MIGRATE_AS_OF": AS_OF, **(env or {})},
                                     prog_name=PROG_NAME)
    finally:
        os.chdir(previous)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return CliResult(arguments, result.exit_code, result.stdout, result.stderr)


def console_script() -> str:
    candidate = Path(sys.executable).with_name(PROG_NAME)
    if candidate.exists():
        return str(candidate)
    found = shutil.which(PROG_NAME)
    assert found, "the astro-migrate console script is not installed"
    return found


def run_cli_subprocess(*args, cwd=None, env=None, command=None) -> subprocess.CompletedProcess:
    """Run the installed console script (or `command`, e.g. `python -m migrator`) for real."""
    environment = {**os.environ, "ASTRO_MIGRATE_AS_OF": AS_OF, **(env or {})}
    return subprocess.run(
        [*(command or [console_script()]), *map(str, args)],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def check_json(*args, cwd=None) -> list:
    result = run_cli("check", "--output-format", "json", *args, cwd=cwd)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)
