"""Issue 14, Python side: v1beta1 bases joined from parts, bases without their version, urljoin.

Each fixture's functions return the URLs they would call. A test fixes a copy, runs both the
original and the fixed module, and compares the URLs: a migratable call must now reach the v1
URL, a blocked call or a look-alike the very URL it reached before.
"""
from __future__ import annotations

import inspect
import re
import runpy
import shutil
from urllib.parse import urljoin

import pytest
from helpers import FIXTURES, check_json, run_cli
from hypothesis import given, settings
from hypothesis import strategies as st

from migrator.engine import ruletable
from migrator.engine.match import find_bases, host_pattern
from migrator.engine.templates import Lit, flatten
from migrator.engine.urljoin import url_join

RECALL = FIXTURES / "recall"
ASTRO_BASE = re.compile(r"^https://api\.astronomer\.io/(?:iam|platform)/v1beta1/")
BLOCKED = re.compile(r"/(?:alerts|notification-channels)(?:/|$)")
# Reported, left to a person: the version is a `%` or `string.Template` argument.
BY_HAND = {"roles_url", "tokens_url"}


def urls(path) -> dict:
    """name -> the URL each `*_url` function of the module at `path` returns (arguments "o1")."""
    namespace = runpy.run_path(str(path))
    return {
        name: function(*["o1"] * len(inspect.signature(function).parameters))
        for name, function in namespace.items()
        if name.endswith("_url") and inspect.isfunction(function)
    }


def on_v1(url: str) -> str:
    """The URL a migrated call reaches: v1 for every Astro v1beta1 endpoint v1 serves."""
    if BLOCKED.search(url.split("?")[0]):
        return url
    return ASTRO_BASE.sub("https://api.astronomer.io/v1/", url)


@pytest.mark.parametrize("kind", ["version_parts", "versionless_base", "urljoin"])
def test_fix_turns_before_into_after_and_every_call_reaches_v1(kind, tmp_path):
    target = tmp_path / "module.py"
    shutil.copyfile(RECALL / kind / "before.py", target)
    before = urls(target)

    run_cli("check", "--fix", target)
    assert target.read_bytes() == (RECALL / kind / "after.py").read_bytes()
    second = run_cli("check", "--fix", target)
    assert "fixed" not in second.stdout.splitlines()[-1]

    after = urls(target)
    assert after.keys() == before.keys()
    for name, url in before.items():
        expected = url if name in BY_HAND else on_v1(url)
        assert after[name] == expected, name
    assert any(after[name] != url for name, url in before.items())  # the fixture does migrate calls


def test_parts_out_of_reach_are_reported_without_a_fix(tmp_path):
    target = tmp_path / "module.py"
    shutil.copyfile(RECALL / "version_parts" / "before.py", target)
    findings = check_json(target)
    source = target.read_text().splitlines()
    by_hand = [f for f in findings if "by hand" in f["message"]]
    assert {source[f["location"]["row"] - 1].strip().split("(")[0] for f in by_hand} == {
        'return "%s/%s/%s/organizations/%s/roles" % ', "return string.Template"}
    assert all(f["fix"] is None for f in by_hand)
    # look-alikes: another host's /platform/v1beta1, a file path, the dev host
    flagged = {source[f["location"]["row"] - 1] for f in findings}
    assert not any(word in line for line in flagged for word in ("googleapis", "spec.yaml", "astronomer-dev"))


@pytest.mark.parametrize("kind", ["version_parts", "versionless_base", "urljoin"])
def test_blocked_variant_keeps_v1beta1_even_with_unsafe_fixes(kind, tmp_path):
    target = tmp_path / "module.py"
    shutil.copyfile(RECALL / kind / "blocked.py", target)
    original = target.read_bytes()
    findings = check_json("--fix", "--unsafe-fixes", target)
    assert target.read_bytes() == original
    codes = {f["code"] for f in findings}
    assert "AM201" in codes and "AM202" in codes
    assert all(url == on_v1(url) or not BLOCKED.search(url) for url in urls(target).values())


def test_base_without_version_read_elsewhere_is_not_a_safe_fix(tmp_path):
    """`ASTRO_API` loses its `/platform` in the fix: a read of it that does not add the version
    (a health check) would change too, so the fix is unsafe and says where."""
    target = tmp_path / "module.py"
    target.write_text(
        'ASTRO_API = "https://api.astronomer.io/platform"\n'
        "\n\ndef workspaces_url(org):\n"
        '    return f"{ASTRO_API}/v1beta1/organizations/{org}/workspaces"\n'
        "\n\ndef health_url():\n"
        '    return f"{ASTRO_API}/healthz"\n'
    )
    (finding,) = [f for f in check_json(target) if f["code"] == "AM101"]
    assert finding["fix"]["applicability"] == "unsafe"
    assert "module.py:9 also reads the `platform`" in finding["fix"]["message"]


