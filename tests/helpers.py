"""Shared test helpers: run the installed console script as a real subprocess."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
AS_OF = "2026-11-28"


def console_script() -> str:
    candidate = Path(sys.executable).with_name("astro-migrate")
    if candidate.exists():
        return str(candidate)
    found = shutil.which("astro-migrate")
    assert found, "the astro-migrate console script is not installed"
    return found


def run_cli(*args, cwd=None, env=None) -> subprocess.CompletedProcess:
    environment = {**os.environ, "ASTRO_MIGRATE_AS_OF": AS_OF, **(env or {})}
    return subprocess.run(
        [console_script(), *map(str, args)],
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


def cli_runner():
    """A CliRunner with stderr apart from stdout on every click this project supports (8.1 mixes
    them unless told not to; 8.2 dropped the option and always keeps them apart)."""
    from click.testing import CliRunner

    try:
        return CliRunner(mix_stderr=False)
    except TypeError:
        return CliRunner()
