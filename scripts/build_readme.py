"""Regenerate the README's codes table and per-code sections from rules/codes.toml.

Usage: python scripts/build_readme.py [README.md]
tests/test_registry.py fails while README.md is out of date.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from migrator.report.explain import with_readme_section

if __name__ == "__main__":
    readme = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "README.md")
    readme.write_text(with_readme_section(readme.read_text(encoding="utf-8")), encoding="utf-8")
