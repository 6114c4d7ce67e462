"""Issue 16, pre-commit start-up: a plain check of files with nothing to say imports only what it runs.

A pre-commit run names a few changed modules of a project that has v1beta1 calls elsewhere. The
project's matching modules are read for their facts (from the cache, when warm), but nothing the
run reports can come out of linking them, planning fixes or a worker pool: those are not imported.
The same process checking the matching module does import them (the guard can fail).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from helpers import FIXTURES, check_json, run_cli

REPO = FIXTURES.parent.parent

SETTINGS = 'BASE = "https://api.astronomer.io/platform/v1beta1"\n'
CLIENT = (
    "import requests\nfrom settings import BASE\n\n\ndef deployments(org):\n"
    '    return requests.get(f"{BASE}/organizations/{org}/deployments")\n'
)
CLEAN = "import os\n\n\ndef home():\n    return os.environ.get('HOME')\n"
LAZY = ("migrator.fix.run", "migrator.fix.verify", "migrator.policy.link", "migrator.policy.suppress",
        "concurrent.futures", "libcst", "migrator.python.analyze", "migrator.text.notebook", "difflib")
PROBE = """
import json, sys
from click.testing import CliRunner
from migrator.cli import main

def loaded(*args):
    result = CliRunner().invoke(main, ["check", "--as-of", "2026-11-28", *args])
    return {"exit": result.exit_code, "modules": [m for m in LAZY if m in sys.modules]}

LAZY = %r
print(json.dumps([loaded("clean.py"), loaded("settings.py")]))
"""


def project(tmp_path):
    (tmp_path / "settings.py").write_text(SETTINGS)
    (tmp_path / "client.py").write_text(CLIENT)
    (tmp_path / "clean.py").write_text(CLEAN)
    return tmp_path


def test_a_warm_plain_check_of_clean_modules_imports_no_fix_link_pool_or_parser(tmp_path):
    """And the same check of the matching module plans its fixes without the text tier's notebook reader."""
    root = project(tmp_path)
    assert run_cli("check", ".", cwd=root).returncode == 1  # fills the cache
    # This checkout's code, as the in-process run above used: an installed copy has other code
    # (another fingerprint), so none of the cache would serve it.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    probe = subprocess.run([sys.executable, "-c", PROBE % (LAZY,)], cwd=root, capture_output=True, text=True,
                           timeout=60, env=env)
    assert probe.returncode == 0, probe.stderr
    clean, matching = json.loads(probe.stdout)
    assert clean == {"exit": 0, "modules": []}
    assert matching["exit"] == 1
    assert {"migrator.fix.run", "migrator.fix.verify", "migrator.policy.link"} <= set(matching["modules"])
    assert "migrator.text.notebook" not in matching["modules"]  # fixes planned in Python files only


def test_a_clean_module_that_reads_a_base_defined_elsewhere_is_still_linked(tmp_path):
    """Linking is skipped only when no named file has facts: an importer named alone gets its finding."""
    root = project(tmp_path)
    (finding,) = check_json("client.py", cwd=root)
    assert finding["filename"] == "client.py"
    assert "defined at settings.py:1" in finding["message"]


def test_a_configuration_file_named_alone_is_judged_by_the_code_that_reads_it(tmp_path):
    """No named Python module, yet linking finds for the named `.env`: the calls that read its values."""
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "recall" / "shared_names" / "before", root)
    whole = [f for f in check_json(".", cwd=root) if f["filename"] == ".env"]
    alone = check_json(".env", cwd=root)
    assert any("read by calls to endpoints v1 lacks" in f["message"] for f in alone)
    assert alone == whole
