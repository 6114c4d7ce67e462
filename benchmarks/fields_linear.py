"""Is the text tier's field analysis linear in the number of calls? (issue 13, item 16)

    python benchmarks/fields_linear.py [--small 1000] [--large 10000] [--runs 3]

Generates two shapes at a small and a large size (ten times as many calls) and times, in this
process, the field analysis alone (`text.fields.field_findings`, given the file's calls) and the
whole text tier (`text.analyze.analyze`, tokenising and judging the bases included):

- a shell script of `curl …/tokens/tN | jq '.type, .name'` lines;
- a minified JS bundle: one line of `fetch(…/tokens/…).then(…d.type…d.workloadIdentity…)`.

Prints the median time of each and the large/small ratio: about 10 is linear, 100 quadratic.
The whole tier is timed for the shapes `--tier` names (default: shell); benchmarks/text_linear.py
measures the rest of the tier on one-line inputs.
"""
from __future__ import annotations

import argparse
import statistics
import time

from migrator.engine import ruletable
from migrator.engine.match import DEFAULT_HOSTS, host_pattern, identify
from migrator.project.source import SourceText
from migrator.text import analyze, fields
from migrator.text.tokens import comment_spans

TOKEN_URL = "https://api.astronomer.io/iam/v1beta1/organizations/"
SHELL_LINE = "curl -s \"" + TOKEN_URL + "$ORG/tokens/t{i}\" | jq -r '.type, .name'\n"
BUNDLE_CALL = (
    'fetch("' + TOKEN_URL + '"+o+"/tokens/"+t{i}).then(r=>r.json())'
    '.then(d=>{{if(d.type==="X")a.push({{type:d.type,w:d.workloadIdentity}})}});'
)
SHAPES = {"shell": ("deploy.sh", "#!/bin/sh\n", SHELL_LINE), "bundle": ("app.min.js", "", BUNDLE_CALL)}


def text_of(shape: str, calls: int) -> str:
    _, head, unit = SHAPES[shape]
    return head + "".join(unit.format(i=i) for i in range(calls))


def sites_of(text: str, table) -> list:
    """(operation, offset) of every token call, as the text tier hands them to the field analysis."""
    operations = identify("iam", "/organizations/o/tokens/t", table)
    found, at = [], text.find(TOKEN_URL)
    while at >= 0:
        found += [(op, at) for op in operations]
        at = text.find(TOKEN_URL, at + 1)
    return found


def timed(run, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(shape: str, calls: int, runs: int, table, host_re, tier: bool) -> tuple:
    """(seconds for the field analysis alone, seconds for the whole text tier or None)."""
    path = SHAPES[shape][0]
    text = text_of(shape, calls)
    flavor = "shell" if shape == "shell" else "js"
    comments, sites = comment_spans(text, flavor), sites_of(text, table)
    alone = timed(lambda: fields.field_findings(text, sites, comments, flavor), runs)
    if not tier:
        return alone, None
    source = SourceText.decode(text.encode())
    return alone, timed(lambda: analyze.analyze(source, table, host_re, path), runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tier", default="shell", help="shapes to time the whole text tier on, comma-separated")
    args = parser.parse_args()
    table, host_re = ruletable.load(), host_pattern(DEFAULT_HOSTS)
    print(f"{'shape':<8} {'part':<12} {args.small:>10} {args.large:>10} {'ratio':>7}")
    for shape in SHAPES:
        tier = shape in args.tier.split(",")
        small = measure(shape, args.small, args.runs, table, host_re, tier)
        large = measure(shape, args.large, args.runs, table, host_re, tier)
        for index, part in enumerate(("fields", "text tier")):
            if small[index] is None:
                continue
            ratio = large[index] / small[index] if small[index] else float("nan")
            print(f"{shape:<8} {part:<12} {small[index]:>9.3f}s {large[index]:>9.3f}s {ratio:>7.1f}")


if __name__ == "__main__":
    main()
