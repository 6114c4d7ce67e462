"""Regenerate the derived v1 index (operations and schema fields) from a v1 spec file.

Usage: python scripts/derive_v1_index.py [SPEC] [-o OUTPUT]

SPEC defaults to tests/fixtures/specs/v1.yaml (a copy of https://api.astronomer.io/spec/v1),
OUTPUT to tests/data/v1_index.json, which tests/test_rule_table.py checks the rule table against.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from migrator.spec.fetch import SpecError, load_spec
from migrator.spec.index import build_index

ROOT = Path(__file__).resolve().parent.parent


def render(spec_path: str) -> str:
    return json.dumps(build_index(load_spec(spec_path)), indent=1, ensure_ascii=False) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec", nargs="?", default=str(ROOT / "tests/fixtures/specs/v1.yaml"))
    parser.add_argument("-o", "--output", default=str(ROOT / "tests/data/v1_index.json"))
    args = parser.parse_args(argv)
    try:
        text = render(args.spec)
    except SpecError as exc:
        print(f"derive_v1_index: error: {exc}", file=sys.stderr)
        return 2
    Path(args.output).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