def test_version_value_feeding_a_blocked_call_in_one_join_is_not_rewritten(tmp_path):
    """The join spells `GROUP, VERSION` once for both calls: only the migratable call's own
    parts change; the names stay, so the alerts call keeps reaching v1beta1."""
    target = tmp_path / "module.py"
    target.write_text(
        'import posixpath\n\nHOST = "https://api.astronomer.io"\nGROUP = "platform"\nVERSION = "v1beta1"\n'
        "\n\ndef clusters_url(org):\n"
        '    return posixpath.join(HOST, GROUP, VERSION, "organizations", org, "clusters")\n'
        "\n\ndef alerts_url(org):\n"
        '    return posixpath.join(HOST, GROUP, VERSION, "organizations", org, "alerts")\n'
    )
    before = urls(target)
    run_cli("check", "--fix", target)
    after = urls(target)
    assert after == {name: on_v1(url) for name, url in before.items()}
    assert after["alerts_url"] == before["alerts_url"]


SEGMENTS = st.sampled_from(["a", "platform", "v1beta1", "..", ".", "", "organizations"])
PATHS = st.lists(SEGMENTS, max_size=4).map("/".join)
BASES = st.builds(lambda host, path, rest: host + path + rest,
                  st.sampled_from(["https://api.astronomer.io", "http://localhost:8080"]),
                  st.sampled_from(["", "/"]).flatmap(lambda lead: PATHS.map(lambda p: lead + p)),
                  st.sampled_from(["", "?page=2", "#top"]))
URLS = st.builds(lambda lead, path, rest: lead + path + rest,
                 st.sampled_from(["", "/", "https://other.example/", "//h2/", "../"]), PATHS,
                 st.sampled_from(["", "?q=1", "#frag"]))


@settings(max_examples=150, deadline=None)
@given(BASES, URLS)
def test_url_join_is_urllib_urljoin(base, url):
    joined = url_join((Lit(base, ("base.py", 0)),), (Lit(url, ("url.py", 0)),))
    assert flatten(joined) == urljoin(base, url)
    # literal text keeps its place in the source, so a base in the result can still be fixed
    for part in joined:
        if isinstance(part, Lit) and part.origin is not None:
            source = base if part.origin[0] == "base.py" else url
            assert source[part.origin[1] : part.origin[1] + len(part.text)] == part.text


def test_url_join_keeps_a_kept_base_fixable():
    base = "https://api.astronomer.io/platform/v1beta1/organizations"  # urljoin drops "organizations"
    joined = url_join((Lit(base, ("m.py", 10)),), (Lit("organizations/o1/workspaces", ("m.py", 90)),))
    assert flatten(joined) == urljoin(base, "organizations/o1/workspaces")
    table = ruletable.load()
    (match,) = find_bases(joined, table, host_pattern(table.hosts))
    assert match.lit.origin[1] + match.start == 10 + base.index("platform/v1beta1")
    assert match.path == "/organizations/o1/workspaces"


def test_a_part_another_module_sets_makes_the_joined_fix_unsafe(tmp_path):
    """The fix writes `v1` where the f-string read `{GROUP}/{VER}`: a module that sets `api.VER`
    would no longer be followed, so the fix says so and waits for --unsafe-fixes."""
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "api.py").write_text(
        'GROUP = "platform"\nVER = "v1beta1"\nHOST = "https://api.astronomer.io"\n\n\ndef url(org):\n'
        '    return f"{HOST}/{GROUP}/{VER}/organizations/{org}/workspaces"\n'
    )
    (package / "other.py").write_text('from pkg import api\n\napi.VER = "v1beta1"\n')
    (finding,) = check_json(".", cwd=tmp_path)
    assert finding["fix"]["applicability"] == "unsafe"
    assert "reads `VER`, which is also set as `api.VER = …` in pkg/other.py" in finding["fix"]["message"]


def test_a_part_chosen_at_run_time_is_left_to_a_person(tmp_path):
    """`{os.getenv("V") or VER}` may be another version at run time: writing `v1` in its place
    would drop that choice, so the base is reported without a fix."""
    target = tmp_path / "module.py"
    target.write_text(
        'import os\n\nHOST = "https://api.astronomer.io"\nVER = "v1beta1"\n\n\ndef url(org):\n'
        '    return f"{HOST}/platform/{os.getenv(\'V\') or VER}/organizations/{org}/workspaces"\n'
    )
    (finding,) = check_json(target)
    assert finding["fix"] is None and "by hand" in finding["message"]
