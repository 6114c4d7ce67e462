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


SECOND_REVIEW = {
    "a module constant set from another module": ({
        "m2.py": BASE + """
        PATH = "/organizations/o/deployments"

        def f():
            return get(BASE + PATH)
        """,
        "mut2.py": """
        import m2

        def run():
            m2.PATH = "/organizations/o/alerts"
            return m2.f()
        """}, "mut2.run()"),
    "a class attribute set from another module": ({
        "mod3.py": BASE + """
        class K:
            PATH = "/organizations/o/deployments"

            def f(self):
                return get(BASE + self.PATH)
        """,
        "mut3.py": """
        from mod3 import K

        def run():
            K.PATH = "/organizations/o/alerts"
            return K().f()
        """}, "mut3.run()"),
    "setattr on a module": ({
        "m1.py": BASE + """
        PATH = "/organizations/o/deployments"

        def f():
            return get(BASE + PATH)
        """,
        "mut1.py": """
        import m1

        def run():
            setattr(m1, "PATH", "/organizations/o/alerts")
            return m1.f()
        """}, "mut1.run()"),
    "a base read through globals()": ({"t.py": BASE + """
        def d():
            return get(BASE + "/organizations/o/deployments")

        def a():
            return get(globals()["BASE"] + "/organizations/o/alerts")
        """}, "t.a()"),
    "a base read through __import__": ({
        "t4.py": BASE + """
        def d():
            return get(BASE + "/organizations/o/deployments")
        """,
        "user.py": """
        def a():
            return __import__("t4").get(__import__("t4").BASE + "/organizations/o/alerts")
        """}, "user.a()"),
    "a default that reads the module's base": ({"t5.py": BASE + """
        def d():
            return get(BASE + "/organizations/o/deployments")

        def a(B=BASE):
            return get(B + "/organizations/o/alerts")
        """}, "t5.a()"),
    "a client's base_url set after it is built": ({"hx.py": BASE + """
        class Client:
            base_url = ""

            def get(self, path):
                return self.base_url + path

        def alerts():
            c = Client()
            c.base_url = "https://api.astronomer.io/platform/v1beta1"
            return c.get("/organizations/o/alerts")
        """}, "hx.alerts()"),
}


@pytest.mark.parametrize("case", SECOND_REVIEW)
def test_a_blocked_call_stays_on_v1beta1_however_the_value_is_set(tmp_path, monkeypatch, case):
    files, probe = SECOND_REVIEW[case]
    url = run_case(tmp_path, monkeypatch, files, probe)
    assert "/platform/v1beta1/" in url, url


def test_an_excluded_module_still_reads_the_base(tmp_path, monkeypatch):
    """`exclude` hides findings; the excluded code still runs and reads the base."""
    files = {
        "settings.py": BASE + '\ndef d():\n    return get(BASE + "/organizations/o/deployments")\n',
        "legacy/al.py": 'from settings import BASE, get\n\ndef a():\n'
                        '    return get(BASE + "/organizations/o/alerts")\n',
    }
    (tmp_path / "astro-migrate.toml").write_text('extend-exclude = ["legacy/"]\n')
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    monkeypatch.chdir(tmp_path)
    check(["."], Options(fix=True, no_cache=True, exclude=("legacy/",)))
    assert (tmp_path / "settings.py").read_text() == files["settings.py"]


def test_a_shell_variable_is_read_by_other_scripts(tmp_path, monkeypatch):
    """A script's variable may be exported, sourced or copied: a platform base in it is no safe fix."""
    (tmp_path / "astro-migrate.toml").write_text("")
    script = ('BASE=https://api.astronomer.io/platform/v1beta1\n'
              'curl "$BASE/organizations/o/deployments"\n')
    (tmp_path / "run2.sh").write_text(script)
    (tmp_path / "run3.sh").write_text('. ./run2.sh\ncurl "${BASE}/organizations/o/alerts"\n')
    monkeypatch.chdir(tmp_path)
    check(["run2.sh"], Options(fix=True, no_cache=True))
    assert (tmp_path / "run2.sh").read_text() == script
