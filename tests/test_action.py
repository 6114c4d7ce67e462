"""The composite GitHub Action (`action.yml`), run here the way a runner runs it: every `run:` step
in bash with GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and the step's `env:` set, taking the inputs from
the README's workflow. The install step is not run (it would reinstall the tool this test uses;
the package under test is already installed), nor is the `uses:` upload step (it needs GitHub):
the test checks when it would run and what it would upload."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from helpers import AS_OF, run_cli
from readme_blocks import blocks

REPO = Path(__file__).resolve().parent.parent
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
SAFE = 'URL = "https://api.astronomer.io/platform/v1beta1/organizations/o1/deployments"\n'
BLOCKED = ('import requests\nBASE = "https://api.astronomer.io/platform/v1beta1"\n\n\n'
           'def alerts(org):\n    return requests.get(f"{BASE}/organizations/{org}/alerts")\n')


def action() -> dict:
    return yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))


def readme_workflow() -> dict:
    """The README's GitHub workflow (the fenced yaml block with `jobs:`)."""
    found = [yaml.safe_load(b.text) for b in blocks() if b.language == "yaml" and "\njobs:" in b.text]
    assert len(found) == 1
    return found[0]


@dataclass
class ActionRun:
    returncodes: dict  # step id or name -> exit status
    stdout: dict
    outputs: dict
    summary: str
    uploads: list = field(default_factory=list)  # the `with:` of each upload step that would run


def _evaluate(text: str, inputs: dict, outputs: dict) -> str:
    def value(match: re.Match) -> str:
        name = match.group(1)
        if name.startswith("inputs."):
            return inputs[name[len("inputs."):]]
        if name.startswith("steps.report.outputs."):
            return outputs[name[len("steps.report.outputs."):]]
        assert name == "github.action_path", f"an expression the test does not know: {name}"
        return str(REPO)

    return EXPRESSION.sub(value, str(text))


def run_action(workspace: Path, given: dict, home: Path, only: tuple = ()) -> ActionRun:
    """Run the action's steps (those whose id is in `only`, when given) in `workspace`."""
    spec = action()
    inputs = {name: str(item.get("default", "")) for name, item in spec["inputs"].items()}
    unknown = set(given) - set(inputs)
    assert not unknown, f"inputs action.yml does not declare: {unknown}"
    inputs.update({name: str(value) for name, value in given.items()})
    files = {"GITHUB_OUTPUT": home / "output", "GITHUB_STEP_SUMMARY": home / "summary"}
    for path in files.values():
        path.write_text("")
    base = {**os.environ, **{k: str(v) for k, v in files.items()}, "GITHUB_WORKSPACE": str(workspace),
            "ASTRO_MIGRATE_AS_OF": AS_OF, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    run = ActionRun({}, {}, {}, "")
    for number, step in enumerate(spec["runs"]["steps"]):
        if "uses" in step:
            assert step["if"] == "inputs.upload-sarif == 'true'"
            if inputs["upload-sarif"] == "true":
                run.uploads.append({k: _evaluate(v, inputs, run.outputs) for k, v in step["with"].items()})
            continue
        assert "${{" not in step["run"], "expressions belong in env: (a value must never become shell code)"
        if step.get("id") == "install":
            assert step["env"]["ACTION_PATH"] == "${{ github.action_path }}"
            continue
        if only and step.get("id") not in only:
            continue
        script = home / f"step{number}.sh"
        script.write_text(step["run"])
        env = {**base, **{k: _evaluate(v, inputs, run.outputs) for k, v in step.get("env", {}).items()}}
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=workspace,
                              env=env, capture_output=True, text=True, timeout=120)
        key = step.get("id", step["name"])
        run.returncodes[key], run.stdout[key] = done.returncode, done.stdout
        run.outputs = dict(line.split("=", 1) for line in files["GITHUB_OUTPUT"].read_text().splitlines())
        if done.returncode:
            break  # a failed step ends the job
    run.summary = files["GITHUB_STEP_SUMMARY"].read_text()
    return run


def test_the_action_as_the_readme_uses_it_reports_uploads_and_gates(tmp_path):
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    (workspace / "safe.py").write_text(SAFE)
    (workspace / "blocked.py").write_text(BLOCKED)
    steps = readme_workflow()["jobs"]["astro-migrate"]["steps"]
    uses = [s for s in steps if str(s.get("uses", "")).endswith("/astro-migrate@main")]
    assert len(uses) == 1
    run = run_action(workspace, uses[0]["with"], tmp_path)
    assert run.returncodes == {"report": 0, "gate": 1}
    assert run.outputs == {"findings": "2", "blocked": "1", "days-left": "34", "sarif-file": "astro-migrate.sarif"}
    assert run.summary.startswith("## Astro API v1beta1 migration report")
    assert run.uploads == [{"sarif_file": "astro-migrate.sarif", "category": "astro-migrate"}]
    sarif = json.loads((workspace / "astro-migrate.sarif").read_text())
    assert len(sarif["runs"][0]["results"]) == 2
    annotations = run.stdout["gate"].splitlines()
    assert [line.split(" ", 1)[0] for line in annotations] == ["::error"] * 2
    used = set(re.findall(r"steps\.astro-migrate\.outputs\.([\w-]+)", json.dumps(steps)))
    assert used and used <= set(action()["outputs"])


def test_the_gate_takes_a_baseline_and_a_since_ref(tmp_path):
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    (workspace / "safe.py").write_text(SAFE)  # untracked, so changed since HEAD, but in the baseline
    assert run_cli("check", "--write-baseline", "ci/baseline.json", ".", cwd=workspace).returncode == 0
    (workspace / "old.py").write_text(BLOCKED)  # not in the baseline, but unchanged since HEAD
    subprocess.run(["git", "init", "-q"], cwd=workspace, check=True)
    subprocess.run(["git", "add", "old.py"], cwd=workspace, check=True)
    subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", "base"],
                   cwd=workspace, check=True)
    (workspace / "blocked.py").write_text(BLOCKED)  # new since HEAD, not in the baseline: fails
    given = {"baseline": "ci/baseline.json", "since": "HEAD", "fail-on": "error"}
    run = run_action(workspace, given, tmp_path, only=("gate",))
    assert run.returncodes == {"gate": 1}
    assert [line.split(",", 1)[0] for line in run.stdout["gate"].splitlines()] == ["::error file=blocked.py"]
