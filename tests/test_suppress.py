"""Inline suppressions, on real findings of real files (the pipeline's, not hand-made ones)."""
from __future__ import annotations

import datetime
from pathlib import Path

from migrator import api as run
from migrator.policy import suppress

TODAY = datetime.date(2026, 11, 28)


def findings_after_suppression(tmp_path: Path, name: str, text: str) -> list:
    path = tmp_path / name
    path.write_text(text)
    [result] = run.check([path], run.Options(today=TODAY, no_cache=True)).files
    return sorted((result.source.position(f.start)[0], f.code) for f in result.findings)


def test_same_line_and_line_above_in_a_dag(tmp_path):
    text = (
        'DEPLOYMENTS = "https://api.astronomer.io/platform/v1beta1/organizations/o/deployments"  '
        "# astro-migrate: ignore[AM101] migrating in OPS-42\n"
        "# astro-migrate: ignore[AM201] alerts have no v1 API yet until=2026-12-31\n"
        'ALERTS = "https://api.astronomer.io/platform/v1beta1/organizations/o/alerts"\n'
        'TEAMS = "https://api.astronomer.io/iam/v1beta1/organizations/o/teams"\n'
    )
    assert findings_after_suppression(tmp_path, "dag.py", text) == [(4, "AM101")]


def test_statement_split_over_lines(tmp_path):
    text = (
        "import requests\n"
        "resp = requests.get(  # astro-migrate: ignore[AM101] vendor client pins v1beta1\n"
        '    "https://api.astronomer.io/iam/v1beta1/organizations/o/teams",\n'
        ")\n"
    )
    assert findings_after_suppression(tmp_path, "client.py", text) == []


def test_shell_yaml_and_markdown_comment_syntaxes(tmp_path):
    shell = ("# astro-migrate: ignore[AM1] - cron box retires in Q1\n"
             'curl -H "Authorization: Bearer $T" https://api.astronomer.io/iam/v1beta1/organizations/$ORG/teams\n')
    assert findings_after_suppression(tmp_path, "rotate.sh", shell) == []
    markdown = ("<!-- astro-migrate: ignore[AM101] changelog quotes the old URL -->\n"
                "See https://api.astronomer.io/iam/v1beta1/organizations/o/teams\n")
    assert findings_after_suppression(tmp_path, "CHANGES.md", markdown) == []


def test_missing_reason_expired_unused_and_invalid_are_findings(tmp_path):
    text = (
        "# astro-migrate: ignore[AM101]\n"
        'A = "https://api.astronomer.io/iam/v1beta1/organizations/o/teams"\n'
        "# astro-migrate: ignore[AM101] legacy until=2026-11-01\n"
        'B = "https://api.astronomer.io/iam/v1beta1/organizations/o/users"\n'
        "x = 1  # astro-migrate: ignore[AM201] nothing here\n"
        "y = 2  # astro-migrate: ignore[AM1O1] typo until=soon\n"
    )
    assert findings_after_suppression(tmp_path, "mixed.py", text) == [
        (1, "AM911"),  # no reason (it still suppresses line 2)
        (3, "AM912"),  # expired: line 4 is reported again
        (4, "AM101"),
        (5, "AM913"),
        (6, "AM914"),  # bad date
        (6, "AM914"),  # no valid code
    ]


def test_until_today_still_suppresses_and_partly_unused_is_reported(tmp_path):
    text = ('T = "https://api.astronomer.io/iam/v1beta1/organizations/o/teams"  '
            "# astro-migrate: ignore[AM101, AM201] both APIs until=2026-11-28\n")
    assert findings_after_suppression(tmp_path, "a.py", text) == [(1, "AM913")]


def test_parse_reads_notebook_cells(tmp_path):
    from migrator.project.source import SourceText

    source = SourceText('   "# astro-migrate: ignore[am101] demo notebook until=2027-02-01\\n",\n')
    [item] = suppress.parse(source)
    assert item.selectors == ("AM101",)
    assert item.reason == "demo notebook"
    assert item.until == datetime.date(2027, 2, 1)


def test_files_without_suppressions_pass_through(tmp_path):
    text = 'T = "https://api.astronomer.io/iam/v1beta1/organizations/o/teams"\n'
    assert findings_after_suppression(tmp_path, "a.py", text) == [(1, "AM101")]


def test_cli_honours_suppressions_before_fixing(tmp_path):
    from helpers import run_cli

    dag = tmp_path / "dag.py"
    dag.write_text(
        "import requests\n"
        "# astro-migrate: ignore[AM101] moved by the platform team in Q1\n"
        'LEGACY = "https://api.astronomer.io/platform/v1beta1"\n'
        'NEW = "https://api.astronomer.io/iam/v1beta1"  # astro-migrate: ignore[AM101]\n'
        'OLD = "https://api.astronomer.io/iam/v1beta1"  # astro-migrate: ignore[AM101] until=2026-01-01 legacy\n'
    )
    result = run_cli("check", "--fix", "--output-format", "concise", dag)
    text = dag.read_text()
    assert 'LEGACY = "https://api.astronomer.io/platform/v1beta1"' in text  # suppressed: not fixed
    assert 'NEW = "https://api.astronomer.io/iam/v1beta1"' in text  # suppressed, but without a reason
    assert 'OLD = "https://api.astronomer.io/v1"' in text  # expired: fixed
    codes = sorted(line.split(": ")[1].split()[0] for line in result.stdout.splitlines()[:-1])
    assert codes == ["AM911", "AM912"]
