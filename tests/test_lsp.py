"""`astro-migrate lsp` driven over stdio, as an editor drives it (the `e2e` tests: one server for
the module, on a small project in a temporary folder, the date pinned with ASTRO_MIGRATE_AS_OF),
and its parts in this process: positions, suppression comments, lazy imports, the README."""
from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import sys
import textwrap
from pathlib import Path

import pytest
from helpers import AS_OF
from lsp_client import LspClient

from migrator.api import check
from migrator.engine import deadline, registry, ruletable
from migrator.options import Options

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python < 3.11 only
    import tomli as tomllib

pytestmark = pytest.mark.xdist_group("lsp")  # one worker, so one server for the module

REPO = Path(__file__).resolve().parent.parent
DAYS_LEFT = deadline.days_left(deadline.parse_date(ruletable.end_of_support()), deadline.parse_date(AS_OF))
ERROR, WARNING = 1, 2

FILES = {
    "client.py": '''\
        import requests

        BASE = "https://api.astronomer.io/platform/v1beta1"


        def deployments(org):
            return requests.get(f"{BASE}/organizations/{org}/deployments", timeout=30).json()
        ''',
    "shared.py": '''\
        import requests

        API = "https://api.astronomer.io/platform/v1beta1"


        def deployments(org):
            return requests.get(f"{API}/organizations/{org}/deployments", timeout=30).json()


        def alerts(org):
            return requests.get(f"{API}/organizations/{org}/alerts", timeout=30).json()
        ''',
    "shared.sh": '''\
        BASE="https://api.astronomer.io/platform/v1beta1/organizations/o1"
        curl "$BASE/deployments"
        curl "$BASE/alerts"
        ''',
    "unsafe.py": '''\
        import requests

        BASE = "https://api.astronomer.io/platform/v1beta1"


        def call(path):
            return requests.get(BASE + path, timeout=30).json()
        ''',
    "alerts.py": '''\
        import requests


        def alerts(org):
            return requests.get(f"https://api.astronomer.io/platform/v1beta1/organizations/{org}/alerts").json()
        ''',
    "pkg/__init__.py": "",
    "pkg/settings.py": 'HOST = "https://api.astronomer.io/platform/v1beta1"\n',
    "pkg/dag.py": '''\
        import requests

        from pkg.settings import HOST


        def alerts(org):
            return requests.get(f"{HOST}/organizations/{org}/alerts", timeout=30).json()
        ''',
    "deploy.yml": '''\
        jobs:
          deploy:
            steps:
              - run: curl -sSf https://api.astronomer.io/platform/v1beta1/organizations/o1/deployments
        ''',
    "notebook.ipynb": json.dumps({
        "cells": [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": [
            "import requests\n",
            'NOTEBOOK_API = "https://api.astronomer.io/platform/v1beta1"\n',  # no module's name: judged alone
            'requests.get(f"{NOTEBOOK_API}/organizations/o1/deployments")',
        ]}],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
    }, indent=1) + "\n",
    "lenient/astro-migrate.toml": "error-within-days = 0\n",
    "broken/astro-migrate.toml": "select = 3\n",
    "broken/job.sh": "curl https://api.astronomer.io/iam/v1beta1/organizations/o1/users\n",
    "lenient/job.sh": "curl https://api.astronomer.io/iam/v1beta1/organizations/o1/users\n",
}


def write(root: Path, files: dict) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("lsp-project")
    write(root, FILES)
    return root


@pytest.fixture(scope="module")
def server(project: Path):
    path = os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])
    env = {**os.environ, "ASTRO_MIGRATE_AS_OF": AS_OF, "PYTHONPATH": path}
    with open(project.parent / "lsp-stderr.txt", "wb") as stderr:
        client = LspClient(str(project), env, stderr)
        result = client.request("initialize", {
            "processId": os.getpid(), "rootUri": project.as_uri(),
            "capabilities": {"textDocument": {"codeAction": {"resolveSupport": {"properties": ["edit"]}}}},
        })
        client.notify("initialized", {})
        yield client
        if client.process.poll() is None:
            client.process.kill()
            client.process.wait()
    assert result["capabilities"]["codeActionProvider"]["resolveProvider"] is True


