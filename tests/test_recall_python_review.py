"""Review of issue 14's Python recall: reads of a base's piece that a plain `--fix` must not miss.

Each project's functions return the URLs they would call. A test fixes a copy with plain
`--fix`, imports the project before and after, and compares: a blocked call must reach the very
URL it reached before, a migratable one that URL or its v1 form.
"""
from __future__ import annotations

import importlib
import inspect
import re
import sys
from pathlib import Path

import pytest
from helpers import run_cli

ASTRO_BASE = re.compile(r"^https://api\.astronomer\.io/(?:iam|platform)/v1beta1/")
BLOCKED = re.compile(r"/(?:alerts|notification-channels)(?:/|$)")

WS = 'def ws_url(o):\n    return f"{ASTRO_API}/v1beta1/organizations/{o}/workspaces"\n'
CONFIG = 'ASTRO_API = "https://api.astronomer.io/platform"\n' + WS
ALERTS = '/v1beta1/organizations/" + o + "/alerts"\n'

PROJECTS = {
    # `from config import *`: the star import reads the versionless base the fix rewrites
    "star_import": {
        "config.py": CONFIG,
        "reports.py": 'from config import *\ndef alerts_url(o):\n    return ASTRO_API + "' + ALERTS,
    },
    # a module imported by a literal name at run time
    "import_module": {
        "config.py": CONFIG,
        "reports.py": 'import importlib\ncfg = importlib.import_module("config")\n'
                      'def alerts_url(o):\n    return cfg.ASTRO_API + "' + ALERTS,
    },
    # the module's own names read by string through sys.modules
    "sys_modules_getattr": {
        "api.py": 'import sys\n' + CONFIG + 'def alerts_url(o):\n'
                  '    return getattr(sys.modules[__name__], "ASTRO_API") + "' + ALERTS,
    },
    # another module's names read through `vars()` / `__dict__`: also for a base with its version
    "vars_of_module": {
        "config.py": 'ASTRO_API = "https://api.astronomer.io/platform/v1beta1"\n'
                     'def ws_url(o):\n    return f"{ASTRO_API}/organizations/{o}/workspaces"\n',
        "reports.py": 'import config\ndef alerts_url(o):\n'
                      '    return vars(config)["ASTRO_API"] + "/organizations/" + o + "/alerts"\n'
                      'def channels_url(o):\n'
                      '    return config.__dict__["ASTRO_API"] + "/organizations/" + o + "/notification-channels"\n',
    },
    # the host a version part is joined to is set again by a function (`global`): to a dev host
    "global_rebinds_host": {
        "api.py": 'import os\nHOST = "https://api.astronomer.io"\nVER = "v1beta1"\n'
                  'def configure():\n    global HOST\n'
                  '    HOST = os.environ.get("ASTRO_TEST_HOST", "https://api.astronomer-dev.io")\n'
                  'configure()\n'
                  'def ws_url(o):\n    return f"{HOST}/platform/{VER}/organizations/{o}/workspaces"\n',
    },
    # Airflow runs with include/ on PYTHONPATH: the import roots do not place `astro_common`, yet
    # it is the project's include/astro_common.py, re-exported by a module reports.py reads
    "unplaced_import": {
        "include/astro_common.py": CONFIG,
        "dags/mid.py": "from astro_common import ASTRO_API as API\n",
        "dags/paths.py": 'ALERTS = "/v1beta1/organizations/{}/alerts"\n',
        "dags/reports.py": "from mid import API\nfrom paths import ALERTS\n"
                           "def alerts_url(o):\n    return API + ALERTS.format(o)\n",
    },
}


def urls(root, modules) -> dict:
    """module.function -> the URL each `*_url` function of the project returns (argument "o")."""
    folders = sorted({str((root / module).parent) for module in modules})
    sys.path[:0] = folders
    importlib.invalidate_caches()
    try:
        found = {}
        for module in modules:
            namespace = vars(importlib.import_module(Path(module).stem))
            for name, function in namespace.items():
                if name.endswith("_url") and inspect.isfunction(function):
                    found[f"{module}.{name}"] = function(*["o"] * len(inspect.signature(function).parameters))
        return found
    finally:
        del sys.path[:len(folders)]
        for module in modules:
            sys.modules.pop(Path(module).stem, None)


def on_v1(url: str) -> str:
    return url if BLOCKED.search(url) else ASTRO_BASE.sub("https://api.astronomer.io/v1/", url)


@pytest.mark.parametrize("name", sorted(PROJECTS))
def test_plain_fix_moves_each_call_to_its_v1_url_or_leaves_it(name, tmp_path):
    files = PROJECTS[name]
    for module, text in files.items():
        (tmp_path / module).parent.mkdir(exist_ok=True)
        (tmp_path / module).write_text(text)
    before = urls(tmp_path, files)

    run_cli("check", "--fix", tmp_path)
    after = urls(tmp_path, files)
    for function, url in before.items():
        assert after[function] in (url, on_v1(url)), function
        if BLOCKED.search(url):
            assert after[function] == url, function
    snapshot = {module: (tmp_path / module).read_text() for module in files}
    run_cli("check", "--fix", tmp_path)
    assert {module: (tmp_path / module).read_text() for module in files} == snapshot
