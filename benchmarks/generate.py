"""Deterministic generator of synthetic source trees for benchmarking astro-migrate.

    python benchmarks/generate.py OUT_DIR --lines 1000000 [--seed 0] [--matching-fraction 0.01]
    python benchmarks/generate.py OUT_DIR --matching-only 1000 [--seed 0]

The default mode writes a monorepo of about ``--lines`` lines of Python (nested
packages of plain modules, Airflow DAGs and HTTP clients) plus CI YAML, Kubernetes
manifests, shell, Markdown, JSON, Terraform and Dockerfiles, a ``.gitignore`` and
ignored ``node_modules/`` and ``.venv/`` folders. About ``--matching-fraction`` of
the files call Astro API v1beta1 in the shapes astro-migrate knows; the others
carry look-alikes that must not match. ``--matching-only N`` writes N typical
~300-line modules that all call v1beta1. The same seed gives the same bytes.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from string import Template

WORDS = (
    "account alert audit batch billing cache catalog cluster config customer dataset "
    "deploy event export feature gateway inventory invoice job ledger metric model "
    "notify order payment pipeline queue report sales schedule search session storage "
    "sync task team token user warehouse worker"
).split()
RESOURCES = {
    "platform": ["deployments", "clusters", "workspaces", "deployment-options", "audit-logs"],
    "iam": ["teams", "users", "tokens", "invites", "roles"],
}
BLOCKED = ["alerts", "notification-channels"]  # no v1 equivalent: the tool reports blockers
ASTRO = "https://api.astronomer.io"
GITIGNORE = """\
__pycache__/
*.pyc
.venv/
node_modules/
build/
dist/
.astro_migrate_cache/
"""


def _t(text: str) -> Template:
    return Template(text.lstrip("\n"))


# --- v1beta1 shapes (each a top-level block; $base is the module's ASTRO_BASE) ---
SHAPES = {
    "literal": _t('''
${UPPER}_URL = "$astro/$api/v1beta1/organizations/{org}/$res"


def list_$ident(session, org):
    """Return every item of $res for an organization."""
    response = session.get(${UPPER}_URL.format(org=org), timeout=30)
    response.raise_for_status()
    return response.json()["$key"]
'''),
    "fstring": _t('''
def get_$ident(org_id, token):
    """Fetch $res of an organization from the Astro API."""
    headers = {"Authorization": f"Bearer {token}"}
    response = httpx.get(f"{ASTRO_BASE}/organizations/{org_id}/$res", headers=headers)
    response.raise_for_status()
    return response.json()
'''),
    "plus": _t('''
def ${ident}_url(org_id):
    """Build the $res endpoint for an organization."""
    return ASTRO_BASE + "/organizations/" + org_id + "/$res"
'''),
    "percent": _t('''
def fetch_$ident(org_id, session=None):
    """Read $res with a %-formatted URL."""
    session = session or requests.Session()
    url = "$astro/$api/v1beta1/organizations/%s/$res" % org_id
    return session.get(url, timeout=10).json()
'''),
    "format": _t('''
def describe_$ident(org_id, item_id):
    """Return one item of $res."""
    url = "$astro/$api/v1beta1/organizations/{}/$res/{}".format(org_id, item_id)
    return requests.get(url, timeout=10).json()
'''),
    "implicit": _t('''
def item_${ident}_url(org_id, item_id):
    """Build the URL of one item of $res."""
    return (
        "$astro/$api/v1beta1"
        f"/organizations/{org_id}/$res/{item_id}"
    )
'''),
    "base_url": _t('''
class ${Ident}Client:
    """Thin client for Astro $res."""

    def __init__(self, token):
        self._client = httpx.Client(
            base_url="$astro/$api/v1beta1",
            headers={"Authorization": f"Bearer {token}"},
            timeout=30.0,
        )

    def list(self, org_id):
        response = self._client.get(f"/organizations/{org_id}/$res")
        response.raise_for_status()
        return response.json()
'''),
    "environ": _t('''
ASTRO_API_$UPPER = os.environ.get("ASTRO_API", "$astro/$api/v1beta1")


def sync_$ident(org_id):
    """Sync $res using the configured Astro API."""
    return requests.get(f"{ASTRO_API_$UPPER}/organizations/{org_id}/$res", timeout=30).json()
'''),
    "comment": _t('''
def parse_$ident(payload):
    """Parse a response of GET $astro/$api/v1beta1/organizations/{organizationId}/$res."""
    # Schema: $astro/$api/v1beta1/organizations/{organizationId}/$res
    return [item for item in payload.get("$key", []) if item.get("id")]
'''),
    "blocker": _t('''
def create_$ident(org_id, body):
    """Create an organization-level item of $res."""
    response = httpx.post(f"{ASTRO_BASE}/organizations/{org_id}/$res", json=body)
    response.raise_for_status()
    return response.json()
'''),
    "imported": _t('''
def load_$ident(org_id, token):
    """Fetch $res via the shared Astro settings."""
    headers = {"Authorization": f"Bearer {token}"}
    return httpx.get(f"{ASTRO_API_URL}/organizations/{org_id}/$res", headers=headers).json()
'''),
}
SHAPE_IMPORTS = {"import os", "import requests", "import httpx"}
NEEDS_BASE = {"fstring", "plus", "blocker"}
SHAPES_IN_MATCHING_ONLY = [name for name in SHAPES if name != "imported"]
SETTINGS_MODULE = f'"""Shared Astro API settings."""\n\nASTRO_API_URL = "{ASTRO}/iam/v1beta1"\n'

# --- ordinary code ---
STATEMENTS = [
    "$a = $b.get(\"$c\", $n)",
    "if $a is None:\n    return $n",
    "for item in $b:\n    log.debug(\"processing %s\", item)",
    "try:\n    $a = int($b)\nexcept (TypeError, ValueError):\n    $a = 0",
    "result.append({\"$c\": $a, \"count\": len($b)})",
    "log.info(\"$c done in %.2fs\", time.monotonic() - started)",
    "$a = [x for x in $b if x.get(\"$c\")]",
    "if not $a:\n    raise ValueError(\"missing $c\")",
    "$a = {key: value for key, value in $b.items() if value is not None}",
    "with open(path, encoding=\"utf-8\") as handle:\n    $a = json.load(handle)",
    "$a = $b.strip().lower().replace(\" \", \"_\")",
    "while $a > $n:\n    $a -= 1",
]
LOOKALIKES = [
    _t('''
PDB_MANIFEST = {
    "apiVersion": "policy/v1beta1",
    "kind": "PodDisruptionBudget",
    "metadata": {"name": "$c-pdb"},
    "spec": {"minAvailable": $n, "selector": {"matchLabels": {"app": "$c"}}},
}
'''),
    _t('''
IAM_MEMBER = {
    "apiVersion": "iam.cnrm.cloud.google.com/v1beta1",
    "kind": "IAMPolicyMember",
    "metadata": {"name": "$c-reader"},
}
'''),
    _t('''
def astro_v1_deployments(org_id):
    """Already migrated: Astro API v1."""
    return requests.get(f"$astro/v1/organizations/{org_id}/deployments", timeout=30).json()
'''),
]
DAG = _t('''
with DAG(
    dag_id="${c}_$a",
    schedule="$cron",
    start_date=datetime(2024, 1, $n),
    catchup=False,
    tags=["$c", "$b"],
) as dag:
    extract = PythonOperator(task_id="extract_$a", python_callable=$b)
    transform = BashOperator(task_id="transform_$a", bash_command="python -m $c.transform")
    load = PythonOperator(task_id="load_$a", python_callable=$b, retries=$n)
    extract >> transform >> load
''')
CLIENT = _t('''
class ${C}Client:
    """Client for the internal $c service."""

    base_url = "https://$c.internal.example.com/api/v2"

    def __init__(self, token, timeout=30):
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"
        self.timeout = timeout

    def get_$a(self, item_id):
        response = self.session.get(f"{self.base_url}/$a/{item_id}", timeout=self.timeout)
        response.raise_for_status()
        return response.json()
''')
CORE_IMPORTS = {"import json", "import logging", "import time", "from dataclasses import dataclass",
                "from typing import Any, Dict, List, Optional"}
IMPORTS = [
    "import json", "import logging", "import os", "import time", "import requests",
    "import httpx", "from dataclasses import dataclass", "from datetime import datetime",
    "from typing import Any, Dict, List, Optional",
    "from airflow import DAG", "from airflow.operators.python import PythonOperator",
    "from airflow.operators.bash import BashOperator",
]

# --- non-Python files ---
OTHER = {
    ".yml": _t('''
name: $c-ci
on:
  push:
    branches: [main]
  pull_request:
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - run: pip install -e ".[test]"
      - run: pytest -q $c
'''),
    ".yaml": _t('''
apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata:
  name: $c-pdb
spec:
  minAvailable: $n
  selector:
    matchLabels:
      app: $c
---
apiVersion: iam.cnrm.cloud.google.com/v1beta1
kind: IAMPolicyMember
metadata:
  name: $c-$a-reader
spec:
  member: serviceAccount:$c@example.iam.gserviceaccount.com
  role: roles/storage.objectViewer
'''),
    ".sh": _t('''
#!/usr/bin/env bash
set -euo pipefail
# Refresh the $c deployment through the Astro API v1.
ORG_ID="$${ORG_ID:?set ORG_ID}"
curl -fsS -H "Authorization: Bearer $${ASTRO_TOKEN}" \\
  "https://api.astronomer.io/v1/organizations/$${ORG_ID}/deployments" > "$a.json"
python -m $c.sync --input "$a.json"
'''),
    ".md": _t('''
# $C

The $c service syncs $a records every $n minutes.

## Running locally

```bash
pip install -e .
python -m $c
```

Deployments are managed with the Astro API v1 (`https://api.astronomer.io/v1`).
'''),
    ".json": _t('''
{
  "service": "$c",
  "retries": $n,
  "endpoints": {"$a": "https://$c.internal.example.com/api/v2/$a"},
  "features": ["$a", "$b"]
}
'''),
    ".tf": _t('''
resource "google_storage_bucket" "${c}_$a" {
  name     = "$c-$a-$n"
  location = "EU"

  versioning {
    enabled = true
  }
}
'''),
}
OTHER_WEIGHTS = {".yml": 3, ".yaml": 5, ".sh": 4, ".md": 8, ".json": 6, ".tf": 3}
OTHER_DIRS = {".yml": ".github/workflows", ".yaml": "{project}/deploy", ".sh": "{project}/scripts",
              ".md": "{project}/docs", ".json": "{project}/config", ".tf": "infra/{project}"}
OTHER_PER_MODULE = 0.25
# Files written per Python module (the module, other files, package __init__/README/Dockerfile),
# so that matching modules are about --matching-fraction of all files.
FILES_PER_MODULE = 1 + OTHER_PER_MODULE + 0.15
DOCKERFILE = _t('''
FROM python:3.11-slim
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir -e .
CMD ["python", "-m", "$c"]
''')


@dataclass
class Stats:
    python_files: int = 0
    python_lines: int = 0
    other_files: int = 0
    other_lines: int = 0
    matching_files: int = 0
    noise_files: int = 0
    dirs: set = field(default_factory=set)

    def summary(self) -> str:
        return (
            f"{self.python_files} Python files ({self.python_lines} lines), "
            f"{self.other_files} other files ({self.other_lines} lines), "
            f"{self.matching_files} matching files, {self.noise_files} files in ignored folders"
        )


class Generator:
    """Renders files from a seeded ``random.Random``; writes them under ``root``."""

    def __init__(self, root: Path, seed: int):
        self.root = root
        self.rng = random.Random(seed)
        self.stats = Stats()

    # --- rendering ---
    def words(self) -> dict:
        a, b, c = self.rng.sample(WORDS, 3)
        return {
            "a": a, "b": b, "c": c, "C": c.title(), "n": self.rng.randint(1, 28),
            "cron": self.rng.choice(["@daily", "@hourly", "0 6 * * *"]), "astro": ASTRO,
        }

    def function(self, method: bool = False) -> str:
        w = self.words()
        args = f"self, {w['b']}" if method else w["b"]
        lines = [f"def {w['a']}_{w['b']}({args}, path=None):",
                 f'    """{w["C"]} the {w["b"]} records of a {w["a"]}."""',
                 "    started = time.monotonic()", "    result = []"]
        for _ in range(self.rng.randint(2, 14)):
            stmt = Template(self.rng.choice(STATEMENTS)).substitute(self.words())
            lines += ["    " + line for line in stmt.splitlines()]
        return "\n".join(lines + ["    return result"]) + "\n"

    def klass(self) -> str:
        w = self.words()
        text = (f"@dataclass\nclass {w['C']}{w['a'].title()}:\n"
                f'    """A {w["a"]} of the {w["c"]} domain."""\n\n'
                f"    {w['a']}_id: str\n    {w['b']}: Optional[str] = None\n")
        for _ in range(self.rng.randint(1, 4)):
            method = self.function(method=True).splitlines()
            text += "\n" + "\n".join("    " + line for line in method) + "\n"
        return text

    def block(self, dags: bool) -> str:
        roll = self.rng.random()
        if dags and roll < 0.3:
            return DAG.substitute(self.words())
        if roll < 0.55:
            return self.function()
        if roll < 0.87:
            return self.klass()
        if roll < 0.99:
            return CLIENT.substitute(self.words())
        return self.rng.choice(LOOKALIKES).substitute(self.words())

    def shape(self, name: str, base_api: str) -> str:
        api = {"imported": "iam", "blocker": "platform"}.get(name, base_api)
        res = self.rng.choice(BLOCKED if name == "blocker" else RESOURCES[api])
        ident = res.replace("-", "_") + f"_{self.rng.randint(1, 999)}"
        return SHAPES[name].substitute(
            astro=ASTRO, api=api, res=res, ident=ident, UPPER=ident.upper(),
            Ident=ident.title().replace("_", ""), key=res.split("-")[0])

    def module(self, n_lines: int, shapes: list, dags: bool = False) -> str:
        w = self.words()
        head = [f'"""{w["C"]} helpers for the {w["a"]} pipeline.', "",
                f"Owned by the {w['b']} team.", '"""']
        head += [line for line in IMPORTS if line in CORE_IMPORTS or (shapes and line in SHAPE_IMPORTS)
                 or self.rng.random() < 0.5]
        if "imported" in shapes:
            head.append("from .astro_settings import ASTRO_API_URL")
        head += ["", "log = logging.getLogger(__name__)"]
        base_api = "platform" if "blocker" in shapes else self.rng.choice(sorted(RESOURCES))
        if NEEDS_BASE & set(shapes):
            head.append(f'ASTRO_BASE = "{ASTRO}/{base_api}/v1beta1"')
        blocks = [self.shape(name, base_api) for name in shapes]
        size = len(head) + sum(b.count("\n") + 2 for b in blocks)
        while size < n_lines:
            block = self.block(dags)
            blocks.insert(self.rng.randint(0, len(blocks)), block)
            size += block.count("\n") + 2
        return "\n".join(head) + "\n\n\n" + "\n\n".join(blocks)

    def module_length(self) -> int:
        return min(2000, max(12, int(self.rng.lognormvariate(5.0, 0.8))))  # median ~150

    # --- writing ---
    def write(self, rel: str, text: str, *, python=False, matching=False, noise=False) -> None:
        path = self.root / rel
        if path.parent not in self.stats.dirs:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.stats.dirs.add(path.parent)
        path.write_text(text, encoding="utf-8")
        lines = text.count("\n")
        s = self.stats
        if noise:
            s.noise_files += 1
        elif python:
            s.python_files += 1
            s.python_lines += lines
        else:
            s.other_files += 1
            s.other_lines += lines
        s.matching_files += matching

    def package(self, packages: list) -> str:
        """Return a new package dir: a new project root or a subpackage of an existing one."""
        name = f"{self.rng.choice(WORDS)}_{len(packages)}"
        if packages and self.rng.random() < 0.6:
            parent = self.rng.choice(packages)
            if parent.count("/") < 5:
                packages.append(f"{parent}/{name}")
                self.write(f"{packages[-1]}/__init__.py", "", python=True)
                return packages[-1]
        area = self.rng.choice(["services", "services", "libs", "dags", "tools"])
        project = f"{area}/{name}"
        if area == "services":
            self.write(f"{project}/Dockerfile", DOCKERFILE.substitute(self.words()))
        self.write(f"{project}/README.md", OTHER[".md"].substitute(self.words()))
        packages.append(f"{project}/{name}")
        self.write(f"{packages[-1]}/__init__.py", f'"""The {name} package."""\n', python=True)
        return packages[-1]

    def tree(self, lines: int, matching_fraction: float) -> None:
        self.write(".gitignore", GITIGNORE)
        packages: list = []
        settings: set = set()
        kinds, weights = zip(*OTHER_WEIGHTS.items())
        while self.stats.python_lines < lines:
            pkg = self.package(packages) if not packages or self.rng.random() < 0.08 else self.rng.choice(packages)
            shapes = []
            if self.rng.random() < matching_fraction * FILES_PER_MODULE:
                shapes = self.rng.sample(sorted(SHAPES), self.rng.randint(1, 3))
                if "imported" in shapes and pkg not in settings:
                    settings.add(pkg)
                    self.write(f"{pkg}/astro_settings.py", SETTINGS_MODULE, python=True, matching=True)
            text = self.module(self.module_length(), shapes, dags=pkg.startswith("dags/"))
            self.write(f"{pkg}/{self.rng.choice(WORDS)}_{self.stats.python_files}.py", text,
                       python=True, matching=bool(shapes))
            if self.rng.random() < OTHER_PER_MODULE:
                kind = self.rng.choices(kinds, weights)[0]
                project = "/".join(pkg.split("/")[:2])
                where = OTHER_DIRS[kind].format(project=project)
                self.write(f"{where}/{self.rng.choice(WORDS)}_{self.stats.other_files}{kind}",
                           OTHER[kind].substitute(self.words()))
        self.noise(max(1, lines // 20_000))

    def noise(self, count: int) -> None:
        """Ignored folders: a vendored v1beta1 SDK in .venv and JS packages in node_modules."""
        for i in range(count):
            w = self.words()
            self.write(f".venv/lib/python3.11/site-packages/astro_sdk_{i}/client.py",
                       self.module(300, ["base_url", "literal"]), noise=True)
            self.write(f"node_modules/@{w['c']}/{w['a']}-{i}/index.js",
                       f"module.exports = {{ api: 'https://{w['c']}.googleapis.com/v1beta1/{w['a']}' }};\n"
                       * 40, noise=True)
            self.write(f"node_modules/@{w['c']}/{w['a']}-{i}/package.json",
                       f'{{"name": "@{w["c"]}/{w["a"]}-{i}", "version": "1.{i}.0"}}\n', noise=True)

    def matching_only(self, count: int) -> None:
        for i in range(count):
            shapes = self.rng.sample(SHAPES_IN_MATCHING_ONLY, self.rng.randint(1, 3))
            text = self.module(self.rng.randint(250, 350), shapes)
            self.write(f"module_{i:05d}.py", text, python=True, matching=True)


def generate(out: Path, *, lines=1_000_000, seed=0, matching_fraction=0.01, matching_only=0) -> Stats:
    """Write a tree into ``out`` (which must be empty or missing) and return its stats."""
    out.mkdir(parents=True, exist_ok=True)
    if any(out.iterdir()):
        raise SystemExit(f"{out} is not empty")
    gen = Generator(out, seed)
    if matching_only:
        gen.matching_only(matching_only)
    else:
        gen.tree(lines, matching_fraction)
    return gen.stats


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="output directory (empty or missing)")
    parser.add_argument("--lines", type=int, default=1_000_000, help="lines of Python to write")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--matching-fraction", type=float, default=0.01)
    parser.add_argument("--matching-only", type=int, default=0, metavar="N",
                        help="write N ~300-line modules that all call v1beta1")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    stats = generate(args.out, lines=args.lines, seed=args.seed,
                     matching_fraction=args.matching_fraction, matching_only=args.matching_only)
    print(f"{args.out}: {stats.summary()} in {time.perf_counter() - started:.1f}s", file=sys.stderr)


if __name__ == "__main__":
    main()
