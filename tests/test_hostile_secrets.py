"""Issue 13 items 6-8: every string that leaves the process goes through one mask, masked before
it is cut, and the mask knows the shapes credentials take in code, shell and headers."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from migrator import api
from migrator import report as reports
from migrator.options import Options
from migrator.report import secrets

URL = "https://api.astronomer.io/platform/v1beta1/organizations/acme/deployments"
SECRET = "Zq81xNwT4ePLANTEDk9"

# One line per shape the mask used to miss (item 8): each holds the v1beta1 URL, so the report
# shows the line, and SECRET (or a short credential) where a credential goes.
SHAPES = {
    "concatenated.py": f'requests.get("{URL}", headers={{"Authorization": "Bearer " + "{SECRET}"}})\n',
    "implicit.py": f'requests.get("{URL}", headers={{"Authorization": "Bearer " "{SECRET}"}})\n',
    "short.py": f'requests.get("{URL}", headers={{"Authorization": "Bearer " + "tokpw"}})\n',
    "glued.sh": f"curl -ualice:{SECRET} {URL}\n",
    "oauth.sh": f"curl --oauth2-bearer {SECRET} {URL}\n",
    "basic_auth.py": f'requests.get("{URL}", auth=("alice", "{SECRET}"))\n',
    "query.sh": f'curl "{URL}?key={SECRET}&sig={SECRET[::-1]}"\n',
    "params.py": f'requests.get("{URL}", params={{"key": "{SECRET}"}})\n',
    "cookie.sh": f"curl -H 'Cookie: session={SECRET}; theme=dark' {URL}\n",
}
LEAKS = (SECRET, SECRET[::-1], "tokpw")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """Every format's output for the planted files, plus an AM202 fix whose inserted line holds
    a URL password (item 7) and a long line that put `Bearer ` outside the shown window (item 6)."""
    root = tmp_path_factory.mktemp("secrets")
    files = dict(SHAPES)
    files["split.py"] = (
        "import requests\n\n"
        f'BASE = "https://ci:{SECRET}@api.astronomer.io/platform/v1beta1/organizations/o"\n'
        'requests.get(f"{BASE}/deployments")\nrequests.get(f"{BASE}/alerts")\n'
    )
    jwt = "eyJhbGciOiJSUzI1NiJ9." + "a" * 700 + "." + "b" * 80
    files["long.sh"] = f"curl -H 'Authorization: Bearer {jwt}' " + " " * 300 + f"{URL}\n"
    for name, text in files.items():
        (root / name).write_text(text)
    previous = api.os.getcwd()
    api.os.chdir(root)
    try:
        run = api.check(sorted(files), Options(no_cache=True, jobs=1))
    finally:
        api.os.chdir(previous)
    report = reports.build(run, 30, "2027-01-01")
    assert {row.path for row in report.rows} >= set(files)
    return {name: reports.render(report, name) for name in reports.FORMATS}, jwt


@pytest.mark.parametrize("output_format", sorted(reports.FORMATS))
def test_no_format_prints_a_planted_credential(rendered, output_format):
    outputs, jwt = rendered
    text = outputs[output_format]
    for leak in LEAKS + (jwt[-60:], "a" * 60):
        assert leak not in text, (leak, output_format)


def test_the_lines_stay_readable(rendered):
    outputs, _ = rendered
    assert "Bearer " in outputs["full"] and "curl -u" in outputs["full"] and "Cookie: session=" in outputs["full"]
    assert URL in outputs["full"]


@pytest.mark.parametrize("line", [
    'auth = HTTPBasicAuth("alice", "pw-Zq81")',
    "curl --user=alice:pw-Zq81 x",
    "requests.get(url, auth=['alice', 'pw-Zq81'])",
    "Set-Cookie: sid=pw-Zq81; Path=/",
    "curl -b 'sid=pw-Zq81' x",
    "curl 'https://h/x?api_key=pw-Zq81'",
])
def test_more_credential_shapes(line):
    assert "pw-Zq81" not in secrets.mask(line)


@pytest.mark.parametrize("line", [
    'headers = {"Authorization": "Bearer " + token}',
    'url = f"{BASE}/x?key={api_key}"',
    "curl -u \"$USER:$PASSWORD\" x",
    "git checkout -b feature/key",
    'params = {"key": key}',
])
def test_variables_are_not_secrets(line):
    assert secrets.mask(line) == line


CHARS = "aZ09 \t\"'=:;&?+-_./\\é\u2028\x85"


@settings(max_examples=30, deadline=None)
@given(st.text(CHARS, max_size=80), st.sampled_from(list(SHAPES.values())), st.text(CHARS, max_size=80))
def test_fuzz_masking_keeps_length_and_hides_the_planted_value(before, line, after):
    text = before.replace("\n", " ") + line.rstrip("\n") + after.replace("\n", " ")
    masked = secrets.mask(text)
    assert len(masked) == len(text) and secrets.mask(masked) == masked
    assert SECRET not in masked and "tokpw" not in masked