class Document:
    """An open document: its text, as the test edits it, and its version."""

    def __init__(self, client: LspClient, path: Path):
        self.client, self.uri, self.text, self.version = client, path.as_uri(), path.read_text(), 1
        language = "python" if path.suffix == ".py" else "plaintext"
        client.notify("textDocument/didOpen", {"textDocument": {
            "uri": self.uri, "languageId": language, "version": 1, "text": self.text}})

    def diagnostics(self) -> list:
        return self.client.diagnostics(self.uri, self.version)

    def replace_all(self, text: str) -> None:
        self.version += 1
        self.text = text
        self.client.notify("textDocument/didChange", {
            "textDocument": {"uri": self.uri, "version": self.version}, "contentChanges": [{"text": text}]})

    def edit(self, where: dict, text: str) -> None:
        self.version += 1
        self.text = apply(self.text, [{"range": where, "newText": text}])
        self.client.notify("textDocument/didChange", {
            "textDocument": {"uri": self.uri, "version": self.version},
            "contentChanges": [{"range": where, "text": text}]})

    def actions(self, diagnostic: dict) -> list:
        return self.client.request("textDocument/codeAction", {
            "textDocument": {"uri": self.uri}, "range": diagnostic["range"], "context": {"diagnostics": [diagnostic]}})

    def close(self) -> None:
        self.client.notify("textDocument/didClose", {"textDocument": {"uri": self.uri}})


def offset(text: str, position: dict) -> int:
    """The offset of an LSP position in `text` (ASCII test files: columns are characters)."""
    lines = text.splitlines(keepends=True)
    return sum(len(line) for line in lines[: position["line"]]) + position["character"]


def apply(text: str, edits: list) -> str:
    for edit in sorted(edits, key=lambda e: offset(text, e["range"]["start"]), reverse=True):
        start, end = offset(text, edit["range"]["start"]), offset(text, edit["range"]["end"])
        text = text[:start] + edit["newText"] + text[end:]
    return text


def fixed_by_check(project: Path, name: str, tmp_path: Path, unsafe: bool = False) -> str:
    """What `check --fix` (`--unsafe-fixes` too when `unsafe`) makes of `name`, on a copy of the project."""
    copy = tmp_path / "copy"
    shutil.copytree(project, copy)  # the server's result cache too: the modules it analysed are not parsed again
    previous = os.getcwd()
    os.chdir(copy)
    try:
        check([name], Options(fix=True, unsafe_fixes=unsafe, today=datetime.date.fromisoformat(AS_OF)))
    finally:
        os.chdir(previous)
    return (copy / name).read_text()


def edits_of(action: dict) -> list:
    return [edit for edits in action["edit"]["changes"].values() for edit in edits]


@pytest.mark.e2e
def test_open_gives_diagnostics_with_days_left_severity_and_rule_link(server, project):
    document = Document(server, project / "client.py")
    [found] = document.diagnostics()
    document.close()
    assert found["code"] == "AM101"
    assert found["source"] == "astro-migrate"
    assert f"{DAYS_LEFT} days left" in found["message"]
    assert found["severity"] == ERROR  # within 90 days of end of support, a v1beta1 URL is an error
    assert found["codeDescription"]["href"] == registry.help_url("AM101")
    assert found["codeDescription"]["href"].endswith("README.md#am101")
    start = offset(document.text, found["range"]["start"])
    assert document.text[start:].startswith("platform/v1beta1")


