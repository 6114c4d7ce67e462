"""Issue 16: a fix pass verifies each fixed text once (the file it would write is parsed once,
not again when the pass collects what it took), and plans exactly as before."""
from __future__ import annotations

from migrator import api
from migrator.fix import plan as planning
from migrator.fix import verify
from migrator.fix.run import targets_of
from migrator.options import Options

CLIENT = (
    "import requests\n\n"
    'IAM = "https://api.astronomer.io/iam/v1beta1"\n'
    'PLATFORM = "https://api.astronomer.io/platform/v1beta1"\n\n\n'
    "def teams(org):\n"
    '    return requests.get(f"{IAM}/organizations/{org}/teams")\n\n\n'
    "def deployments(org):\n"
    '    return requests.get(f"{PLATFORM}/organizations/{org}/deployments")\n'
)


def test_each_fixed_text_is_verified_once(tmp_path, monkeypatch):
    (tmp_path / "client.py").write_text(CLIENT)
    monkeypatch.chdir(tmp_path)
    targets = targets_of(api.check(["."], Options(no_cache=True)))
    expected = planning.plan(targets, unsafe=True)
    asked, broken = [], verify.broken

    def counted(flavor, old, new):
        asked.append(new)
        return broken(flavor, old, new)

    monkeypatch.setattr(planning.verify, "broken", counted)
    found = planning.plan(targets, unsafe=True)
    assert found == expected
    assert found.changes["client.py"].new.count('"https://api.astronomer.io/v1"') == 2
    assert len(asked) == len(set(asked)) > 0
