"""The parse floor of issue 16: what any LibCST-based tool pays on a tree.

    python benchmarks/floor.py TREE

One process that reads every file under TREE (as `grep -r` does, `.git` and the tool's cache
left out) and LibCST-parses only the Python files whose bytes contain `v1beta1`. Prints the
count of files read and parsed.
"""
from __future__ import annotations

import os
import sys

import libcst

SKIPPED = {".git", ".astro_migrate_cache"}


def floor(tree: str) -> tuple:
    read = parsed = 0
    for folder, folders, names in os.walk(tree):
        folders[:] = sorted(name for name in folders if name not in SKIPPED)
        for name in sorted(names):
            path = os.path.join(folder, name)
            try:
                with open(path, "rb") as handle:
                    data = handle.read()
            except OSError:
                continue
            read += 1
            if name.endswith(".py") and b"v1beta1" in data:
                try:
                    libcst.parse_module(data)
                except libcst.ParserSyntaxError:
                    pass
                parsed += 1
    return read, parsed


if __name__ == "__main__":
    files, parses = floor(sys.argv[1])
    print(f"{files} files read, {parses} parsed")
