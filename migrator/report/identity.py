"""Finding identity that survives unrelated edits: not the line number, but the file, the code,
the (masked, whitespace-normalised) source line and the occurrence among identical ones."""
from __future__ import annotations

import hashlib
from collections import Counter


def fingerprints(rows: list, path_of=lambda row: row.path) -> list:
    """One fingerprint per row, in order; `path_of` names the file as the fingerprint sees it."""
    seen: Counter = Counter()
    out = []
    for row in rows:
        key = (path_of(row), row.code, " ".join(row.source_line.split()))
        seen[key] += 1
        text = "\0".join(key + (str(seen[key]),))
        out.append(hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:32])
    return out
