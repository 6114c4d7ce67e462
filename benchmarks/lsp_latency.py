"""Latency of `astro-migrate lsp`: from a change to a 1,000-line file to its diagnostics.

    python benchmarks/lsp_latency.py [--lines 1000] [--changes 10] [--calls-every 30] [--yaml]

Writes a project of one Python module of `--lines` lines (ordinary helper functions, with a
v1beta1 call every `--calls-every` functions through one base, so the file keeps an AM101;
with `--yaml`, a CI workflow of as many lines, a v1beta1 `curl` every `--calls-every` steps),
starts the server over stdio with the JSON-RPC client of the tests, opens the file, then sends
`--changes` edits (a number in a helper changed, as typing does), each after the previous
one's diagnostics arrived, and times each from the `didChange` to the `publishDiagnostics` of
its version. The server's debounce is part of the figure (a change after a pause is analysed at
once). Prints the median and the worst, the server's CPU time per change (Linux: /proc, so a
loaded machine shows what the work costs), and LibCST's parse of the whole module alone for
scale (the server parses only the statements a change touched); the target is 300 ms on 2 cores.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from lsp_client import LspClient  # noqa: E402  (the tests' client, not a copy of it)

TARGET_MS = 300


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process `pid` so far (0.0 where /proc is not there)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def parse_seconds(text: str, runs: int = 5) -> tuple:
    """CPU seconds of LibCST's parse of `text`: the first one in this process, and the median
    of the `runs` after it."""
    import libcst

    times = []
    for _ in range(runs + 1):
        started = time.process_time()
        libcst.parse_module(text)
        times.append(time.process_time() - started)
    return times[0], statistics.median(times[1:])


def module(lines: int, calls_every: int) -> str:
    out = ['"""A client module."""', "import requests", "", 'BASE = "https://api.astronomer.io/platform/v1beta1"', ""]
    index = 0
    while len(out) < lines - 4:
        if index % calls_every == 0:
            url = f'f"{{BASE}}/organizations/{{org}}/deployments/{index}"'
            out += [f"def get_{index}(org):", f"    return requests.get({url}, timeout=30).json()", ""]
        else:
            out += [f"def helper_{index}(values, scale={index}):",
                    f"    total = sum(v * scale for v in values if v > {index})",
                    f"    return {{'name': 'h{index}', 'total': total, 'items': [str(v) for v in values]}}", ""]
        index += 1
    out += ["# end of module"] * (lines - len(out))
    return "\n".join(out) + "\n"


def workflow(lines: int, calls_every: int) -> str:
    out = ["name: deploy", "on: push", "jobs:", "  deploy:", "    runs-on: ubuntu-latest", "    steps:"]
    index = 0
    while len(out) < lines - 1:
        out.append(f"      - name: step {index}")
        if index % calls_every == 0:
            out.append(f"        run: curl -sSf https://api.astronomer.io/platform/v1beta1/organizations/o{index}/deployments")
        else:
            out.append(f"        run: make target-{index} scale={index}")
        index += 1
    out += ["# end of workflow"] * (lines - len(out))
    return "\n".join(out) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1000)
    parser.add_argument("--changes", type=int, default=10)
    parser.add_argument("--calls-every", type=int, default=30)
    parser.add_argument("--yaml", action="store_true", help="a CI workflow instead of a Python module")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        path = root / ("deploy.yml" if args.yaml else "client.py")
        original = text = (workflow if args.yaml else module)(args.lines, args.calls_every)
        path.write_text(text)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
        client = LspClient(str(root), env, sys.stderr)
        try:
            client.request("initialize", {"processId": os.getpid(), "rootUri": root.as_uri(), "capabilities": {}})
            client.notify("initialized", {})
            uri = path.as_uri()
            started = time.perf_counter()
            language = "yaml" if args.yaml else "python"
            opened_document = {"uri": uri, "languageId": language, "version": 1, "text": text}
            client.notify("textDocument/didOpen", {"textDocument": opened_document})
            first = client.diagnostics(uri, 1, timeout=120)
            opened = time.perf_counter() - started
            times, cpu = [], []
            for version in range(2, args.changes + 2):
                changed = original.replace("scale=1", f"scale={1000 + version}", 1)  # new bytes: no cache hit
                started, used = time.perf_counter(), cpu_seconds(client.process.pid)
                client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                                         "contentChanges": [{"text": changed}]})
                found = client.diagnostics(uri, version, timeout=120)
                times.append(time.perf_counter() - started)
                cpu.append(cpu_seconds(client.process.pid) - used)
                assert [d["code"] for d in found] == [d["code"] for d in first], "the findings changed"
            client.request("shutdown", None)
            client.notify("exit", None)
            client.process.wait(timeout=30)
        finally:
            if client.process.poll() is None:
                client.process.kill()
    median, worst = statistics.median(times) * 1000, max(times) * 1000
    print(f"{args.lines}-line {'workflow' if args.yaml else 'module'}, {len(first)} finding(s), {os.cpu_count()} cores")
    print(f"open (cold, parse + cache): {opened * 1000:.0f} ms")
    print(f"change -> diagnostics over {len(times)} changes: median {median:.0f} ms, worst {worst:.0f} ms "
          f"(target {TARGET_MS} ms: {'met' if worst <= TARGET_MS else 'not met'})")
    print(f"server CPU per change: median {statistics.median(cpu) * 1000:.0f} ms")
    if not args.yaml:
        first, again = parse_seconds(original)
        print(f"LibCST parse of the whole module alone, for scale: {first * 1000:.0f} ms CPU the first time, "
              f"{again * 1000:.0f} ms after (the server parses only the statements a change touched)")


if __name__ == "__main__":
    main()
