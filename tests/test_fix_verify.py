"""Every fixed text is checked before it replaces its file: what loaded before still loads."""
from __future__ import annotations

import datetime
from dataclasses import replace

import pytest

from migrator.api import check
from migrator.fix import verify
from migrator.fix.plan import Target, plan
from migrator.options import Options

TODAY = datetime.date(2026, 11, 28)

# flavor -> (a text that loads, the same text broken the way a bad edit could break it)
BREAKS = {
    "python": ('BASE = "https://api.astronomer.io/v1"\n', 'BASE = "https://api.astronomer.io/v1""\n'),
    "json": ('{"url": "https://api.astronomer.io/v1"}\n', '{"url": "https://api.astronomer.io/v1}\n'),
    "yaml": ("a: 1\n---\nurl: https://x/v1\n", "a: 1\n---\nurl: [https://x/v1\n"),  # the second document
    "toml": ('url = "https://api.astronomer.io/v1"\n', 'url = "https://api.astronomer.io/v1\n'),
}


@pytest.mark.parametrize("flavor", sorted(BREAKS))
def test_a_text_that_no_longer_loads_is_refused_with_its_loaders_complaint(flavor):
    good, bad = BREAKS[flavor]
    assert verify.broken(flavor, good, good.replace("v1", "v2")) is None
    reason = verify.broken(flavor, good, bad)
    assert reason is not None and reason.startswith(f"the fixed file would no longer load as {flavor}: ")


@pytest.mark.parametrize("flavor", sorted(BREAKS))
def test_a_file_that_did_not_load_before_is_not_judged(flavor):
    _, bad = BREAKS[flavor]
    assert verify.broken(flavor, bad, bad + "\n") is None


def test_flavors_without_a_loader_are_not_judged():
    assert verify.broken("shell", "echo ok\n", "echo 'broken\n") is None


def test_a_yaml_fix_that_would_break_the_file_is_not_written_and_says_why(tmp_path):
    """A real finding of the text tier, planned against a text where applying it breaks YAML."""
    target = tmp_path / "deploy.yaml"
    target.write_text('url: "https://api.astronomer.io/iam/v1beta1/organizations/o/users"\n')
    result = check([target], Options(no_cache=True, today=TODAY))
    (finding,) = [f for _, f in result.findings if f.fix]
    (edit,) = finding.fix.edits
    broken = replace(finding, fix=replace(finding.fix, edits=(replace(edit, content='v1"'),)))
    text = target.read_text()
    planned = plan([Target(str(target), "yaml", text, (broken,))], unsafe=False)
    assert planned.changes == {}
    assert "no longer load as yaml" in planned.refused[(str(target), broken)]
