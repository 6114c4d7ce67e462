"""The text tier's field analysis is linear in the number of calls (issue 13, item 16).

It used to run every field pattern over the whole text once per call (6,000 curl lines: 72 s).
No timing here: `ScanStats` counts the work, and the passes over the text must not grow with
the number of calls, while the matches and the look-ups grow with the fields the text reads.
`benchmarks/fields_linear.py` times it.
"""
from __future__ import annotations

from migrator.engine import ruletable
from migrator.engine.match import DEFAULT_HOSTS, host_pattern
from migrator.project.source import SourceText
from migrator.text import analyze
from migrator.text.fields import ScanStats, field_findings
from migrator.text.tokens import comment_spans

TABLE = ruletable.load()
HOST_RE = host_pattern(DEFAULT_HOSTS)
LINE = "curl -s \"https://api.astronomer.io/iam/v1beta1/organizations/$ORG/tokens/t{i}\" | jq -r '.type, .name'\n"


def script(calls: int) -> str:
    return "#!/bin/sh\n" + "".join(LINE.format(i=i) for i in range(calls))


def work(text: str, flavor: str = "shell") -> tuple:
    """(findings, ScanStats) of the field analysis of `text`, given the calls the text tier finds."""
    sites = [(op, text.find(url)) for url, op in _calls(text)]
    stats = ScanStats()
    return field_findings(text, sites, comment_spans(text, flavor), flavor, stats=stats), stats


def _calls(text: str) -> list:
    """(URL, operation) of every token call: the operations the rule table gives its path."""
    from migrator.engine.match import identify

    operations = identify("iam", "/organizations/o/tokens/t", TABLE)
    urls = [line.split('"')[1] for line in text.splitlines() if line.startswith("curl")]
    return [(url, op) for url in urls for op in operations]


def test_passes_over_the_text_do_not_grow_with_the_calls():
    small_findings, small = work(script(20))
    large_findings, large = work(script(200))
    assert len(small_findings) == 20 and len(large_findings) == 200  # one `.type` per line
    assert small.passes == large.passes <= 10
    assert (small.matches, large.matches) == (20, 200)
    assert (small.lookups, large.lookups) == (20, 200)  # one binary search per finding


def test_each_read_is_credited_to_the_nearest_call_before_it():
    text = (
        'curl "https://api.astronomer.io/iam/v1beta1/organizations/$ORG/tokens" | jq ".tokens[].type"\n'
        'curl "https://api.astronomer.io/iam/v1beta1/organizations/$ORG/tokens/$T" | jq .type\n'
    )
    found = analyze.scan(text, "shell", TABLE, HOST_RE, "rotate.sh", lambda key, offset: key)
    fields = [(text.count("\n", 0, f.start) + 1, f.endpoint.operation_id) for f in found if f.code == "AM301"]
    assert fields == [(1, "ListApiTokens"), (2, "GetApiToken")]


def test_a_one_line_bundle_is_read_in_the_same_number_of_passes():
    call = 'fetch("https://api.astronomer.io/iam/v1beta1/organizations/"+o+"/tokens/"+t).then(d=>d.type);'
    source = SourceText.decode(("#!/usr/bin/env node\n" + call * 30).encode())
    text = source.text
    operations = _calls('curl "https://api.astronomer.io/iam/v1beta1/organizations/o/tokens/t"')
    sites = [(op, at) for at in range(text.find("fetch"), len(text), len(call)) for _, op in operations]
    stats = ScanStats()
    found = field_findings(text, sites, [], "js", stats=stats)
    assert len(found) == 30 and stats.passes <= 10 and stats.lookups == 30
