"""Is the whole text tier linear in the size of its input? (issue 13, item 16)

    python benchmarks/text_linear.py [--small 400] [--factor 10] [--runs 3] [--only SHAPE] [--profile SHAPE]

Generates each shape below at a small size and at `--factor` times it, times the text tier
(`text.analyze.analyze`, in this process) on both and prints the ratio: about the factor is
linear, its square quadratic. The shapes are the inputs that were quadratic:

- bundle: a minified JS bundle, one line of `fetch("…/organizations/o"+i+"/deployments")` calls;
- curl:   a shell script of `curl -X POST …` lines, one call a line;
- json:   a JSON file with every URL on one line;
- yaml:   a YAML file of long flow sequences (`urls: [https://…, https://…, …]`);
- urls:   URLs separated by spaces on one line of a text file;
- dots:   one call followed by `.a` repeated (a field path without end);
- prefixes: a YAML file of settings holding a host-less `/platform/v1beta1` each.

`--profile SHAPE` prints cProfile's top functions for the large size of that shape instead.
"""
from __future__ import annotations

import argparse
import cProfile
import pstats

from fields_linear import timed  # the sibling benchmark's median of runs

from migrator.engine import ruletable
from migrator.engine.match import DEFAULT_HOSTS, host_pattern
from migrator.project.source import SourceText
from migrator.text import analyze

PLATFORM = "https://api.astronomer.io/platform/v1beta1/organizations/"


def bundle(n: int) -> tuple:
    call = 'fetch("' + PLATFORM + 'o"+i{i}+"/deployments").then(r=>r.json());'
    return "app.min.js", "".join(call.format(i=i) for i in range(n))


def curl(n: int) -> tuple:
    line = 'curl -s -X POST "' + PLATFORM + '$ORG/deployments/d{i}" -H "Authorization: Bearer $T"\n'
    return "deploy.sh", "#!/bin/sh\n" + "".join(line.format(i=i) for i in range(n))


def json_line(n: int) -> tuple:
    items = ",".join(f'"{PLATFORM}o{i}/deployments"' for i in range(n))
    return "urls.json", '{"urls": [' + items + "]}\n"


def yaml_flow(n: int) -> tuple:
    rows = n // 100 or 1
    per = n // rows
    seq = ", ".join(f"{PLATFORM}o{{r}}x{i}/deployments" for i in range(per))
    return "urls.yaml", "".join(f"list{r}: [{seq.format(r=r)}]\n" for r in range(rows))


def urls(n: int) -> tuple:
    return "urls.txt", " ".join(f"{PLATFORM}o{i}/deployments" for i in range(n)) + "\n"


def dots(n: int) -> tuple:
    return "query.sh", f'curl "{PLATFORM}$ORG/deployments/$D" | jq ' + ".a" * n + "\n"


def prefixes(n: int) -> tuple:
    return "values.yaml", "settings:\n" + "".join(f"  path{i}: /platform/v1beta1\n" for i in range(n))


SHAPES = {
    "bundle": bundle, "curl": curl, "json": json_line, "yaml": yaml_flow, "urls": urls, "dots": dots,
    "prefixes": prefixes,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=400, help="calls (or URLs, or `.a`s) at the small size")
    parser.add_argument("--factor", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", action="append", choices=sorted(SHAPES))
    parser.add_argument("--profile", choices=sorted(SHAPES))
    args = parser.parse_args()
    table, host_re = ruletable.load(), host_pattern(DEFAULT_HOSTS)

    def run(shape: str, n: int):
        path, text = SHAPES[shape](n)
        source = SourceText.decode(text.encode())
        return lambda: analyze.analyze(source, table, host_re, path)

    if args.profile:
        cProfile.runctx("job()", {}, {"job": run(args.profile, args.small * args.factor)}, "/tmp/text_linear.prof")
        pstats.Stats("/tmp/text_linear.prof").sort_stats("cumulative").print_stats(25)
        return
    large = args.small * args.factor
    print(f"{'shape':<8} {args.small:>9} {large:>9} {'ratio':>7}  (linear: {args.factor})")
    for shape in args.only or SHAPES:
        small_time = timed(run(shape, args.small), args.runs)
        large_time = timed(run(shape, large), args.runs)
        ratio = large_time / small_time if small_time else float("nan")
        print(f"{shape:<8} {small_time:>8.3f}s {large_time:>8.3f}s {ratio:>7.1f}", flush=True)


if __name__ == "__main__":
    main()
