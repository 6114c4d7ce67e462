"""Side-by-side benchmarks of astro-migrate against its baselines (issue 7).

    python benchmarks/run.py [--lines 1000000] [--runs 5] [--tree DIR] [--big] [--only GROUP ...]

Generates the trees into a temporary directory (``--tree DIR`` times an existing
tree instead), runs each comparison's commands in alternating rounds (A, B, A, B, ...)
and prints each ratio of medians against its target. Peak RSS comes from
``os.wait4`` on every run: the figure ``/usr/bin/time -v`` reports as "Maximum
resident set size", without an extra process in the timings.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median
from typing import Optional

import generate

BENCH_DIR = Path(__file__).resolve().parent
GROUPS = ("tree", "precommit", "matching", "memory")
IGNORED_DIRS = {".venv", "node_modules"}
MATCHING_FILES = 1000
MEMORY_LIMIT_MIB = 150
MEMORY_GROWTH = 1.25  # "flat": peak RSS on the 10x tree at most 25% above the 1x tree
LIBCST_CONFIG = "modules: []\nformatter: []\nrepo_root: matching\n"


@dataclass
class Bench:
    """One command, timed over several runs; dropped after its first failure."""

    label: str
    argv: list
    cwd: Path
    env: Optional[dict] = None
    ok_codes: tuple = (0,)
    times: list = field(default_factory=list)
    rss_kib: list = field(default_factory=list)
    error: Optional[str] = None

    def run(self, timeout: float, record: bool = True) -> None:
        if self.error:
            return
        with tempfile.TemporaryFile() as err:
            started = time.perf_counter()
            try:
                proc = subprocess.Popen(self.argv, cwd=self.cwd, env=self.env,
                                        stdout=subprocess.DEVNULL, stderr=err)
            except OSError as exc:
                self.error = str(exc)
            else:
                timer = threading.Timer(timeout, proc.kill)
                timer.start()
                _, status, usage = os.wait4(proc.pid, 0)
                elapsed = time.perf_counter() - started
                timer.cancel()
                proc.returncode = os.waitstatus_to_exitcode(status)
                if elapsed >= timeout:
                    self.error = f"timed out after {timeout:g}s"
                elif proc.returncode not in self.ok_codes:
                    err.seek(0)
                    tail = err.read().decode(errors="replace").strip()[-1500:]
                    self.error = f"exit {proc.returncode}: {tail}"
        if self.error:
            print(f"  ! {self.label} failed: {self.error}", file=sys.stderr)
        elif record:
            self.times.append(elapsed)
            self.rss_kib.append(usage.ru_maxrss)

    @property
    def seconds(self) -> Optional[float]:
        return median(self.times) if self.times else None

    @property
    def rss_mib(self) -> Optional[float]:
        return max(self.rss_kib) / 1024 if self.rss_kib else None

    def describe(self) -> str:
        if self.seconds is None:
            return f"{self.label}: {'pending' if self.error else 'not run'}"
        runs = ", ".join(f"{t:.3f}" for t in self.times)
        return f"{self.label}: median {self.seconds:.3f}s ({runs}), peak RSS {self.rss_mib:.0f} MiB"


@dataclass
class Row:
    """A measured figure against its target."""

    name: str
    value: Optional[float]
    target: float
    unit: str = "x"
    at_least: bool = False

    def line(self) -> str:
        sign = ">=" if self.at_least else "<="
        target = f"{sign} {self.target:g}{self.unit}"
        if self.value is None:
            return f"{self.name:<44} {'pending':>10}  {target:<12} -"
        ok = self.value >= self.target if self.at_least else self.value <= self.target
        return f"{self.name:<44} {self.value:>9.2f}{self.unit}  {target:<12} {'PASS' if ok else 'FAIL'}"


def ratio(numerator: Bench, denominator: Bench) -> Optional[float]:
    if numerator.seconds is None or denominator.seconds is None:
        return None
    return numerator.seconds / denominator.seconds


def rounds(benches: list, runs: int, timeout: float) -> None:
    """Time ``benches`` in ``runs`` alternating rounds and print their figures."""
    for i in range(runs):
        print(f"  round {i + 1}/{runs}", file=sys.stderr)
        for bench in benches:
            bench.run(timeout)
    for bench in benches:
        print(f"  {bench.describe()}")


def astro_migrate() -> str:
    """The ``astro-migrate`` next to the running Python, else the one on PATH."""
    local = Path(sys.executable).parent / "astro-migrate"
    return str(local) if local.exists() else shutil.which("astro-migrate") or "astro-migrate"


def clean_modules(tree: Path, count: int = 5) -> list:
    """The first ``count`` Python modules (sorted) of 100+ lines that mention no Astro API."""
    picked = []
    for path in sorted(tree.rglob("*.py")):
        if IGNORED_DIRS.isdisjoint(path.relative_to(tree).parts):
            text = path.read_text(encoding="utf-8")
            if "v1beta1" not in text and "ASTRO_" not in text and text.count("\n") >= 100:
                picked.append(str(path))
                if len(picked) == count:
                    break
    return picked


def make_tree(path: Path, **kwargs) -> Path:
    started = time.perf_counter()
    stats = generate.generate(path, **kwargs)
    print(f"generated {path}: {stats.summary()} in {time.perf_counter() - started:.1f}s")
    return path


def bench_tree(tree: Path, work: Path, astro: str, args) -> list:
    grep = Bench("grep -rl v1beta1", ["grep", "-rl", "v1beta1", str(tree)], work, ok_codes=(0, 1))
    cold = Bench("astro-migrate check --no-cache",
                 [astro, "check", str(tree), "--no-cache", "--exit-zero"], work)
    warm = Bench("astro-migrate check (warm cache)", [astro, "check", str(tree), "--exit-zero"], work)
    print("\n[tree] whole tree: grep vs astro-migrate, cold and warm cache")
    warm.run(args.timeout, record=False)  # fills the cache
    rounds([grep, cold, warm], args.runs, args.timeout)
    return [Row("tree, cold cache: time / grep", ratio(cold, grep), 3),
            Row("tree, warm cache: time / grep", ratio(warm, grep), 2)]


def bench_precommit(tree: Path, work: Path, astro: str, args) -> list:
    files = clean_modules(tree)
    python = Bench("python -c pass", [sys.executable, "-c", "pass"], work)
    check = Bench("astro-migrate check (5 files)",
                  [astro, "check", *files, "--no-cache", "--exit-zero"], work)
    print(f"\n[precommit] 5 non-matching files: {', '.join(Path(f).name for f in files)}")
    rounds([python, check], args.runs, args.timeout)
    return [Row("pre-commit, 5 files: time / python -c pass", ratio(check, python), 5)]


def bench_matching(work: Path, astro: str, args) -> list:
    matching = make_tree(work / "matching", matching_only=MATCHING_FILES, seed=args.seed)
    (work / ".libcst.codemod.yaml").write_text(LIBCST_CONFIG)
    env = {**os.environ, "PYTHONPATH": str(BENCH_DIR)}
    libcst = Bench("libcst codemod -j 1",
                   [sys.executable, "-m", "libcst.tool", "codemod", "-x", "trivial_codemod.TrivialCommand",
                    "--no-format", "--hide-progress", "-j", "1", str(matching)], work, env)
    jobs = [Bench(f"astro-migrate check --jobs {n}",
                  [astro, "check", str(matching), "--no-cache", "--exit-zero", "--jobs", str(n)], work)
            for n in (1, 2)]
    print(f"\n[matching] {MATCHING_FILES} matching modules: libcst codemod vs astro-migrate")
    rounds([libcst, *jobs], args.runs, args.timeout)
    return [Row("matching: throughput / libcst codemod", ratio(libcst, jobs[0]), 2, at_least=True),
            Row("matching: speed-up from 1 to 2 jobs", ratio(*jobs), 1.7, at_least=True)]


def bench_memory(tree: Path, work: Path, astro: str, args) -> list:
    """Peak RSS of a cold check of the tree, and of a 10x tree with ``--big``."""
    sizes = {"1x": tree}
    if args.big:
        sizes["10x"] = make_tree(work / "tree-10x", lines=args.lines * 10, seed=args.seed)
    print("\n[memory] peak RSS of a cold check, one run per tree size")
    benches = {size: Bench(f"astro-migrate check --no-cache ({size})",
                           [astro, "check", str(path), "--no-cache", "--exit-zero"], work)
               for size, path in sizes.items()}
    rounds(list(benches.values()), 1, args.timeout)
    rows = [Row(f"memory, {size} tree: peak RSS", bench.rss_mib, MEMORY_LIMIT_MIB, " MiB")
            for size, bench in benches.items()]
    if args.big:
        small, large = benches["1x"].rss_mib, benches["10x"].rss_mib
        growth = large / small if small and large else None
        rows.append(Row("memory: peak RSS 10x tree / 1x tree", growth, MEMORY_GROWTH))
    return rows


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000, help="lines of Python in the tree")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per command")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--tree", type=Path, help="time this tree instead of generating one")
    parser.add_argument("--big", action="store_true", help="also check memory on a 10x tree")
    parser.add_argument("--only", action="append", choices=GROUPS, help="run only these groups")
    parser.add_argument("--timeout", type=float, default=600, help="seconds before a run is abandoned")
    args = parser.parse_args(argv)
    groups = args.only or GROUPS
    astro = astro_migrate()
    print(f"astro-migrate: {astro}\npython: {sys.version.split()[0]} ({sys.executable})")

    with tempfile.TemporaryDirectory(prefix="astro-migrate-bench-") as tmp:
        work = Path(tmp)
        needs_tree = {"tree", "precommit", "memory"} & set(groups)
        tree = args.tree or (make_tree(work / "tree", lines=args.lines, seed=args.seed) if needs_tree else None)
        rows = []
        if "tree" in groups:
            rows += bench_tree(tree, work, astro, args)
        if "precommit" in groups:
            rows += bench_precommit(tree, work, astro, args)
        if "matching" in groups:
            rows += bench_matching(work, astro, args)
        if "memory" in groups:
            rows += bench_memory(tree, work, astro, args)

    print(f"\n{'comparison':<44} {'measured':>10}  {'target':<12} result")
    for row in rows:
        print(row.line())


if __name__ == "__main__":
    main()
