"""Secrets in reported lines are masked in every output format."""
from __future__ import annotations

import subprocess
import sys

import pytest
from helpers import run_cli

from migrator import api as run
from migrator import report as reports
from migrator.report import secrets

JWT = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhcGktdG9rZW4tOTkifQ.c2lnbmF0dXJlLXBsYW50ZWQtOTk"
BEARER = "astro_pat_7f3c9e1b2d4a6f8e0c5b"
ENV_TOKEN = "Zq81xNwT4ePLANTEDk"
PLANTED = (JWT, BEARER, ENV_TOKEN)
URL = "https://api.astronomer.io/platform/v1beta1/organizations/acme/deployments"

FILES = {
    "dags/sync.py": (
        "import requests\n"
        f'r = requests.get("{URL}", headers={{"Authorization": "Bearer {BEARER}"}})\n'
    ),
    "scripts/deploy.sh": (
        f"ASTRO_API_TOKEN={ENV_TOKEN} curl -H 'Authorization: Bearer {JWT}' {URL}\n"
    ),
    ".github/workflows/ci.yml": (
        f'      - run: curl -H "Authorization: Bearer {JWT}" "{URL}"\n'
    ),
}


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    root = tmp_path_factory.mktemp("secrets")
    for name, text in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def assert_no_secret(text: str) -> None:
    for token in PLANTED:
        assert token not in text
        assert token[:16] not in text


@pytest.mark.parametrize("output_format", sorted(reports.FORMATS))
def test_every_format_masks_planted_tokens(planted, output_format, monkeypatch):
    monkeypatch.chdir(planted)
    result = run.check(list(FILES), run.Options())
    assert len(result.findings) >= len(FILES)
    report = reports.build(result, 30, "2027-01-01")
    assert all("*" * 16 in row.source_line for row in report.rows)
    assert_no_secret(reports.render(report, output_format))


@pytest.mark.parametrize("output_format", ["full", "concise", "json"])
def test_cli_output_and_output_file_mask_planted_tokens(planted, output_format):
    result = run_cli("check", "--output-format", output_format, *FILES, cwd=planted)
    assert result.returncode == 1, result.stderr
    assert "sync.py" in result.stdout
    assert_no_secret(result.stdout + result.stderr)
    written = run_cli("check", "--output-format", output_format, "-o", "report.out", *FILES, cwd=planted)
    assert_no_secret((planted / "report.out").read_text() + written.stdout + written.stderr)


def test_full_format_caret_stays_under_the_url_after_a_masked_token(planted):
    result = run_cli("check", "--output-format", "full", "scripts/deploy.sh", cwd=planted)
    lines = result.stdout.splitlines()
    source = next(i for i, line in enumerate(lines) if line.startswith("1 | "))
    caret = lines[source + 1]
    assert lines[source][caret.index("^"):].startswith("platform/v1beta1"), "\n".join(lines[source : source + 2])


@pytest.mark.parametrize(
    "line, secret",
    [
        (f'headers = {{"Authorization": "Bearer {BEARER}"}}', BEARER),
        (f"export ASTRO_API_TOKEN={ENV_TOKEN}", ENV_TOKEN),
        (f'ASTRO_API_TOKEN: "{ENV_TOKEN}"', ENV_TOKEN),
        (f"token = '{JWT}'", JWT),
        (f"curl {URL}?access_token=abc123def456&x=1", "abc123def456"),
        ("url = 'https://ci:hunter2hunter2@api.astronomer.io/iam/v1beta1/x'", "hunter2hunter2"),
        ("Authorization: Basic dXNlcjpzM2NyM3Q=", "dXNlcjpzM2NyM3Q="),
        (f"password = 'correct horse'  # {JWT}", JWT),
    ],
)
def test_mask_hides_the_secret_and_keeps_the_length(line, secret):
    masked = secrets.mask(line)
    assert secret not in masked
    assert len(masked) == len(line)


@pytest.mark.parametrize(
    "line",
    [
        f'TOKEN_URL = "{URL}/tokens"',
        'token = os.environ["ASTRO_API_TOKEN"]',
        'auth_header = f"Bearer {token}"',
        '  - run: curl -H "Authorization: Bearer ${{ secrets.ASTRO_API_TOKEN }}" ' + URL,
        "api_key = get_api_key()",
    ],
)
def test_mask_leaves_urls_and_code_readable(line):
    assert secrets.mask(line) == line


def test_mask_is_linear_on_a_megabyte_long_minified_line():
    """A quadratic pattern hangs on long word runs (base64 data URIs in bundles)."""
    script = (
        "from migrator.report.secrets import mask\n"
        "for s in ['a' * 1_000_000, 'token' * 200_000, 'eyJ' * 300_000, 'token=' * 200_000]:\n"
        "    mask(s)\n"
        "print('done')\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.stdout == "done\n", result.stderr


def test_token_in_a_url_query_stays_out_of_messages(tmp_path):
    (tmp_path / "a.py").write_text(f'import requests\nrequests.get("{URL}?api_key={BEARER}")\n')
    result = run_cli("check", "--output-format", "json", "a.py", cwd=tmp_path)
    assert BEARER not in result.stdout


def test_curl_credentials_and_other_authorization_schemes_are_masked():
    from migrator.report.secrets import mask

    lines = {
        'curl -u admin:hunter2pass "https://api.astronomer.io/platform/v1beta1/organizations"': "hunter2pass",
        'curl --user "svc:Sup3rS3cretPw" https://api.astronomer.io/iam/v1beta1/organizations': "Sup3rS3cretPw",
        'curl -H "Authorization: Token sk_live_51HxQ2eZvKYlo2C" https://api.astronomer.io/iam/v1beta1': "sk_live_51HxQ2eZvKYlo2C",
        'curl -H "X-Api-Key: AKIAABCDEFGHIJKLMNOP" https://api.astronomer.io/iam/v1beta1': "AKIAABCDEFGHIJKLMNOP",
    }
    for line, secret in lines.items():
        masked = mask(line)
        assert secret not in masked and len(masked) == len(line) and "api.astronomer.io" in masked
    assert mask('curl -H "Authorization: Bearer $ASTRO_API_TOKEN"') == 'curl -H "Authorization: Bearer $ASTRO_API_TOKEN"'
