"""Side-by-side benchmarks of astro-migrate against its baselines (issue 7).

    python benchmarks/run.py [--lines 1000000] [--runs 5] [--tree DIR] [--big] [--only GROUP ...]
                             [--before CHECKOUT]

Generates the trees into a temporary directory (``--tree DIR`` times an existing
tree instead), runs each comparison's commands in alternating rounds (A, B, A, B, ...)
and prints each ratio of medians against its target: the table of issue 16. ``--before``
times another source checkout of the tool beside this one, in the same rounds. Peak RSS comes from
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
from typing import Callable, Optional

import generate

BENCH_DIR = Path(__file__).resolve().parent
GROUPS = ("tree", "precommit", "matching", "memory")
IGNORED_DIRS = {".venv", "node_modules"}
MATCHING_FILES = 1000
MEMORY_LIMIT_MIB = 150
MEMORY_GROWTH = 1.2  # "flat": peak RSS on the 10x tree at most 20% above the 1x tree
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
    measure: Callable[[], Optional[float]]  # evaluated when the row is printed, after every round
    target: float
    unit: str = "x"
    at_least: bool = False

    @property
    def value(self) -> Optional[float]:
        return self.measure()

    def line(self) -> str:
        sign = ">=" if self.at_least else "<="
        target = f"{sign} {self.target:g}{self.unit}"
        if self.value is None:
            return f"{self.name:<56} {'pending':>10}  {target:<12} -"
        ok = self.value >= self.target if self.at_least else self.value <= self.target
        return f"{self.name:<56} {self.value:>9.2f}{self.unit}  {target:<12} {'PASS' if ok else 'FAIL'}"


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


@dataclass
class Tool:
    """A version of astro-migrate to time: `python -m migrator` from a source checkout."""

    name: str  # "" for this checkout, "before" for --before
    checkout: Path
    pycache: Path

    def argv(self, *args: str) -> list:
        return [sys.executable, "-m", "migrator", *args]

    @property
    def env(self) -> dict:
        """Byte code written once and reused (as an installed package has it), in a folder of the run's."""
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        prefix = self.pycache / (self.name or "now")
        return {**env, "PYTHONPATH": str(self.checkout), "PYTHONPYCACHEPREFIX": str(prefix)}

    def bench(self, label: str, args: list, cwd: Path) -> Bench:
        return Bench(f"{self.name + ': ' if self.name else ''}{label}", self.argv(*args), cwd, self.env)

    def row(self, name: str, *args, **kwargs) -> Row:
        return Row(f"{name}{' (' + self.name + ')' if self.name else ''}", *args, **kwargs)


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
    """A generated tree, made a git repository (a monorepo is one): its own project root, so that
    the project model never takes the benchmark's folder, with the other trees, for the project."""
    started = time.perf_counter()
    stats = generate.generate(path, **kwargs)
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    print(f"generated {path}: {stats.summary()} in {time.perf_counter() - started:.1f}s")
    return path


def warm_up(benches: list, timeout: float) -> None:
    """One untimed run of each: byte code written, caches filled, files in the page cache."""
    for bench in benches:
        bench.run(timeout, record=False)


def bench_tree(tree: Path, work: Path, tools: list, args) -> list:
    grep = Bench("grep -rl v1beta1", ["grep", "-rl", "v1beta1", str(tree)], work, ok_codes=(0, 1))
    floor = Bench("parse floor (read all, LibCST-parse .py with v1beta1)",
                  [sys.executable, str(BENCH_DIR / "floor.py"), str(tree)], work)
    rows, timed, touched = [], [grep, floor], []
    for tool in tools:
        cold = tool.bench("check --no-cache", ["check", str(tree), "--no-cache", "--exit-zero"], work)
        one = tool.bench("check --no-cache --jobs 1", ["check", str(tree), "--no-cache", "--exit-zero", "--jobs", "1"],
                         work)
        warm = tool.bench("check (warm cache)", ["check", str(tree), "--exit-zero"], work)
        # The same run with one module touched before each run: no replay, the index and the
        # result cache at work. Timed in rounds of its own: its touch would end the warm run's replay.
        plain = tool.bench("check (warm, 1 file touched)", ["check", str(tree), "--exit-zero"], work)
        changed = tuple(clean_modules(tree, 1))
        touched.append(ChangedFilesBench(plain.label, plain.argv, work, plain.env, changed=changed))
        timed += [cold, one, warm]
        rows += [tool.row("tree, cold: check --no-cache / parse floor", lambda c=cold: ratio(c, floor), 1.5),
                 tool.row("tree, warm: check / grep -rl", lambda w=warm: ratio(w, grep), 3),
                 tool.row("tree, warm, 1 file touched: check / grep -rl", lambda t=touched[-1]: ratio(t, grep), 3),
                 tool.row("tree, cold: default --jobs / --jobs 1", lambda c=cold, o=one: ratio(c, o), 1.05)]
    print("\n[tree] whole tree: grep and the parse floor vs astro-migrate, cold and warm cache")
    warm_up(timed, args.timeout)
    rounds(timed, args.runs, args.timeout)
    print("\n[tree] warm, one module touched before each run")
    warm_up(touched, args.timeout)
    rounds([grep] + touched, args.runs, args.timeout)
    return rows