@pytest.mark.e2e
def test_text_files_and_the_configuration_above_them(server, project):
    workflow = Document(server, project / "deploy.yml")
    [url] = workflow.diagnostics()
    script = Document(server, project / "lenient" / "job.sh")
    [lenient] = script.diagnostics()
    workflow.close()
    script.close()
    assert url["code"] == "AM101" and url["severity"] == ERROR
    assert lenient["code"] == "AM101" and lenient["severity"] == WARNING  # error-within-days = 0 there


@pytest.mark.e2e
@pytest.mark.parametrize("name", ["client.py", "notebook.ipynb"])
def test_quick_fix_and_fix_all_make_the_edit_check_fix_makes(server, project, tmp_path, name):
    document = Document(server, project / name)
    [found] = document.diagnostics()
    actions = document.actions(found)
    expected = fixed_by_check(project, name, tmp_path)
    assert expected != document.text
    [quick] = [a for a in actions if a["kind"] == "quickfix" and a.get("isPreferred")]
    assert apply(document.text, edits_of(quick)) == expected
    [fix_all] = [a for a in actions if a["kind"] == "source.fixAll.astro-migrate"]
    assert "edit" not in fix_all  # the client resolves it: the fixpoint runs only when asked for
    resolved = server.request("codeAction/resolve", fix_all)
    document.close()
    assert apply(document.text, edits_of(resolved)) == expected


@pytest.mark.e2e
def test_a_broken_configuration_is_shown_not_guessed_around(server, project):
    script = Document(server, project / "broken" / "job.sh")
    shown = server.wait_for("window/showMessage", lambda params: "select" in params["message"])
    assert script.diagnostics() == []
    script.close()
    assert shown["type"] == 1 and shown["message"].startswith("astro-migrate: ")  # an error, as `check` exits 2


@pytest.mark.e2e
def test_an_unsafe_fix_is_offered_apart_with_its_reason(server, project, tmp_path):
    document = Document(server, project / "unsafe.py")
    [found] = document.diagnostics()
    actions = document.actions(found)
    document.close()
    [unsafe] = [a for a in actions if a["kind"] == "quickfix.astro-migrate.unsafe"]
    assert unsafe["title"].startswith("Unsafe fix: ") and "built out of sight" in unsafe["title"]
    assert not unsafe.get("isPreferred")
    assert not [a for a in actions if a["kind"] == "source.fixAll.astro-migrate" or a["title"].startswith("Replace")]
    assert apply(document.text, edits_of(unsafe)) == fixed_by_check(project, "unsafe.py", tmp_path, unsafe=True)


@pytest.mark.e2e
def test_fix_all_splits_a_shared_base_as_check_fix_does(server, project, tmp_path):
    document = Document(server, project / "shared.py")
    found = document.diagnostics()
    [shared] = [d for d in found if d["code"] == "AM202"]
    [fix_all] = [a for a in document.actions(shared) if a["kind"] == "source.fixAll.astro-migrate"]
    fix_all = server.request("codeAction/resolve", fix_all)
    document.close()
    assert apply(document.text, edits_of(fix_all)) == fixed_by_check(project, "shared.py", tmp_path)


@pytest.mark.e2e
@pytest.mark.parametrize("name", ["shared.py", "shared.sh"])
def test_a_shared_base_points_at_its_blocked_call(server, project, name):
    document = Document(server, project / name)
    found = document.diagnostics()
    [shared] = [d for d in found if d["code"] == "AM202"]
    actions = document.actions(shared)
    document.close()
    [blocked] = [d for d in found if d["code"] == "AM201"]
    [related] = shared["relatedInformation"]
    assert related["location"] == {"uri": document.uri, "range": blocked["range"]}
    assert "/alerts" in document.text.splitlines()[blocked["range"]["start"]["line"]]
    if name == "shared.sh":  # a shell variable cannot be split: no rewrite at all, a suppression only
        assert [a["title"].split()[:2] for a in actions] == [["Suppress", "AM202"]]


