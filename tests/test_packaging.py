"""The package works from a source checkout too: what `.ci/run` tests (the source tree on the path
ahead of a non-editable install) and what a checkout without any install runs."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from migrator.engine import ruletable

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(sys.version_info < (3, 11), reason="without site-packages there is no tomli (Python < 3.11)")
def test_rule_table_loads_from_a_source_checkout_that_is_not_installed():
    code = ("import sys; sys.path.insert(0, sys.argv[1]); from migrator.engine import ruletable; "
            "print(len(ruletable.load().operations))")
    # -S: no site-packages, so neither an installed copy nor an editable finder can supply migrator.rules
    result = subprocess.run([sys.executable, "-S", "-c", code, str(REPO)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) == len(ruletable.load().operations)
