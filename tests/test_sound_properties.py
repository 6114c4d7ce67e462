"""Issue 11, as a property: for generated projects (a settings module holding v1beta1 bases in
constants, f-strings, os.getenv defaults, namespaces, dicts and dataclass instances; DAG modules
that import them and call blocked and migratable endpoints, some through loops over mirrors
that shadow the imported name), `--fix` never moves a blocked call, never changes a URL other
than to its v1 equivalent, and a second `--fix` changes nothing. The fixed code is run.
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sound.harness import Probe, Program, fix_and_rerun, unsound_changes

SETTINGS = settings(
    max_examples=30, deadline=None, database=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)

ASTRO = "https://api.astronomer.io"
PATHS = {
    "platform": [
        "/organizations/{org}/deployments", "/organizations/{org}/workspaces", "/organizations/{org}/clusters",
        "/organizations/{org}/alerts", "/organizations/{org}/notification-channels",
        "/organizations/{org}/alerts/clxalert000001",
    ],
    "iam": ["/organizations/{org}/users", "/organizations/{org}/teams", "/organizations/{org}/roles"],
}
BLOCKED_PATHS = [path for path in PATHS["platform"] if "/alerts" in path or "/notification-channels" in path]
MIGRATABLE_PATHS = [path for path in PATHS["platform"] if path not in BLOCKED_PATHS]
STRING_HOLDERS = ("constant", "fstring", "getenv")
ATTRIBUTE_HOLDERS = ("namespace", "dict", "dataclass")


@dataclass(frozen=True)
class Base:
    name: str
    api: str  # "platform" | "iam"
    holder: str  # one of STRING_HOLDERS + ATTRIBUTE_HOLDERS

    def definition(self) -> str:
        literal = f'"{ASTRO}/{self.api}/v1beta1"'
        return {
            "constant": f"{self.name} = {literal}",
            "fstring": f'{self.name} = f"{{HOST}}/{self.api}/v1beta1"',
            "getenv": f'{self.name} = os.getenv("ASTRO_{self.name}", {literal})',
            "namespace": f"{self.name} = SimpleNamespace(url={literal}, timeout=10)",
            "dict": f'{self.name} = {{"url": {literal}, "timeout": 10}}',
            "dataclass": f"{self.name} = Endpoint(url={literal})",
        }[self.holder]

    def read(self, qualified: bool) -> str:
        prefix = "settings." if qualified else ""
        suffix = {"namespace": ".url", "dict": "['url']", "dataclass": ".url"}.get(self.holder, "")
        return f"{prefix}{self.name}{suffix}"


@dataclass(frozen=True)
class Call:
    base: int  # index into the project's bases
    path: str
    form: str  # "fstring" | "concat" | "format"
    qualified: bool  # `settings.NAME` rather than `from include.settings import NAME`
    mirrored: bool  # inside `for NAME in (mirror,):`, which shadows the imported name


@dataclass(frozen=True)
class Project:
    bases: tuple  # Base
    modules: tuple  # tuple of Call tuples; module 0 is include/settings.py itself
    named: str  # what `--fix` is run on: "." or one file


def request_line(expression: str, call: Call) -> str:
    if call.form == "fstring":
        url = f'f"{{{expression}}}{call.path}"'
    elif call.form == "concat":
        url = f'{expression} + f"{call.path}"'
    else:
        url = f'"{{}}{call.path.replace("{org}", "{}")}".format({expression}, org)'
    return f"requests.get({url}).url"


def function(index: int, call: Call, base: Base, in_settings: bool) -> str:
    name = f"call_{index}"
    if call.mirrored:
        mirror = f'"https://astro-proxy.corp.example.com/{base.api}/v1beta1"'
        return (
            f"def {name}(org=ORG):\n    found = []\n    for {base.name} in ({mirror},):\n"
            f"        found.append({request_line(base.name, call)})\n    return found\n"
        )
    expression = base.read(call.qualified and not in_settings)
    return f"def {name}(org=ORG):\n    return {request_line(expression, call)}\n"


def settings_module(project: Project) -> str:
    lines = [
        "import os", "from dataclasses import dataclass", "from types import SimpleNamespace", "", "import requests",
        "", 'HOST = "https://api.astronomer.io"', 'ORG = "clxprop0000001"', "", "",
        "@dataclass(frozen=True)", "class Endpoint:", "    url: str", "", "",
    ]
    lines += [base.definition() for base in project.bases]
    text = "\n".join(lines) + "\n"
    for index, call in enumerate(project.modules[0]):
        text += "\n\n" + function(index, call, project.bases[call.base], in_settings=True)
    return text


def dag_module(project: Project, calls: tuple) -> str:
    names = sorted({project.bases[c.base].name for c in calls if not c.qualified or c.mirrored})
    lines = ["import requests", "", "from include import settings"]
    lines.append(f"from include.settings import {', '.join(['ORG', *names])}")
    text = "\n".join(lines) + "\n"
    for index, call in enumerate(calls):
        text += "\n\n" + function(index, call, project.bases[call.base], in_settings=False)
    return text


def write(project: Project, root: Path) -> Program:
    (root / "include").mkdir()
    (root / "dags").mkdir()
    (root / "astro-migrate.toml").write_text("")
    (root / "include" / "__init__.py").write_text("")
    (root / "include" / "settings.py").write_text(settings_module(project))
    probes: dict[str, Probe] = {}
    for number, calls in enumerate(project.modules):
        module = "include.settings" if number == 0 else f"job_{number}"
        if number:
            (root / "dags" / f"job_{number}.py").write_text(dag_module(project, calls))
        for index in range(len(calls)):
            probes[f"{module}.call_{index}"] = calling(module, f"call_{index}")
    return Program([root, root / "dags"], probes)


def calling(module: str, function_name: str) -> Probe:
    return lambda load: getattr(load(module), function_name)()


@st.composite
def projects(draw, holders: tuple, mirrors: bool, single_files: bool) -> Project:
    # The first base is a platform one that a DAG reads for a blocked and a migratable call.
    apis = ["platform", *draw(st.lists(st.sampled_from(sorted(PATHS)), max_size=2))]
    bases = tuple(Base(f"{api.upper()}_{i}", api, draw(st.sampled_from(holders))) for i, api in enumerate(apis))

    def call(base: int, paths: list, in_settings: bool) -> Call:
        string_held = bases[base].holder in STRING_HOLDERS
        return Call(
            base,
            draw(st.sampled_from(paths)),
            draw(st.sampled_from(["fstring", "concat", "format"])),
            draw(st.booleans()),
            mirrors and string_held and not in_settings and draw(st.booleans()),
        )

    def any_call(in_settings: bool) -> Call:
        base = draw(st.integers(0, len(bases) - 1))
        return call(base, PATHS[bases[base].api], in_settings)

    shared = (call(0, BLOCKED_PATHS, False), call(0, MIGRATABLE_PATHS, False))
    modules = [tuple(any_call(True) for _ in range(draw(st.integers(0, 1))))]
    modules.append(shared + tuple(any_call(False) for _ in range(draw(st.integers(0, 1)))))
    for _ in range(draw(st.integers(0, 2))):
        modules.append(tuple(any_call(False) for _ in range(draw(st.integers(1, 2)))))
    named = "."
    if single_files:
        jobs = [f"dags/job_{n}.py" for n in range(1, len(modules))]
        named = draw(st.sampled_from([".", "include/settings.py", *jobs]))
    return Project(bases, tuple(modules), named)


def fix_problems(project: Project) -> list:
    """What `--fix` broke in `project`: changed requests, and files a second `--fix` changed."""
    previous = os.getcwd()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder).resolve()
        program = write(project, root)
        os.chdir(root)
        try:
            outcome = fix_and_rerun(root, [program], [project.named])
        finally:
            os.chdir(previous)
    return unsound_changes(outcome.before, outcome.after) + [f"a second --fix changed {outcome.second_changed}"] * bool(
        outcome.second_changed
    )


@SETTINGS
@given(projects(STRING_HOLDERS, mirrors=False, single_files=False))
def test_fixing_a_whole_project_of_module_constants_is_sound(project):
    assert fix_problems(project) == []


@SETTINGS
@given(projects(STRING_HOLDERS + ATTRIBUTE_HOLDERS, mirrors=True, single_files=True))
def test_fixing_any_generated_project_is_sound(project):
    assert fix_problems(project) == []
