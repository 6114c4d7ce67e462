"""Regressions from an adversarial review: a value the analysis followed to one of its values only.

Each project's functions return the URLs they would request. After `--fix` (safe fixes only)
they are imported and called: a blocked call (alerts, notification channels) must still be on
v1beta1, whatever branch, default, override or derived URL led to it.
"""
from __future__ import annotations

import importlib
import json
import sys
import textwrap

import pytest

from migrator.api import check
from migrator.options import Options

BASE = 'BASE = "https://api.astronomer.io/platform/v1beta1"\n\ndef get(url):\n    return url\n'

CASES = {
    "if/else path piece": ({"m.py": BASE + """
        def f(org, flag):
            if flag:
                p = "/alerts"
            else:
                p = "/deployments"
            return get(BASE + f"/organizations/{org}" + p)
        """}, "m.f('o', True)"),
    "loop rebinding": ({"m.py": BASE + """
        def f(org):
            p = "/deployments"
            urls = []
            for _ in range(2):
                urls.append(get(f"{BASE}/organizations/{org}{p}"))
                p = "/alerts"
            return urls[-1]
        """}, "m.f('o')"),
    "parameter default": ({"m.py": BASE + """
        def f(org, kind="deployments"):
            return get(f"{BASE}/organizations/{org}/{kind}")

        def alerts(org):
            return f(org, "alerts")
        """}, "m.alerts('o')"),
    "parameter default across modules": ({
        "client.py": BASE + """
        def fetch(org, kind="deployments"):
            return get(f"{BASE}/organizations/{org}/{kind}")
        """,
        "dags/alerts_dag.py": """
        from client import fetch

        def run():
            return fetch("o", kind="alerts")
        """}, "dags.alerts_dag.run()"),
    "subclass overrides a class attribute": ({"m.py": BASE + """
        class C:
            PATH = "/organizations/{org}/deployments"

            def url(self, org):
                return get(BASE + self.PATH.format(org=org))

        class A(C):
            PATH = "/organizations/{org}/alerts"
        """}, "m.A().url('o')"),
    "instance attribute set after construction": ({"m.py": BASE + """
        class Ep:
            path = "/organizations/o/deployments"

            def url(self):
                return get(BASE + self.path)

        def alerts():
            e = Ep()
            e.path = "/organizations/o/alerts"
            return e.url()
        """}, "m.alerts()"),
    "dataclass field set by the constructor": ({"m.py": BASE + """
        from dataclasses import dataclass

        @dataclass
        class Ep:
            path: str = "/organizations/o/deployments"

            def url(self):
                return get(BASE + self.path)

        def alerts():
            return Ep(path="/organizations/o/alerts").url()
        """}, "m.alerts()"),
    "urljoin of an endpoint URL": ({"m.py": BASE + """
        from urllib.parse import urljoin

        def alerts(org):
            return get(urljoin(f"{BASE}/organizations/{org}/deployments", "alerts"))
        """}, "m.alerts('o')"),
    "a URL cut and extended": ({"m.py": BASE + """
        DEPLOY = f"{BASE}/organizations/o/deployments"

        def alerts():
            return get(DEPLOY.rsplit("/", 1)[0] + "/alerts")
        """}, "m.alerts()"),
}


def run_case(tmp_path, monkeypatch, files: dict, probe: str):
    (tmp_path / "astro-migrate.toml").write_text("")
    for name, text in files.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        head = BASE if text.startswith(BASE) else ""
        target.write_text(head + textwrap.dedent(text[len(head):]))
    monkeypatch.chdir(tmp_path)
    check(["."], Options(fix=True, no_cache=True))
    before = set(sys.modules)
    sys.path.insert(0, str(tmp_path))
    importlib.invalidate_caches()
    try:
        module = probe.split("(")[0].rsplit(".", 1)[0]
        importlib.import_module(module)
        top = module.split(".")[0]
        return eval(probe, {top: importlib.import_module(top)})  # noqa: S307 - this file's own probe
    finally:
        sys.path.remove(str(tmp_path))
        for name in set(sys.modules) - before:
            del sys.modules[name]


@pytest.mark.parametrize("case", CASES)
def test_a_blocked_call_stays_on_v1beta1(tmp_path, monkeypatch, case):
    files, probe = CASES[case]
    url = run_case(tmp_path, monkeypatch, files, probe)
    assert "/platform/v1beta1/" in url, url
    second = check(["."], Options(fix=True, no_cache=True))
    assert sum(result.fixed for result in second.files) == 0


def test_a_notebook_that_reads_a_modules_base_makes_its_fix_unsafe(tmp_path, monkeypatch):
    """A notebook is judged on its own: what it imports from the project is a read of each
    base there that the analysis does not follow."""
    (tmp_path / "astro-migrate.toml").write_text("")
    (tmp_path / "settings.py").write_text(BASE)
    (tmp_path / "jobs.py").write_text(
        "from settings import BASE, get\n\n\ndef deployments(org):\n"
        '    return get(f"{BASE}/organizations/{org}/deployments")\n'
    )
    cell = {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
            "source": ["from settings import BASE, get\n", 'get(f"{BASE}/organizations/o/alerts")\n']}
    notebook = {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "explore.ipynb").write_text(json.dumps(notebook, indent=1) + "\n")
    monkeypatch.chdir(tmp_path)
    for named in (["."], ["settings.py"]):
        (finding,) = [f for result in check(named, Options(no_cache=True)).files if result.path == "settings.py"
                      for f in result.findings]
        assert finding.fix.applicability == "unsafe" and "explore.ipynb" in finding.fix.message
    check(["settings.py"], Options(fix=True, no_cache=True))
    assert (tmp_path / "settings.py").read_text() == BASE