class ChangedFilesBench(Bench):
    """A pre-commit run: the named files were just changed (their stat moves before each run),
    the rest of the project is as the previous run left it."""

    def __init__(self, *args, changed: tuple = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.changed = changed

    def run(self, timeout: float, record: bool = True) -> None:
        for path in self.changed:
            os.utime(path)
        super().run(timeout, record)


def bench_precommit(tree: Path, work: Path, tools: list, args) -> list:
    files = clean_modules(tree)
    python = Bench("python -c pass", [sys.executable, "-c", "pass"], work)
    rows, timed = [], [python]
    for tool in tools:
        plain = tool.bench("check (5 changed files)", ["check", *files, "--exit-zero"], tree)
        check = ChangedFilesBench(plain.label, plain.argv, tree, plain.env, changed=tuple(files))
        timed.append(check)
        rows.append(tool.row("pre-commit, 5 files: time / python -c pass", lambda c=check: ratio(c, python), 5))
    print(f"\n[precommit] 5 changed non-matching files: {', '.join(Path(f).name for f in files)}")
    warm_up(timed, args.timeout)
    rounds(timed, args.runs, args.timeout)
    shutil.rmtree(tree / ".astro_migrate_cache", ignore_errors=True)
    return rows


def bench_matching(work: Path, tools: list, args) -> list:
    matching = make_tree(work / "matching", matching_only=args.matching, seed=args.seed)
    rows, timed = [], []
    if args.codemod:
        (work / ".libcst.codemod.yaml").write_text(LIBCST_CONFIG)
        env = {**os.environ, "PYTHONPATH": str(BENCH_DIR)}
        timed.append(Bench("libcst codemod -j 1",
                           [sys.executable, "-m", "libcst.tool", "codemod", "-x", "trivial_codemod.TrivialCommand",
                            "--no-format", "--hide-progress", "-j", "1", str(matching)], work, env))
    for tool in tools:
        one, default = (tool.bench(f"check --jobs {n}", [
            "check", str(matching), "--no-cache", "--exit-zero", "--jobs", n], work) for n in ("1", "0"))
        timed += [one, default]
        if args.codemod:
            rows.append(tool.row("matching: throughput / libcst codemod", lambda o=one, c=timed[0]: ratio(c, o), 2,
                                 at_least=True))
        rows.append(tool.row(f"matching ({args.matching}): speed-up, default --jobs",
                             lambda o=one, d=default: ratio(o, d), 1.7, at_least=True))
    print(f"\n[matching] {args.matching} matching modules: --jobs 1 vs the default")
    rounds(timed, args.runs, args.timeout)
    return rows


def bench_memory(tree: Path, work: Path, tools: list, args) -> list:
    """Peak RSS of a cold check of the tree, and of a 10x tree with ``--big``."""
    sizes = {"1x": tree}
    if args.big:
        sizes["10x"] = make_tree(work / "tree-10x", lines=args.lines * 10, seed=args.seed)
    print("\n[memory] peak RSS of a cold check, one run per tree size")
    rows, timed = [], []
    for tool in tools:
        benches = {size: tool.bench(f"check --no-cache ({size})", ["check", str(path), "--no-cache", "--exit-zero"],
                                    work) for size, path in sizes.items()}
        timed += benches.values()
        rows += [tool.row(f"memory, {size} tree: peak RSS", lambda b=bench: b.rss_mib, MEMORY_LIMIT_MIB, " MiB")
                 for size, bench in benches.items()]
        if args.big:
            rows.append(tool.row("memory: peak RSS 10x tree / 1x tree", lambda b=benches: growth(b), MEMORY_GROWTH))
    rounds(timed, 1, args.timeout)
    return rows


def growth(benches: dict) -> Optional[float]:
    small, large = benches["1x"].rss_mib, benches["10x"].rss_mib
    return large / small if small and large else None


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000, help="lines of Python in the tree")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per command")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--tree", type=Path, help="time this tree instead of generating one")
    parser.add_argument("--big", action="store_true", help="also check memory on a 10x tree")
    parser.add_argument("--only", action="append", choices=GROUPS, help="run only these groups")
    parser.add_argument("--timeout", type=float, default=600, help="seconds before a run is abandoned")
    parser.add_argument("--matching", type=int, default=MATCHING_FILES, help="modules of the matching tree")
    parser.add_argument("--codemod", action="store_true", help="also time LibCST's trivial codemod on them")
    parser.add_argument("--before", type=Path, help="a source checkout of the tool to time beside this one")
    args = parser.parse_args(argv)
    groups = args.only or GROUPS
    print(f"python: {sys.version.split()[0]} ({sys.executable})")

    with tempfile.TemporaryDirectory(prefix="astro-migrate-bench-") as tmp:
        work = Path(tmp)
        tools = [Tool("", BENCH_DIR.parent, work / "pycache")]
        if args.before:
            tools.insert(0, Tool("before", args.before.resolve(), work / "pycache"))
        needs_tree = {"tree", "precommit", "memory"} & set(groups)
        tree = args.tree or (make_tree(work / "tree", lines=args.lines, seed=args.seed) if needs_tree else None)
        rows = []
        if "tree" in groups:
            rows += bench_tree(tree, work, tools, args)
        if "precommit" in groups:
            rows += bench_precommit(tree, work, tools, args)
        if "matching" in groups:
            rows += bench_matching(work, tools, args)
        if "memory" in groups:
            rows += bench_memory(tree, work, tools, args)

    print(f"\n{'comparison':<56} {'measured':>10}  {'target':<12} result")
    for row in rows:
        print(row.line())


if __name__ == "__main__":
    main()