@pytest.mark.e2e
def test_a_blocked_call_offers_no_rewrite(server, project):
    document = Document(server, project / "alerts.py")
    [blocked] = document.diagnostics()
    actions = document.actions(blocked)
    document.close()
    assert blocked["code"] == "AM201"
    url = document.text.index("https://")
    for action in actions:
        for edit in edits_of(action):
            start, end = offset(document.text, edit["range"]["start"]), offset(document.text, edit["range"]["end"])
            assert start == end and "astro-migrate: ignore[AM201]" in edit["newText"], action["title"]
    assert not any(a["kind"] == "source.fixAll.astro-migrate" for a in actions)
    assert [a["title"] for a in actions] and document.text[url:].startswith("https://api.astronomer.io/platform/v1beta1")


@pytest.mark.e2e
def test_the_suppression_action_silences_the_finding_for_check(server, project, tmp_path):
    document = Document(server, project / "alerts.py")
    [blocked] = document.diagnostics()
    [suppression] = [a for a in document.actions(blocked) if "ignore" in a["title"]]
    suppressed = apply(document.text, edits_of(suppression))
    document.replace_all(suppressed)
    after = document.diagnostics()
    document.close()
    assert "astro-migrate: ignore[AM201] <reason>" in suppressed
    assert after == []
    copy = tmp_path / "alerts.py"
    copy.write_text(suppressed)
    result = check([str(copy)], Options(today=datetime.date.fromisoformat(AS_OF), no_cache=True))
    assert result.findings == []


@pytest.mark.e2e
def test_a_change_that_removes_the_url_clears_the_diagnostics(server, project):
    document = Document(server, project / "client.py")
    [found] = document.diagnostics()
    document.edit(found["range"], "v1")  # an incremental change: the URL's v1beta1 part typed over
    assert document.diagnostics() == []
    document.close()
    assert "https://api.astronomer.io/v1" in document.text


@pytest.mark.e2e
def test_an_unsaved_base_module_refreshes_the_modules_that_import_it(server, project):
    settings = Document(server, project / "pkg" / "settings.py")
    settings.diagnostics()
    dag = Document(server, project / "pkg" / "dag.py")
    assert [d["code"] for d in dag.diagnostics()] == ["AM201"]
    settings.replace_all('HOST = "https://alerts.example.com"\n')  # unsaved: the file still says v1beta1
    assert server.diagnostics(dag.uri, dag.version) == []
    settings.close()
    assert [d["code"] for d in server.diagnostics(dag.uri, dag.version)] == ["AM201"]  # the file on disk again
    dag.close()


def cached_results(project: Path) -> list:
    """The result cache's entries (not the index or stored runs): one per analysed file content."""
    cache = project / ".astro_migrate_cache"
    return sorted(p for p in cache.glob("??/*") if p.is_file()) if cache.is_dir() else []


@pytest.mark.e2e
def test_typing_leaves_no_cache_entry_per_keystroke(server, project):
    document = Document(server, project / "client.py")
    [found] = document.diagnostics()
    before = cached_results(project)
    for typed in ("v1beta", "v1bet", "platform/v1beta1"):  # each a buffer state analysed, none saved
        document.edit(found["range"], typed)
        document.diagnostics()
        found["range"]["end"]["character"] = found["range"]["start"]["character"] + len(typed)
    document.close()
    assert cached_results(project) == before


@pytest.mark.e2e
def test_shutdown_and_exit_end_the_process(server):
    assert server.request("shutdown", None) is None
    server.notify("exit", None)
    assert server.process.wait(timeout=10) == 0


