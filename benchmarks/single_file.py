"""A pre-commit run on one file of a 5,000-module project, cold and warm, beside `python -c pass`.

    python benchmarks/single_file.py [--modules 5000] [--runs 5] [--seed 0] [--tree DIR]

Generates an Astro project (a git repository) of `--modules` Python modules: `include/`
holds the v1beta1 bases (one of them used for an alerts call, which has no v1 equivalent),
a few dozen DAGs and clients import them, and the rest are ordinary packages. Then times, as
pre-commit runs it (a subprocess per run, files named on the command line), in alternating
rounds: `python -c pass`; `astro-migrate check FILE` cold (the cache folder removed before
each run); and warm (the cache left by the previous run); for an ordinary module, a DAG that
imports a base, and the module that defines the bases. Prints medians and ratios.
"""
from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from run import Bench, astro_migrate, ratio, rounds

CACHE_DIR = ".astro_migrate_cache"
IMPORTERS = 36  # modules that import a v1beta1 base
SETTINGS = '''\
"""Astro API bases for every DAG of this project."""
import os

HOST = "https://api.astronomer.io"
ORG = os.environ.get("ASTRO_ORGANIZATION_ID", "org-1")
PLATFORM_API = f"{HOST}/platform/v1beta1/organizations/{ORG}"
IAM_API = f"{HOST}/iam/v1beta1/organizations/{ORG}"
ALERTS_API = f"{HOST}/platform/v1beta1/organizations/{ORG}"
'''
IMPORTER = '''\
"""{title}."""
from datetime import datetime

import requests
from airflow.decorators import dag, task

from include.astro_settings import {base}


@task
def call_{index}(token: str) -> dict:
    response = requests.get(f"{{{base}}}/{path}", headers={{"Authorization": f"Bearer {{token}}"}}, timeout=30)
    response.raise_for_status()
    return response.json()


@dag(schedule=None, start_date=datetime(2026, 1, 1), catchup=False)
def {name}():
    call_{index}("{{{{ var.value.astro_token }}}}")


{name}()
'''
ORDINARY = '''\
"""{title}."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class {cls}:
    name: str
    weight: float = {weight}
    tags: list = field(default_factory=list)

    def score(self, factor: float) -> float:
        total = self.weight * factor
        for tag in self.tags:
            total += len(tag) / {divisor}
        return round(total, 3)


def {func}(items: list) -> dict:
    """Group the items by the first letter of their name."""
    grouped: dict = {{}}
    for item in items:
        grouped.setdefault(item.name[:1], []).append(item)
    return grouped


def describe_{index}(items: list) -> str:
    return ", ".join(f"{{item.name}}={{item.score({factor})}}" for item in items)
'''
WORDS = "account audit batch billing cache catalog cluster config dataset event export feature gateway " \
        "ledger metric model notify order payment queue report sales schedule search session storage".split()


def generate(root: Path, modules: int, seed: int) -> dict:
    """Write the project; return the files to time, by role."""
    chance = random.Random(seed)
    (root / "include").mkdir(parents=True)
    (root / "dags").mkdir()
    (root / "Dockerfile").write_text("FROM quay.io/astronomer/astro-runtime:12.1.0\n")
    (root / ".gitignore").write_text(f"{CACHE_DIR}/\n__pycache__/\n")
    (root / "include" / "__init__.py").write_text("")
    (root / "include" / "astro_settings.py").write_text(SETTINGS)
    for index in range(IMPORTERS):
        base, path = chance.choice([("PLATFORM_API", "deployments"), ("IAM_API", "teams"), ("ALERTS_API", "alerts")])
        name = f"dag_{index:03d}"
        text = IMPORTER.format(title=f"DAG {index}", base=base, path=path, index=index, name=name)
        (root / "dags" / f"{name}.py").write_text(text)
    ordinary = modules - IMPORTERS - 2
    per_package = 100
    for index in range(ordinary):
        package = root / "lib" / f"pkg_{index // per_package:03d}"
        if index % per_package == 0:
            package.mkdir(parents=True)
            (package / "__init__.py").write_text("")
        word = chance.choice(WORDS)
        text = ORDINARY.format(
            title=f"{word.title()} helpers {index}", cls=f"{word.title()}{index}", func=f"group_{word}_{index}",
            weight=chance.randint(1, 9), divisor=chance.randint(2, 9), factor=chance.randint(1, 5), index=index,
        )
        (package / f"{word}_{index:04d}.py").write_text(text)
    if shutil.which("git"):
        subprocess.run(["git", "init", "-q", str(root)], check=True)
    return {
        "ordinary module": sorted((root / "lib" / "pkg_000").glob("*_0000.py"))[0],
        "DAG importing a base": root / "dags" / "dag_000.py",
        "module defining the bases": root / "include" / "astro_settings.py",
    }


class ColdBench(Bench):
    """A run with no cache: the cache folder is removed before each run (outside the timing)."""

    def run(self, timeout: float, record: bool = True) -> None:
        shutil.rmtree(self.cwd / CACHE_DIR, ignore_errors=True)
        super().run(timeout, record)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--tree", type=Path, help="a new folder to write the project to (kept), instead of a temporary one"
    )
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="single-file-"))
    try:
        root = (args.tree or work / "project").resolve()
        files = generate(root, args.modules, args.seed)
        astro = astro_migrate()
        print(f"{args.modules} modules in {root}; {astro}; {args.runs} rounds")
        rows = []
        for role, path in files.items():
            python = Bench("python -c pass", [sys.executable, "-c", "pass"], root)
            name = str(path.relative_to(root))
            argv = [astro, "check", name, "--exit-zero"]
            cold = ColdBench(f"check {name} (cold)", argv, root)
            warm = Bench(f"check {name} (warm)", argv, root)  # after the cold run of each round
            print(f"\n[{role}] {name}")
            rounds([python, cold, warm], args.runs, args.timeout)
            rows.append((role, ratio(cold, python), ratio(warm, python)))
        print(f"\n{'one file named':<28} {'cold / python -c pass':>22} {'warm / python -c pass':>22}")
        for role, cold_ratio, warm_ratio in rows:
            shown = [f"{r:.2f}x" if r is not None else "pending" for r in (cold_ratio, warm_ratio)]
            print(f"{role:<28} {shown[0]:>22} {shown[1]:>22}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
