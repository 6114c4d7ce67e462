"""Generated hostile file names (issue 13, "done when": a fuzz test per input surface): any name
the file system takes, in any output format, gives a report and no traceback; human formats
print no raw control character, machine formats stay parseable, and `--fix` rewrites the file."""
from __future__ import annotations

import json
import os
import shutil
import xml.etree.ElementTree as ET

from helpers import run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

URL = 'BASE = "https://api.astronomer.io/iam/v1beta1"\n'
FORMATS = ("full", "concise", "github", "json", "json-lines", "sarif", "junit", "gitlab", "markdown")
# Bytes a name may hold (not `/`, not NUL), weighted towards the troublesome ones.
NAME_BYTES = st.one_of(
    st.sampled_from(list(b"\n\r\t\x1b\x85\x7f:%,=\\ .'\"<>&{}") + [0xFF, 0xFE, 0xC3]),
    st.integers(1, 255).filter(lambda b: b != ord("/")),
)
NAMES = st.lists(NAME_BYTES, min_size=1, max_size=24).map(bytes).filter(lambda n: n not in (b".", b".."))


def _control_free(text: str) -> bool:
    return not any(ch not in "\n\t" and (ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0) for ch in text)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=NAMES, output_format=st.sampled_from(FORMATS))
def test_any_file_name_gives_a_report_in_any_format(tmp_path, name, output_format):
    folder = tmp_path / "repo"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    file = folder / os.fsdecode(name + b".py")
    try:
        file.write_text(URL)
    except OSError:  # a name this file system refuses (too long once encoded, say)
        return
    shown = run_cli("check", "--output-format", output_format, ".", cwd=folder)
    assert shown.returncode == 1, shown.stderr
    assert "Traceback" not in shown.stderr
    out = shown.stdout
    if output_format in ("full", "concise", "markdown"):
        assert _control_free(out)
    elif output_format == "github":
        assert [line[:2] for line in out.splitlines()] == ["::"]  # one command, nothing forged
    elif output_format == "json-lines":
        assert [json.loads(line) for line in out.splitlines()]
    elif output_format == "junit":
        ET.fromstring(out.encode())
    else:
        json.loads(out)
    fixed = run_cli("check", "--fix", ".", cwd=folder)
    assert fixed.returncode == 0, fixed.stderr
    assert file.read_text() == 'BASE = "https://api.astronomer.io/v1"\n'