def analysed(folder: Path, name: str, text: str, monkeypatch):
    """The server's analysis of `name` holding `text` (a buffer), in `folder`."""
    from migrator.lsp.state import Workspace

    (folder / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(folder)
    monkeypatch.setenv("ASTRO_MIGRATE_AS_OF", AS_OF)
    workspace = Workspace()
    workspace.open(name, text, 1)
    return workspace.analyse(name)


def test_positions_count_utf16_code_units_by_default(tmp_path, monkeypatch):
    from lsprotocol import types

    from migrator.lsp.positions import Positions

    text = 'x = "\U0001F60B"; BASE = "https://api.astronomer.io/platform/v1beta1"\r\nimport requests\n'
    analysis = analysed(tmp_path, "emoji.py", text, monkeypatch)
    [finding] = analysis.findings
    utf16, utf32 = Positions(text), Positions(text, types.PositionEncodingKind.Utf32)
    column = text.index("platform/v1beta1")
    assert finding.start == column
    assert utf16.position(finding.start) == types.Position(0, column + 1)  # the emoji is two UTF-16 units
    assert utf32.position(finding.start) == types.Position(0, column)
    assert utf16.offset(types.Position(0, column + 1)) == column
    assert utf16.position(text.index("import")) == types.Position(1, 0)  # \r\n ends one line
    assert utf16.offset(types.Position(0, 999)) == text.index("\r\n")  # past a line's end: its end


def test_a_suppression_comment_never_lands_in_a_string(tmp_path, monkeypatch):
    from migrator.lsp.actions import suppression

    url = "https://api.astronomer.io/platform/v1beta1/organizations/o/deployments"
    text = f'def f():\n    """Call it.\n\n    See {url}.\n    """\n'
    analysis = analysed(tmp_path, "doc.py", text, monkeypatch)
    [finding] = analysis.findings
    assert suppression(analysis, finding) is None  # above or after it, the comment would be docstring text


def test_a_suppression_comment_goes_above_the_line_at_its_indentation(tmp_path, monkeypatch):
    from migrator.lsp.actions import suppression

    text = 'import requests\n\n\ndef f():\n    return requests.get("https://api.astronomer.io/platform/v1beta1/organizations/o/alerts")\n'
    analysis = analysed(tmp_path, "calls.py", text, monkeypatch)
    [finding] = analysis.findings
    offset, inserted = suppression(analysis, finding)
    assert (offset, inserted) == (text.index("    return"), "    # astro-migrate: ignore[AM201] <reason>\n")


IMPORT = re.compile(r"^(?P<indent>[ \t]*)(?:from|import)[ \t]+(?P<module>[\w.]+)", re.MULTILINE)


def imported(path: Path) -> list:
    """(module name, indented: inside a function or block) for every import statement in `path`."""
    return [(m["module"], bool(m["indent"])) for m in IMPORT.finditer(path.read_text(encoding="utf-8"))]


def test_check_never_imports_pygls():
    """Only the `lsp` command's body imports the server; nothing else imports pygls or lsprotocol."""
    server_modules = ("pygls", "lsprotocol", "migrator.lsp")
    package = REPO / "migrator"
    for path in package.rglob("*.py"):
        if path.parent.name == "lsp" and path.name != "cli.py":
            continue
        for module, nested in imported(path):
            if module.startswith(server_modules):
                assert path.name == "cli.py" and path.parent.name == "lsp" and nested, (path, module)
    assert ("migrator.lsp.server", True) in imported(package / "lsp" / "cli.py")


def test_the_readme_editor_snippets_start_the_server():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## In the editor", 1)[1].split("\n## ", 1)[0]
    blocks = dict(re.findall(r"```(json|lua|toml)\n(.*?)```", section, re.DOTALL))
    vscode, helix = json.loads(blocks["json"]), tomllib.loads(blocks["toml"])
    assert [vscode["glspc.server.command"], *vscode["glspc.server.commandArguments"]] == ["astro-migrate", "lsp"]
    server = helix["language-server"]["astro-migrate"]
    assert [server["command"], *server["args"]] == ["astro-migrate", "lsp"]
    assert all("astro-migrate" in language["language-servers"] for language in helix["language"])
    assert 'cmd = { "astro-migrate", "lsp" }' in blocks["lua"] and "vim.lsp.start" in blocks["lua"]

