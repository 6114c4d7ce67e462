"""Read a candidate file's bytes."""
from __future__ import annotations


def read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()
